# ---------------------------------------------------------------------------------------------------------------------
# One Google service account per Kubernetes service account. Each may act only on this bucket (bucket-level IAM, no
# project-level grant), and only its own Kubernetes service account may impersonate it (roles/iam.workloadIdentityUser
# for serviceAccount:<project>.svc.id.goog[<namespace>/<name>]).
# ---------------------------------------------------------------------------------------------------------------------

resource "google_service_account" "workload" {
  for_each = toset(var.service_accounts)

  account_id   = "${var.name_prefix}-${each.value}"
  display_name = "${var.name_prefix} ${each.value} (GKE ${var.kubernetes_namespace}/${each.value})"

  depends_on = [google_project_service.this]
}

resource "google_storage_bucket_iam_member" "workload" {
  for_each = toset(var.service_accounts)

  bucket = google_storage_bucket.models.name
  role   = contains(var.read_only_service_accounts, each.value) ? "roles/storage.objectViewer" : "roles/storage.objectAdmin"
  member = google_service_account.workload[each.value].member
}

resource "google_service_account_iam_member" "workload_identity" {
  for_each = toset(var.service_accounts)

  service_account_id = google_service_account.workload[each.value].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${var.kubernetes_namespace}/${each.value}]"

  # The identity pool <project>.svc.id.goog exists once a cluster with Workload Identity does.
  depends_on = [google_container_cluster.this]
}

# ---------------------------------------------------------------------------------------------------------------------
# Optional cross-cloud readers: workloads in the EKS or AKS cluster read this bucket with their own cluster's service
# account token, exchanged through workload identity federation (no keys). Read-only, this bucket only, and only for
# the listed subjects (the provider rejects any other token).
# ---------------------------------------------------------------------------------------------------------------------

resource "google_iam_workload_identity_pool" "external" {
  for_each = var.external_readers

  workload_identity_pool_id = "${var.name_prefix}-${each.key}"
  display_name              = "${var.name_prefix} readers: ${each.key}"
  description               = "Service accounts of ${each.value.issuer_url} that may read ${local.bucket_name}"

  depends_on = [google_project_service.this]
}

resource "google_iam_workload_identity_pool_provider" "external" {
  for_each = var.external_readers

  workload_identity_pool_id          = google_iam_workload_identity_pool.external[each.key].workload_identity_pool_id
  workload_identity_pool_provider_id = "${each.key}-oidc"
  display_name                       = each.key

  attribute_mapping = {
    "google.subject" = "assertion.sub"
  }
  attribute_condition = join(" || ", [for subject in each.value.subjects : "assertion.sub == '${subject}'"])

  oidc {
    issuer_uri        = each.value.issuer_url
    allowed_audiences = each.value.allowed_audiences
  }
}

locals {
  external_reader_members = merge([
    for key, reader in var.external_readers : {
      for subject in reader.subjects : "${key}/${subject}" => "principal://iam.googleapis.com/${google_iam_workload_identity_pool.external[key].name}/subject/${subject}"
    }
  ]...)
}

resource "google_storage_bucket_iam_member" "external_reader" {
  for_each = local.external_reader_members

  bucket = google_storage_bucket.models.name
  role   = "roles/storage.objectViewer"
  member = each.value

  depends_on = [google_iam_workload_identity_pool_provider.external]
}
