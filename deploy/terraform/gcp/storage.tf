# The model bucket: every artifact the platform stores in Google Cloud (store "gcp" in the AppHost's model).
resource "google_storage_bucket" "models" {
  name          = local.bucket_name
  location      = coalesce(var.bucket_location, var.region)
  force_destroy = var.bucket_force_destroy

  # IAM only (no object ACLs), and never public whatever an IAM binding says.
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  # Replaced and deleted versions are kept for a while, then removed.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_retention_days
      send_age_if_zero           = false
    }

    action {
      type = "Delete"
    }
  }

  # Parts of a crashed multipart (XML API) upload are billed until aborted.
  lifecycle_rule {
    condition {
      age = 7
    }

    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.this]
}
