# Cloud SQL for PostgreSQL 15: the registry's database. It has a private IP only (in the private services access range,
# reachable from the VPC and so from the pods), accepts only TLS connections, and its user's generated password is
# handed on through Secret Manager as the complete registrydb connection string.

resource "random_id" "db_suffix" {
  byte_length = 3
}

resource "random_password" "db" {
  length = 32
  # Letters and digits only: the password goes into a semicolon-separated connection string unquoted.
  special = false
}

resource "google_sql_database_instance" "this" {
  # Cloud SQL keeps a deleted instance's name reserved for a week, hence the suffix.
  name                = "${var.name_prefix}-registry-${random_id.db_suffix.hex}"
  database_version    = "POSTGRES_15"
  region              = var.region
  deletion_protection = var.db_deletion_protection

  settings {
    tier                        = var.db_tier
    edition                     = var.db_edition
    availability_type           = var.db_availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.db_disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.db_deletion_protection
    user_labels                 = local.labels

    ip_configuration {
      ipv4_enabled       = false
      private_network    = google_compute_network.this.id
      allocated_ip_range = google_compute_global_address.private_services.name
      ssl_mode           = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = var.db_point_in_time_recovery
      point_in_time_recovery_enabled = var.db_point_in_time_recovery
    }
  }

  lifecycle {
    # disk_autoresize grows the disk; Terraform must not try to shrink it back.
    ignore_changes = [settings[0].disk_size]
  }

  depends_on = [google_service_networking_connection.this]
}

resource "google_sql_database" "registry" {
  name     = var.db_name
  instance = google_sql_database_instance.this.name
}

resource "google_sql_user" "registry" {
  name     = var.db_user
  instance = google_sql_database_instance.this.name
  password = random_password.db.result

  # PostgreSQL will not drop a role that owns objects; leave the user to the instance's deletion.
  deletion_policy = "ABANDON"
}

locals {
  database_connection_string = "Host=${google_sql_database_instance.this.private_ip_address};Port=5432;Database=${google_sql_database.registry.name};Username=${google_sql_user.registry.name};Password=${random_password.db.result};SSL Mode=Require"
}

# The registrydb connection string, ready for the platform-secrets Secret (by hand or through External Secrets).
resource "google_secret_manager_secret" "registrydb" {
  secret_id = "${var.name_prefix}-registrydb"

  replication {
    auto {}
  }

  depends_on = [google_project_service.this]
}

resource "google_secret_manager_secret_version" "registrydb" {
  secret      = google_secret_manager_secret.registrydb.id
  secret_data = local.database_connection_string
}

# Optional: a workload (External Secrets Operator) that copies the secret into platform-secrets, with access to this
# one secret only.
resource "google_service_account" "db_secret_reader" {
  count = var.database_secret_reader == null ? 0 : 1

  account_id   = "${var.name_prefix}-db-secret-reader"
  display_name = "${var.name_prefix} registrydb secret reader (GKE ${var.database_secret_reader.namespace}/${var.database_secret_reader.name})"
}

resource "google_secret_manager_secret_iam_member" "db_secret_reader" {
  count = var.database_secret_reader == null ? 0 : 1

  secret_id = google_secret_manager_secret.registrydb.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.db_secret_reader[0].member
}

resource "google_service_account_iam_member" "db_secret_reader_workload_identity" {
  count = var.database_secret_reader == null ? 0 : 1

  service_account_id = google_service_account.db_secret_reader[0].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_pool}[${var.database_secret_reader.namespace}/${var.database_secret_reader.name}]"

  depends_on = [google_container_cluster.this]
}
