# ---------------------------------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------------------------------

output "project_id" {
  description = "Project that holds everything."
  value       = var.project_id
}

output "cluster_name" {
  description = "GKE cluster name."
  value       = google_container_cluster.this.name
}

output "cluster_location" {
  description = "Region of the (regional) cluster."
  value       = google_container_cluster.this.location
}

output "cluster_endpoint" {
  description = "IP address of the Kubernetes API server."
  value       = google_container_cluster.this.endpoint
}

output "cluster_ca_certificate" {
  description = "Base64 PEM of the cluster CA (public, for kubeconfig files)."
  value       = google_container_cluster.this.master_auth[0].cluster_ca_certificate
}

output "cluster_oidc_issuer_url" {
  description = "OIDC issuer of the cluster's service account tokens. Give it to the other clouds' modules (external_readers) to let this cluster's workloads read their stores."
  value       = "https://container.googleapis.com/v1/projects/${var.project_id}/locations/${google_container_cluster.this.location}/clusters/${google_container_cluster.this.name}"
}

output "workload_pool" {
  description = "The cluster's Workload Identity pool."
  value       = local.workload_pool
}

output "kubeconfig_command" {
  description = "Command that writes a kubeconfig entry for the cluster."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.this.name} --region ${google_container_cluster.this.location} --project ${var.project_id}"
}

output "node_pools" {
  description = "Node pool names; each carries the label platform/pool=<name>."
  value       = concat([google_container_node_pool.system.name, google_container_node_pool.inference.name], google_container_node_pool.gpu[*].name)
}

# ---------------------------------------------------------------------------------------------------------------------
# Object store and workload identity
# ---------------------------------------------------------------------------------------------------------------------

output "bucket_name" {
  description = "Name of the model bucket (the overlay setting gcp-bucket)."
  value       = google_storage_bucket.models.name
}

output "bucket_url" {
  description = "gs:// URL of the model bucket."
  value       = google_storage_bucket.models.url
}

output "service_account_emails" {
  description = "Kubernetes service account name => Google service account email, for the annotation iam.gke.io/gcp-service-account."
  value       = { for sa in var.service_accounts : sa => google_service_account.workload[sa].email }
}

output "external_reader_audiences" {
  description = "external_readers key => the audience to put in that cluster's credential configuration (gcloud iam workload-identity-pools create-cred-config)."
  value       = { for key, provider in google_iam_workload_identity_pool_provider.external : key => "//iam.googleapis.com/${provider.name}" }
}

output "platform_settings" {
  description = "The non-secret keys this cluster contributes to the platform-settings ConfigMap (settings.env of your overlay)."
  value = {
    "gcp-bucket" = google_storage_bucket.models.name
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------------------------------

output "database_connection_name" {
  description = "Cloud SQL connection name (project:region:instance), for the Cloud SQL Auth Proxy or connectors."
  value       = google_sql_database_instance.this.connection_name
}

output "database_private_ip" {
  description = "Private IP address of the instance (reachable from the VPC only)."
  value       = google_sql_database_instance.this.private_ip_address
}

output "database_name" {
  description = "Database created for the registry."
  value       = google_sql_database.registry.name
}

output "database_user" {
  description = "User the registry connects as."
  value       = google_sql_user.registry.name
}

output "database_secret_id" {
  description = "Secret Manager secret whose latest version is the complete registrydb connection string."
  value       = google_secret_manager_secret.registrydb.id
}

output "database_secret_reader_email" {
  description = "Google service account of database_secret_reader (null when none was asked for), for its iam.gke.io/gcp-service-account annotation."
  value       = try(google_service_account.db_secret_reader[0].email, null)
}

output "database_connection_string" {
  description = "Npgsql connection string for the registrydb key of platform-secrets (includes the password)."
  value       = local.database_connection_string
  sensitive   = true
}
