# ---------------------------------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------------------------------

variable "project_id" {
  description = "ID of the Google Cloud project that holds everything (it also names the Workload Identity pool <project_id>.svc.id.goog)."
  type        = string
}

variable "region" {
  description = "Region of the (regional) GKE cluster, the bucket and the Cloud SQL instance."
  type        = string
  default     = "us-central1"
}

variable "zones" {
  description = "Zones of the region that the node pools use. [] lets GKE choose (three zones in most regions). Node counts are per zone."
  type        = list(string)
  default     = []
}

variable "name_prefix" {
  description = "Prefix of every resource name, 3-12 lower-case letters, digits and hyphens."
  type        = string
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-12 characters of lower-case letters, digits and hyphens, starting with a letter (Google service account IDs built from it are limited to 30 characters)."
  }
}

variable "labels" {
  description = "Extra labels for every resource that takes labels (merged into the provider's default_labels)."
  type        = map(string)
  default     = {}
}

variable "enable_project_services" {
  description = "Enable the APIs this module uses (Compute, GKE, Cloud SQL Admin, Service Networking, Secret Manager, IAM, STS). Turn off where a platform team manages APIs."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------------------------

variable "nodes_cidr" {
  description = "Primary range of the cluster subnet (node addresses)."
  type        = string
  default     = "10.50.0.0/20"
}

variable "pods_cidr" {
  description = "Secondary range for pod addresses (VPC-native cluster)."
  type        = string
  default     = "10.52.0.0/14"
}

variable "services_cidr" {
  description = "Secondary range for Service cluster IPs."
  type        = string
  default     = "10.56.0.0/20"
}

variable "private_services_prefix_length" {
  description = "Prefix length of the range reserved for private services access (Cloud SQL's private IP is taken from it)."
  type        = number
  default     = 20
}

# ---------------------------------------------------------------------------------------------------------------------
# GKE cluster
# ---------------------------------------------------------------------------------------------------------------------

variable "release_channel" {
  description = "GKE release channel: RAPID, REGULAR, STABLE or EXTENDED."
  type        = string
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE", "EXTENDED"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR, STABLE or EXTENDED."
  }
}

variable "kubernetes_version" {
  description = "Minimum control plane version (min_master_version). null follows the release channel's default."
  type        = string
  default     = null
}

variable "master_authorized_networks" {
  description = "CIDR blocks allowed to reach the public control plane endpoint. [] leaves it open to any address (authentication still applies); narrow it to your office or CI egress."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  default = []
}

