# Every pool runs as the dedicated node service account, serves the GKE metadata server (so pods see only their Workload
# Identity, never the node's), uses Shielded VMs and has the legacy metadata endpoints off. Access is decided by IAM
# roles, so the scope is the broad one Google recommends together with a minimal service account.
locals {
  node_oauth_scopes = ["https://www.googleapis.com/auth/cloud-platform"]
}

resource "google_container_node_pool" "system" {
  name     = "system"
  cluster  = google_container_cluster.this.id
  location = var.region

  initial_node_count = var.system_min_nodes_per_zone

  autoscaling {
    min_node_count = var.system_min_nodes_per_zone
    max_node_count = var.system_max_nodes_per_zone
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.system_machine_type
    disk_size_gb    = var.system_disk_size_gb
    service_account = google_service_account.nodes.email
    oauth_scopes    = local.node_oauth_scopes
    resource_labels = local.labels

    labels = {
      "platform/pool" = "system"
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  lifecycle {
    ignore_changes = [initial_node_count]
  }
}

resource "google_container_node_pool" "inference" {
  name     = "inference"
  cluster  = google_container_cluster.this.id
  location = var.region

  initial_node_count = var.inference_min_nodes_per_zone

  autoscaling {
    min_node_count = var.inference_min_nodes_per_zone
    max_node_count = var.inference_max_nodes_per_zone
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.inference_machine_type
    disk_size_gb    = var.inference_disk_size_gb
    service_account = google_service_account.nodes.email
    oauth_scopes    = local.node_oauth_scopes
    resource_labels = local.labels

    labels = {
      "platform/pool" = "inference"
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  lifecycle {
    ignore_changes = [initial_node_count]
  }
}

resource "google_container_node_pool" "gpu" {
  count = var.enable_gpu_nodes ? 1 : 0

  name           = "gpu"
  cluster        = google_container_cluster.this.id
  location       = var.region
  node_locations = length(var.gpu_zones) > 0 ? var.gpu_zones : null

  initial_node_count = var.gpu_min_nodes_per_zone

  autoscaling {
    min_node_count = var.gpu_min_nodes_per_zone
    max_node_count = var.gpu_max_nodes_per_zone
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.gpu_machine_type
    disk_size_gb    = var.gpu_disk_size_gb
    service_account = google_service_account.nodes.email
    oauth_scopes    = local.node_oauth_scopes
    resource_labels = local.labels

    guest_accelerator {
      type  = var.gpu_accelerator_type
      count = var.gpu_accelerator_count

      gpu_driver_installation_config {
        gpu_driver_version = var.gpu_driver_version
      }
    }

    labels = {
      "platform/pool" = "gpu"
    }

    # GKE puts this very taint on GPU nodes itself; declaring it keeps Terraform's view and the cluster's the same.
    # Only pods that tolerate nvidia.com/gpu (inference, in the overlays) land here.
    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NO_SCHEDULE"
    }

    metadata = {
      disable-legacy-endpoints = "true"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  lifecycle {
    ignore_changes = [initial_node_count]
  }
}
