# ---------------------------------------------------------------------------------------------------------------------
# Node service account: not the Compute Engine default account (Editor on the project), but a dedicated one with the
# minimal node role (logs, metrics) and read access to Artifact Registry for image pulls. Pods never act as it:
# Workload Identity (GKE_METADATA on every pool) gives each pod only its own Kubernetes service account's identity.
# ---------------------------------------------------------------------------------------------------------------------

resource "google_service_account" "nodes" {
  account_id   = "${var.name_prefix}-gke-nodes"
  display_name = "${local.cluster_name} nodes"

  depends_on = [google_project_service.this]
}

resource "google_project_iam_member" "nodes" {
  for_each = toset([
    "roles/container.defaultNodeServiceAccount",
    "roles/artifactregistry.reader",
  ])

  project = var.project_id
  role    = each.value
  member  = google_service_account.nodes.member
}

# ---------------------------------------------------------------------------------------------------------------------
# The cluster
# ---------------------------------------------------------------------------------------------------------------------

resource "google_container_cluster" "this" {
  name           = local.cluster_name
  location       = var.region
  node_locations = length(var.zones) > 0 ? var.zones : null

  network         = google_compute_network.this.id
  subnetwork      = google_compute_subnetwork.nodes.id
  networking_mode = "VPC_NATIVE"

  # Node pools are managed below; the default pool is created and deleted at once. It too runs as the node service
  # account, so the project's Compute Engine default account is never needed.
  remove_default_node_pool = true
  initial_node_count       = 1

  node_config {
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
  }

  deletion_protection = var.cluster_deletion_protection
  min_master_version  = var.kubernetes_version

  release_channel {
    channel = var.release_channel
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  # Workload Identity: pods exchange their Kubernetes service account token for a Google one.
  workload_identity_config {
    workload_pool = local.workload_pool
  }

  # Dataplane V2 enforces Kubernetes NetworkPolicy (the generated manifests deny by default).
  datapath_provider = "ADVANCED_DATAPATH"

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
  }

  dynamic "master_authorized_networks_config" {
    for_each = length(var.master_authorized_networks) > 0 ? [1] : []

    content {
      dynamic "cidr_blocks" {
        for_each = var.master_authorized_networks

        content {
          cidr_block   = cidr_blocks.value.cidr_block
          display_name = cidr_blocks.value.display_name
        }
      }
    }
  }

  addons_config {
    # GKE Ingress (ingressClassName gce in the overlay).
    http_load_balancing {
      disabled = false
    }
  }

  lifecycle {
    # node_config describes only the deleted default pool; changing it must not replace the cluster.
    ignore_changes = [node_config]
  }

  depends_on = [
    google_project_service.this,
    google_project_iam_member.nodes,
  ]
}