variable "cluster_deletion_protection" {
  description = "Refuse to destroy the cluster (terraform destroy fails until this is false and applied)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------------
# Node pools (counts are per zone)
# ---------------------------------------------------------------------------------------------------------------------

variable "system_machine_type" {
  description = "Machine type of the system pool (registry, sync, RabbitMQ, operators). Label platform/pool=system."
  type        = string
  default     = "e2-standard-4"
}

variable "system_min_nodes_per_zone" {
  description = "Autoscaler minimum of the system pool, per zone."
  type        = number
  default     = 1
}

variable "system_max_nodes_per_zone" {
  description = "Autoscaler maximum of the system pool, per zone."
  type        = number
  default     = 2
}

variable "system_disk_size_gb" {
  description = "Boot disk size (GB) of system nodes."
  type        = number
  default     = 50
}

variable "inference_machine_type" {
  description = "Machine type of the inference pool (CPU inference). Label platform/pool=inference, which the overlays' nodeSelector targets."
  type        = string
  default     = "n2-standard-4"
}

variable "inference_min_nodes_per_zone" {
  description = "Autoscaler minimum of the inference pool, per zone."
  type        = number
  default     = 1
}

variable "inference_max_nodes_per_zone" {
  description = "Autoscaler maximum of the inference pool, per zone."
  type        = number
  default     = 3
}

variable "inference_disk_size_gb" {
  description = "Boot disk size (GB) of inference nodes."
  type        = number
  default     = 50
}

variable "enable_gpu_nodes" {
  description = "Create the GPU pool (guest accelerator with GKE-installed driver, taint nvidia.com/gpu=present:NoSchedule, label platform/pool=gpu)."
  type        = bool
  default     = false
}

variable "gpu_machine_type" {
  description = "Machine type of the GPU pool; it must fit gpu_accelerator_type (g2-* for nvidia-l4, a2-* for nvidia-tesla-a100, n1-* for nvidia-tesla-t4)."
  type        = string
  default     = "g2-standard-8"
}

variable "gpu_accelerator_type" {
  description = "Accelerator type attached to each GPU node."
  type        = string
  default     = "nvidia-l4"
}

variable "gpu_accelerator_count" {
  description = "Accelerators per GPU node."
  type        = number
  default     = 1
}

variable "gpu_driver_version" {
  description = "How GKE installs the NVIDIA driver: DEFAULT, LATEST or INSTALLATION_DISABLED (then install it yourself)."
  type        = string
  default     = "LATEST"

  validation {
    condition     = contains(["DEFAULT", "LATEST", "INSTALLATION_DISABLED"], var.gpu_driver_version)
    error_message = "gpu_driver_version must be DEFAULT, LATEST or INSTALLATION_DISABLED."
  }
}

variable "gpu_zones" {
  description = "Zones of the GPU pool (accelerators are not offered in every zone). [] uses the cluster's zones."
  type        = list(string)
  default     = []
}

variable "gpu_min_nodes_per_zone" {
  description = "Autoscaler minimum of the GPU pool, per zone (0 lets it scale to zero)."
  type        = number
  default     = 0
}

variable "gpu_max_nodes_per_zone" {
  description = "Autoscaler maximum of the GPU pool, per zone."
  type        = number
  default     = 1
}

variable "gpu_disk_size_gb" {
  description = "Boot disk size (GB) of GPU nodes (CUDA images are large)."
  type        = number
  default     = 100
}

# ---------------------------------------------------------------------------------------------------------------------
# Workload Identity
# ---------------------------------------------------------------------------------------------------------------------

variable "kubernetes_namespace" {
  description = "Namespace of the platform's service accounts (the generated manifests use \"platform\")."
  type        = string
  default     = "platform"
}

variable "service_accounts" {
  description = "Kubernetes service accounts (in kubernetes_namespace) that each get a Google service account <name_prefix>-<name> with access to the bucket."
  type        = list(string)
  default     = ["registry", "inference-gcp", "sync-gcp"]

  validation {
    condition     = length(var.service_accounts) == length(distinct(var.service_accounts)) && alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", sa)) && length("${var.name_prefix}-${sa}") <= 30])
    error_message = "service_accounts must be distinct DNS labels, and <name_prefix>-<service account> (the Google service account ID) at most 30 characters."
  }
}

variable "read_only_service_accounts" {
  description = "Those of service_accounts that only read the bucket: they get roles/storage.objectViewer instead of roles/storage.objectAdmin. Inference only ever reads artifacts; set [] to give every account objectAdmin."
  type        = list(string)
  default     = ["inference-gcp"]

  validation {
    condition     = alltrue([for sa in var.read_only_service_accounts : contains(var.service_accounts, sa)])
    error_message = "Every entry of read_only_service_accounts must also be in service_accounts."
  }
}

variable "external_readers" {
  description = <<-EOT
    Optional cross-cloud readers: workloads in other clusters (EKS, AKS) that must read this bucket, for example the other
    clouds' sync workers. Keyed by a short name ("eks", "aks"); each entry is the other cluster's OIDC issuer URL and the
    token subjects (system:serviceaccount:<namespace>:<name>) allowed in. Each key gets a workload identity pool with one
    OIDC provider, and each subject roles/storage.objectViewer on this bucket only. allowed_audiences defaults to
    "platform-gcs-reader", the audience of the token the generated overlays project for GCS (so the manifests need no
    per-deployment audience); [] would accept only the provider's default audience (//iam.googleapis.com/<provider name>).
  EOT
  type = map(object({
    issuer_url        = string
    subjects          = list(string)
    allowed_audiences = optional(list(string), ["platform-gcs-reader"])
  }))
  default = {}

  validation {
    condition     = alltrue([for key, reader in var.external_readers : startswith(reader.issuer_url, "https://") && length(reader.subjects) > 0 && can(regex("^[a-z0-9-]{1,10}$", key))])
    error_message = "Each external reader needs a key of 1-10 lower-case letters, digits or hyphens, an https:// issuer_url and at least one subject."
  }
}

variable "database_secret_reader" {
  description = "Optional Kubernetes service account (for example the External Secrets Operator's) that may read the registrydb secret. It gets a Google service account <name_prefix>-db-secret-reader with roles/secretmanager.secretAccessor on that one secret, and the Workload Identity binding. null creates none."
  type = object({
    namespace = string
    name      = string
  })
  default = null
}

# ---------------------------------------------------------------------------------------------------------------------
# Object store
# ---------------------------------------------------------------------------------------------------------------------

variable "bucket_name" {
  description = "Name of the model bucket. null derives <project_id>-<name_prefix>-models (bucket names are global)."
  type        = string
  default     = null
}

variable "bucket_location" {
  description = "Location of the bucket. null puts it in var.region, next to the cluster (inference reads only its own cloud's replica)."
  type        = string
  default     = null
}

variable "bucket_force_destroy" {
  description = "Allow terraform destroy to delete a bucket that still holds objects. Keep false outside experiments."
  type        = bool
  default     = false
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept (versioning is on) before it is deleted."
  type        = number
  default     = 30
}

# ---------------------------------------------------------------------------------------------------------------------
# Database (Cloud SQL for PostgreSQL)
# ---------------------------------------------------------------------------------------------------------------------

variable "db_tier" {
  description = "Cloud SQL machine tier."
  type        = string
  default     = "db-custom-2-7680"
}

variable "db_edition" {
  description = "Cloud SQL edition: ENTERPRISE or ENTERPRISE_PLUS (which needs db-perf-optimized-* tiers)."
  type        = string
  default     = "ENTERPRISE"
}

variable "db_availability_type" {
  description = "ZONAL, or REGIONAL for a standby in another zone."
  type        = string
  default     = "ZONAL"

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.db_availability_type)
    error_message = "db_availability_type must be ZONAL or REGIONAL."
  }
}

variable "db_disk_size_gb" {
  description = "Initial data disk size (GB, SSD); it grows automatically."
  type        = number
  default     = 20
}

variable "db_name" {
  description = "Name of the database created for the registry."
  type        = string
  default     = "registry"
}

variable "db_user" {
  description = "Built-in user the registry connects as. Its generated password is stored in Secret Manager (and in Terraform state: keep the state private)."
  type        = string
  default     = "platform"
}

variable "db_point_in_time_recovery" {
  description = "Enable automated backups with point-in-time recovery."
  type        = bool
  default     = true
}

variable "db_deletion_protection" {
  description = "Protect the instance from deletion, both in Terraform and in Google Cloud."
  type        = bool
  default     = true
}
