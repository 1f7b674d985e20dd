# ---------------------------------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------------------------------

variable "region" {
  description = "AWS region for every resource."
  type        = string
  default     = "us-east-1"
}

variable "name_prefix" {
  description = "Prefix of every resource name (cluster, roles, bucket, database). Lower-case letters, digits and hyphens."
  type        = string
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (merged into the provider's default_tags)."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------------------------
# Network
# ---------------------------------------------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR block of the VPC. Public /24s, private /20s (nodes and pods: the VPC CNI gives pods VPC addresses) and isolated database /24s are carved from it."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 16
    error_message = "vpc_cidr must be a valid IPv4 CIDR block of size /16 or larger."
  }
}

variable "availability_zone_count" {
  description = "How many availability zones the VPC, node groups and database subnet group span."
  type        = number
  default     = 3

  validation {
    condition     = var.availability_zone_count >= 2 && var.availability_zone_count <= 6
    error_message = "availability_zone_count must be between 2 and 6 (EKS and RDS need at least two zones)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper) instead of one per availability zone (survives a zone outage)."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------------
# EKS cluster
# ---------------------------------------------------------------------------------------------------------------------

variable "kubernetes_version" {
  description = "EKS Kubernetes version (for example \"1.35\"). null takes the newest version EKS offers at creation; set it explicitly to control upgrades."
  type        = string
  default     = null
}

variable "cluster_endpoint_public_access" {
  description = "Whether the Kubernetes API server has a public endpoint (the private endpoint is always on)."
  type        = bool
  default     = true
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public API endpoint. Narrow this to your office or CI egress addresses."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "cluster_admin_principal_arns" {
  description = "IAM role or user ARNs given cluster-admin through EKS access entries, in addition to the identity that runs terraform apply."
  type        = list(string)
  default     = []
}

variable "cluster_log_retention_days" {
  description = "Retention in days of the control plane log group (api, audit, authenticator)."
  type        = number
  default     = 30
}

variable "enable_ebs_csi_driver" {
  description = "Install the aws-ebs-csi-driver add-on (with its own IRSA role). The overlays' RabbitMQ storage class gp3 needs it."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------------------------
# Node groups
# ---------------------------------------------------------------------------------------------------------------------

variable "system_instance_types" {
  description = "Instance types of the system node group (registry, sync, RabbitMQ, operators, add-ons). Label platform/pool=system."
  type        = list(string)
  default     = ["m6i.large"]
}

variable "system_min_size" {
  description = "Minimum node count of the system node group."
  type        = number
  default     = 2
}

variable "system_max_size" {
  description = "Maximum node count of the system node group."
  type        = number
  default     = 4
}

variable "system_desired_size" {
  description = "Initial node count of the system node group (later changes by an autoscaler are ignored)."
  type        = number
  default     = 2
}

variable "system_disk_size_gib" {
  description = "Root volume size (GiB, gp3, encrypted) of system nodes."
  type        = number
  default     = 50
}

variable "inference_instance_types" {
  description = "Instance types of the inference node group (CPU inference). Label platform/pool=inference, which the overlays' nodeSelector targets."
  type        = list(string)
  default     = ["c6i.xlarge"]
}

variable "inference_min_size" {
  description = "Minimum node count of the inference node group."
  type        = number
  default     = 1
}

variable "inference_max_size" {
  description = "Maximum node count of the inference node group."
  type        = number
  default     = 6
}

variable "inference_desired_size" {
  description = "Initial node count of the inference node group (later changes by an autoscaler are ignored)."
  type        = number
  default     = 2
}

variable "inference_disk_size_gib" {
  description = "Root volume size (GiB, gp3, encrypted) of inference nodes."
  type        = number
  default     = 50
}

variable "enable_gpu_nodes" {
  description = "Create the GPU node group (AL2023 NVIDIA AMI, taint nvidia.com/gpu=true:NoSchedule, label platform/pool=gpu)."
  type        = bool
  default     = false
}

variable "gpu_instance_type" {
  description = "Instance type of the GPU node group (an NVIDIA family: g4dn, g5, g6, p4d, ...)."
  type        = string
  default     = "g5.xlarge"
}

variable "gpu_min_size" {
  description = "Minimum node count of the GPU node group (0 lets an autoscaler scale it to zero)."
  type        = number
  default     = 0
}

variable "gpu_max_size" {
  description = "Maximum node count of the GPU node group."
  type        = number
  default     = 2
}

variable "gpu_desired_size" {
  description = "Initial node count of the GPU node group."
  type        = number
  default     = 1
}

variable "gpu_disk_size_gib" {
  description = "Root volume size (GiB, gp3, encrypted) of GPU nodes (CUDA images are large)."
  type        = number
  default     = 100
}

# ---------------------------------------------------------------------------------------------------------------------
# Workload identity (IRSA)
# ---------------------------------------------------------------------------------------------------------------------

variable "kubernetes_namespace" {
  description = "Namespace of the platform's service accounts (the generated manifests use \"platform\")."
  type        = string
  default     = "platform"
}

variable "service_accounts" {
  description = "Kubernetes service accounts (in kubernetes_namespace) that get an IAM role on the model bucket. Each role is named <name_prefix>-<service account>."
  type        = list(string)
  default     = ["registry", "inference-aws", "sync-aws"]

  validation {
    condition     = length(var.service_accounts) == length(distinct(var.service_accounts)) && alltrue([for sa in var.service_accounts : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", sa))])
    error_message = "service_accounts must be distinct DNS labels."
  }
}

variable "read_only_service_accounts" {
  description = "Those of service_accounts that only read the bucket (s3:GetObject and s3:ListBucket only). Inference only ever reads artifacts; set [] to give every account read-write."
  type        = list(string)
  default     = ["inference-aws"]

  validation {
    condition     = alltrue([for sa in var.read_only_service_accounts : contains(var.service_accounts, sa)])
    error_message = "Every entry of read_only_service_accounts must also be in service_accounts."
  }
}

variable "external_readers" {
  description = <<-EOT
    Optional cross-cloud readers: workloads in other clusters (GKE, AKS) that must read this bucket, for example the other
    clouds' sync workers pulling a new artifact. Keyed by a short name ("gke", "aks"); each entry is the other cluster's
    OIDC issuer URL and the token subjects (system:serviceaccount:<namespace>:<name>) allowed in. Each key gets an IAM OIDC
    provider and one read-only role (s3:GetObject, s3:ListBucket) named <name_prefix>-reader-<key>.
  EOT
  type = map(object({
    issuer_url = string
    subjects   = list(string)
    audience   = optional(string, "sts.amazonaws.com")
  }))
  default = {}

  validation {
    condition     = alltrue([for reader in values(var.external_readers) : startswith(reader.issuer_url, "https://") && length(reader.subjects) > 0])
    error_message = "Each external reader needs an https:// issuer_url and at least one subject."
  }
}

variable "database_secret_reader" {
  description = "Optional Kubernetes service account (for example the External Secrets Operator's) that may read the database secret, to keep platform-secrets in step with RDS's password rotation. It gets an IRSA role <name_prefix>-db-secret-reader with secretsmanager:GetSecretValue and DescribeSecret on that one secret. null creates none."
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
  description = "Name of the model bucket. null derives <name_prefix>-models-<account id>-<region> (bucket names are global)."
  type        = string
  default     = null
}

variable "bucket_force_destroy" {
  description = "Allow terraform destroy to delete a bucket that still holds objects. Keep false outside experiments."
  type        = bool
  default     = false
}

variable "noncurrent_version_retention_days" {
  description = "Days a replaced or deleted object version is kept (versioning is on) before it expires."
  type        = number
  default     = 30
}

# ---------------------------------------------------------------------------------------------------------------------
# Database (RDS for PostgreSQL)
# ---------------------------------------------------------------------------------------------------------------------

variable "db_engine_version" {
  description = "PostgreSQL engine version. A major version (\"15\") lets RDS pick the current minor and auto-upgrade minors."
  type        = string
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.[0-9]+)?$", var.db_engine_version))
    error_message = "The platform targets PostgreSQL 15: use \"15\" or \"15.<minor>\"."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "db_allocated_storage_gib" {
  description = "Initial storage (GiB, gp3, encrypted)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage_gib" {
  description = "Upper bound for storage autoscaling (GiB); 0 disables autoscaling."
  type        = number
  default     = 100
}

variable "db_name" {
  description = "Name of the database created for the registry."
  type        = string
  default     = "registry"
}

variable "db_username" {
  description = "Master user name. Its password is generated and rotated by RDS in AWS Secrets Manager; it never appears in Terraform state."
  type        = string
  default     = "platform"
}

variable "db_multi_az" {
  description = "Run a synchronous standby in a second availability zone."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database instance (terraform destroy fails until this is false)."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Skip the final snapshot when the instance is deleted."
  type        = bool
  default     = false
}
