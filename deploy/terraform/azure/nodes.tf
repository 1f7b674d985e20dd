resource "azurerm_kubernetes_cluster_node_pool" "inference" {
  name                        = "inference"
  temporary_name_for_rotation = "inferencetmp"
  kubernetes_cluster_id       = azurerm_kubernetes_cluster.this.id
  mode                        = "User"
  vm_size                     = var.inference_vm_size
  os_disk_size_gb             = var.inference_os_disk_size_gb
  vnet_subnet_id              = azurerm_subnet.aks.id
  zones                       = length(var.availability_zones) > 0 ? var.availability_zones : null
  auto_scaling_enabled        = true
  min_count                   = var.inference_min_count
  max_count                   = var.inference_max_count
  node_count                  = var.inference_min_count

  node_labels = {
    "platform/pool" = "inference"
  }

  upgrade_settings {
    max_surge = "10%"
  }

  tags = local.tags

  lifecycle {
    ignore_changes = [node_count]
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "gpu" {
  count = var.enable_gpu_nodes ? 1 : 0

  name                        = "gpu"
  temporary_name_for_rotation = "gputmp"
  kubernetes_cluster_id       = azurerm_kubernetes_cluster.this.id
  mode                        = "User"
  vm_size                     = var.gpu_vm_size
  os_disk_size_gb             = var.gpu_os_disk_size_gb
  vnet_subnet_id              = azurerm_subnet.aks.id
  zones                       = length(var.gpu_zones) > 0 ? var.gpu_zones : null
  auto_scaling_enabled        = true
  min_count                   = var.gpu_min_count
  max_count                   = var.gpu_max_count
  node_count                  = var.gpu_min_count

  # AKS installs the NVIDIA driver; the device plugin is deployed separately (see README).
  gpu_driver = "Install"

  node_labels = {
    "platform/pool" = "gpu"
  }

  # Only pods that tolerate the GPU taint (inference, in the overlays) land here.
  node_taints = ["nvidia.com/gpu=true:NoSchedule"]

  upgrade_settings {
    max_surge = "10%"
  }

  tags = local.tags

  lifecycle {
    ignore_changes = [node_count]
  }
}
