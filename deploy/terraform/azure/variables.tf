# ---------------------------------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------------------------------

variable "subscription_id" {
  description = "Azure subscription to deploy into. null uses ARM_SUBSCRIPTION_ID or the Azure CLI's current subscription."
  type        = string
  default     = null
}

variable "location" {
  description = "Azure region of every resource."
  type        = string
  default     = "eastus2"
}

variable "name_prefix" {
  description = "Prefix of every resource name. Lower-case letters, digits and hyphens."
  type        = string
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource that takes tags."
  type        = map(string)
  default     = {}
}

variable "resource_providers_to_register" {
  description = "Resource providers the azurerm provider registers on the subscription (azurerm 5 registers none by default). Set [] where a platform team registers them."
  type        = list(string)
  default = [
    "Microsoft.Compute",
    "Microsoft.ContainerService",
    "Microsoft.DBforPostgreSQL",
    "Microsoft.ManagedIdentity",
    "Microsoft.Network",
    "Microsoft.Storage",
  ]
}

# ---------------------------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------------------------

variable "vnet_cidr" {
  description = "Address space of the virtual network."
  type        = string
  default     = "10.60.0.0/16"
}

variable "aks_subnet_cidr" {
  description = "Subnet of the AKS nodes (pods get overlay addresses from pod_cidr, not from this subnet)."
  type        = string
  default     = "10.60.0.0/20"
}

variable "database_subnet_cidr" {
  description = "Subnet delegated to Azure Database for PostgreSQL flexible server (nothing else may use it)."
  type        = string
  default     = "10.60.16.0/24"
}

variable "pod_cidr" {
  description = "Overlay range for pod addresses (Azure CNI overlay); must not overlap the virtual network."
  type        = string
  default     = "10.244.0.0/16"
}

variable "service_cidr" {
  description = "Range for Service cluster IPs; must not overlap the virtual network or pod_cidr."
  type        = string
  default     = "10.61.0.0/16"
}

variable "dns_service_ip" {
  description = "Cluster IP of kube-dns, inside service_cidr."
  type        = string
  default     = "10.61.0.10"
}

# ---------------------------------------------------------------------------------------------------------------------
# AKS cluster
# ---------------------------------------------------------------------------------------------------------------------

variable "kubernetes_version" {
  description = "AKS Kubernetes version (for example \"1.35\"). null takes the default version at creation; patch upgrades then follow the patch channel."
  type        = string
  default     = null
}

variable "sku_tier" {
  description = "AKS tier: Free, Standard (financially backed API server SLA) or Premium."
  type        = string
  default     = "Standard"

  validation {
    condition     = contains(["Free", "Standard", "Premium"], var.sku_tier)
    error_message = "sku_tier must be Free, Standard or Premium."
  }
}

variable "api_server_authorized_ip_ranges" {
  description = "CIDR ranges allowed to reach the API server. [] leaves it reachable from anywhere (Entra ID authentication still applies)."
  type        = list(string)
  default     = []
}

variable "admin_group_object_ids" {
  description = "Entra ID group object IDs whose members are cluster admins. Local accounts are disabled, so access is through Entra ID only."
  type        = list(string)
  default     = []
}

variable "grant_deployer_cluster_admin" {
  description = "Give the identity that runs terraform apply the \"Azure Kubernetes Service RBAC Cluster Admin\" role on the cluster, so that it can apply the manifests."
  type        = bool
  default     = true
}

variable "availability_zones" {
  description = "Availability zones of the system and inference node pools. [] for regions without zones."
  type        = list(string)
  default     = ["1", "2", "3"]
}

# ---------------------------------------------------------------------------------------------------------------------
# Node pools
# ---------------------------------------------------------------------------------------------------------------------

variable "system_vm_size" {
  description = "VM size of the system pool (the AKS default pool: add-ons, registry, sync, RabbitMQ). Label platform/pool=system."
  type        = string
  default     = "Standard_D4s_v5"
}

variable "system_min_count" {
  description = "Autoscaler minimum of the system pool."
  type        = number
  default     = 2
}

variable "system_max_count" {
  description = "Autoscaler maximum of the system pool."
  type        = number
  default     = 4
}

variable "system_os_disk_size_gb" {
  description = "OS disk size (GB) of system nodes."
  type        = number
  default     = 64
}

variable "inference_vm_size" {
  description = "VM size of the inference pool (CPU inference). Label platform/pool=inference, which the overlays' nodeSelector targets."
  type        = string
  default     = "Standard_F8s_v2"
}

variable "inference_min_count" {
  description = "Autoscaler minimum of the inference pool."
  type        = number
  default     = 1
}

variable "inference_max_count" {
  description = "Autoscaler maximum of the inference pool."
  type        = number
  default     = 6
}

variable "inference_os_disk_size_gb" {
  description = "OS disk size (GB) of inference nodes."
  type        = number
  default     = 64
}

variable "enable_gpu_nodes" {
  description = "Create the GPU pool (AKS-installed NVIDIA driver, taint nvidia.com/gpu=true:NoSchedule, label platform/pool=gpu)."
  type        = bool
  default     = false
}

variable "gpu_vm_size" {
  description = "VM size of the GPU pool: an NC-series size (Standard_NC4as_T4_v3, Standard_NC24ads_A100_v4, ...)."
  type        = string
  default     = "Standard_NC4as_T4_v3"

  validation {
    condition     = startswith(var.gpu_vm_size, "Standard_NC")
    error_message = "gpu_vm_size must be an NC-series size (Standard_NC*)."
  }
}

