# The control plane's identity exists before the cluster, so that its one permission (Network Contributor on the node
# subnet, not on the virtual network or resource group: it manages load balancers and node interfaces there) is in
# place when AKS first needs it.
resource "azurerm_user_assigned_identity" "cluster" {
  name                = "${local.cluster_name}-control-plane"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_role_assignment" "cluster_network" {
  scope                = azurerm_subnet.aks.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.cluster.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = local.cluster_name
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  dns_prefix          = local.cluster_name
  kubernetes_version  = var.kubernetes_version
  sku_tier            = var.sku_tier

  automatic_upgrade_channel = "patch"
  node_os_upgrade_channel   = "NodeImage"

  # Workload identity: the cluster publishes an OIDC issuer, and the mutating webhook projects a token that Entra ID
  # exchanges for the managed identity named in the service account's azure.workload.identity/client-id annotation.
  oidc_issuer_enabled       = true
  workload_identity_enabled = true

  # Kubernetes access through Entra ID and Azure RBAC only: no static admin certificate.
  local_account_disabled            = true
  role_based_access_control_enabled = true

  azure_active_directory_role_based_access_control {
    tenant_id              = data.azurerm_client_config.current.tenant_id
    admin_group_object_ids = var.admin_group_object_ids
    azure_rbac_enabled     = true
  }

  image_cleaner_enabled        = true
  image_cleaner_interval_hours = 48

  # The system pool. Not tainted CriticalAddonsOnly: the registry, sync workers and RabbitMQ run here too.
  default_node_pool {
    name                        = "system"
    temporary_name_for_rotation = "systemtmp"
    vm_size                     = var.system_vm_size
    os_disk_size_gb             = var.system_os_disk_size_gb
    vnet_subnet_id              = azurerm_subnet.aks.id
    zones                       = length(var.availability_zones) > 0 ? var.availability_zones : null
    auto_scaling_enabled        = true
    min_count                   = var.system_min_count
    max_count                   = var.system_max_count
    node_count                  = var.system_min_count

    node_labels = {
      "platform/pool" = "system"
    }

    upgrade_settings {
      max_surge = "10%"
    }

    tags = local.tags
  }

  # Node pools are declared, not auto-provisioned.
  node_provisioning_profile {
    mode = "Manual"
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.cluster.id]
  }

  # Azure CNI overlay with the Cilium data plane, which enforces Kubernetes NetworkPolicy (the generated manifests
  # deny by default and allow only the topology's flows).
  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_data_plane  = "cilium"
    network_policy      = "cilium"
    pod_cidr            = var.pod_cidr
    service_cidr        = var.service_cidr
    dns_service_ip      = var.dns_service_ip
    load_balancer_sku   = "standard"
    outbound_type       = "loadBalancer"
  }

  dynamic "api_server_access_profile" {
    for_each = length(var.api_server_authorized_ip_ranges) > 0 ? [1] : []

    content {
      authorized_ip_ranges = var.api_server_authorized_ip_ranges
    }
  }

  # AKS application routing (the managed NGINX ingress; ingressClassName webapprouting.kubernetes.azure.com).
  web_app_routing {
    dns_zone_ids = []
  }

  tags = local.tags

  lifecycle {
    # The cluster autoscaler owns the node count.
    ignore_changes = [default_node_pool[0].node_count]
  }

  depends_on = [azurerm_role_assignment.cluster_network]
}

resource "azurerm_role_assignment" "deployer_cluster_admin" {
  count = var.grant_deployer_cluster_admin ? 1 : 0

  scope                = azurerm_kubernetes_cluster.this.id
  role_definition_name = "Azure Kubernetes Service RBAC Cluster Admin"
  principal_id         = data.azurerm_client_config.current.object_id
}
