# The GKE root module. Resources are split by concern:
#   network.tf   VPC, subnet with pod and service ranges, Cloud NAT, private services access for Cloud SQL
#   cluster.tf   node service account (minimal roles), the GKE cluster (Workload Identity, Dataplane V2, private nodes)
#   nodes.tf     system, inference and optional GPU node pools
#   storage.tf   the model bucket (uniform access, public access prevention, versioning)
#   identity.tf  one Google service account per Kubernetes service account, bucket-level IAM, workloadIdentityUser,
#                optional cross-cloud readers (workload identity federation)
#   database.tf  Cloud SQL for PostgreSQL 15 on a private IP, its user, and the registrydb secret in Secret Manager

data "google_project" "this" {
  project_id = var.project_id
}

locals {
  cluster_name  = "${var.name_prefix}-gke"
  workload_pool = "${var.project_id}.svc.id.goog"
  bucket_name   = coalesce(var.bucket_name, "${var.project_id}-${var.name_prefix}-models")

  labels = merge(
    {
      "project"    = var.name_prefix
      "managed-by" = "terraform"
    },
    var.labels,
  )

  project_services = [
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "secretmanager.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
    "sts.googleapis.com",
  ]
}

resource "google_project_service" "this" {
  for_each = var.enable_project_services ? toset(local.project_services) : toset([])

  project = var.project_id
  service = each.value

  # Other workloads in the project may use these APIs: never switch them off on destroy.
  disable_on_destroy = false
}