variable "gpu_zones" {
  description = "Availability zones of the GPU pool (GPU sizes are not offered in every zone). [] places it without zone pinning."
  type        = list(string)
  default     = []
}

variable "gpu_min_count" {
  description = "Autoscaler minimum of the GPU pool (0 lets it scale to zero)."
  type        = number
  default     = 0
}

variable "gpu_max_count" {
  description = "Autoscaler maximum of the GPU pool."
  type        = number
  default     = 2
}

variable "gpu_os_disk_size_gb" {
  description = "OS disk size (GB) of GPU nodes (CUDA images are large)."
  type        = number
  default     = 128
}

# ---------------------------------------------------------------------------------------------------------------------
# Workload identity
# ---------------------------------------------------------------------------------------------------------------------

variable "kubernetes_namespace" {
  description = "Namespace of the platform's service accounts (the generated manifests use \"platform\")."
  type        = string
  default     = "platform"
}

variable "service_accounts" {
  description = "Kubernetes service accounts (in kubernetes_namespace) that each get a user-assigned managed identity <name_prefix>-<name>, federated with the cluster's OIDC issuer, with a role on the container."
  type        = list(string)
  default     = ["registry", "inference-azure", "sync-azure"]

  validation {
    condition     = length(var.service_accounts) == length(distinct(var.service_accounts)) && alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", sa))])
    error_message = "service_accounts must be distinct DNS labels."
  }
}

variable "read_only_service_accounts" {
  description = "Those of service_accounts that only read: they get \"Storage Blob Data Reader\" instead of \"Storage Blob Data Contributor\". Inference only ever reads artifacts; set [] to give every account Contributor."
  type        = list(string)
  default     = ["inference-azure"]

  validation {
    condition     = alltrue([for sa in var.read_only_service_accounts : contains(var.service_accounts, sa)])
    error_message = "Every entry of read_only_service_accounts must also be in service_accounts."
  }
}

variable "external_readers" {
  description = <<-EOT
    Optional cross-cloud readers: workloads in other clusters (EKS, GKE) that must read the container, for example the
    other clouds' sync workers. Keyed by a short name ("eks", "gke"); each entry is the other cluster's OIDC issuer URL
    and the token subjects (system:serviceaccount:<namespace>:<name>) allowed in. Each subject gets its own managed
    identity with a federated credential for that issuer and "Storage Blob Data Reader" on the container only. Their
    network path must also be allowed: add the other clusters' egress addresses to storage_allowed_ip_ranges.
  EOT
  type = map(object({
    issuer_url = string
    subjects   = list(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for reader in values(var.external_readers) : startswith(reader.issuer_url, "https://") && length(reader.subjects) > 0])
    error_message = "Each external reader needs an https:// issuer_url and at least one subject."
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Object store
# ---------------------------------------------------------------------------------------------------------------------

variable "storage_account_name" {
  description = "Name of the storage account (3-24 lower-case letters and digits, globally unique). null derives one from name_prefix and a random suffix."
  type        = string
  default     = null

  validation {
    condition     = var.storage_account_name == null || can(regex("^[a-z0-9]{3,24}$", var.storage_account_name))
    error_message = "storage_account_name must be 3-24 lower-case letters and digits."
  }
}

variable "storage_container_name" {
  description = "Name of the blob container for the models (the overlay setting azure-container)."
  type        = string
  default     = "models"
}

variable "storage_replication_type" {
  description = "Replication of the storage account: LRS, ZRS, GRS, RAGRS, GZRS or RAGZRS."
  type        = string
  default     = "ZRS"
}

variable "storage_allowed_ip_ranges" {
  description = "Public IPv4 ranges allowed through the storage firewall besides the AKS subnet (which is allowed through its service endpoint): the other clouds' NAT egress addresses for cross-cloud readers, or your workstation. Write single addresses without a mask (Azure refuses /31 and /32)."
  type        = list(string)
  default     = []
}

variable "noncurrent_version_retention_days" {
  description = "Days a previous blob version (versioning is on) is kept before it is deleted; also the soft-delete window for deleted blobs, capped at 365."
  type        = number
  default     = 30
}

# ---------------------------------------------------------------------------------------------------------------------
# Database (Azure Database for PostgreSQL flexible server)
# ---------------------------------------------------------------------------------------------------------------------

variable "db_version" {
  description = "PostgreSQL major version."
  type        = string
  default     = "15"

  validation {
    condition     = var.db_version == "15"
    error_message = "The platform targets PostgreSQL 15."
  }
}

variable "db_sku_name" {
  description = "Flexible server SKU (tier_family_size, for example B_Standard_B2s or GP_Standard_D2ds_v5)."
  type        = string
  default     = "GP_Standard_D2ds_v5"
}

variable "db_storage_mb" {
  description = "Storage size in MB (32768, 65536, 131072, ...); it grows automatically."
  type        = number
  default     = 32768
}

variable "db_zone" {
  description = "Availability zone of the primary server. null lets Azure choose."
  type        = string
  default     = null
}

variable "db_high_availability" {
  description = "Run a zone-redundant standby (not available on Burstable SKUs)."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of backups (point-in-time restore window), 7 to 35."
  type        = number
  default     = 7
}

variable "db_name" {
  description = "Name of the database created for the registry."
  type        = string
  default     = "registry"
}

variable "db_admin_login" {
  description = "Administrator login. Its password is generated (and kept in Terraform state: keep the state private)."
  type        = string
  default     = "platformadmin"
}
