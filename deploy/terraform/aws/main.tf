# The EKS root module. Resources are split by concern:
#   network.tf   VPC, subnets (public, private, isolated database), NAT, S3 gateway endpoint
#   cluster.tf   EKS control plane, its IAM role, secrets envelope encryption, logs, access entries, add-ons
#   nodes.tf     node IAM role, launch templates (IMDSv2, hop limit 1), system / inference / optional GPU node groups
#   storage.tf   the model bucket (versioned, encrypted, private, TLS only)
#   identity.tf  IRSA: the cluster's OIDC provider, one role per service account, optional cross-cloud readers
#   database.tf  RDS for PostgreSQL 15 (isolated subnets, reachable only from the nodes, password in Secrets Manager)

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  cluster_name = "${var.name_prefix}-eks"
  bucket_name  = coalesce(var.bucket_name, "${var.name_prefix}-models-${local.account_id}-${var.region}")

  tags = merge(
    {
      "Project"   = var.name_prefix
      "ManagedBy" = "terraform"
    },
    var.tags,
  )

  azs = slice(data.aws_availability_zones.available.names, 0, var.availability_zone_count)

  # /24 public subnets at the start of the range, /20 private subnets after them, isolated /24 database subnets near the end.
  public_subnet_cidrs   = [for index, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, index)]
  private_subnet_cidrs  = [for index, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, index + 1)]
  database_subnet_cidrs = [for index, _ in local.azs : cidrsubnet(var.vpc_cidr, 8, index + 200)]

  nat_gateway_count = var.single_nat_gateway ? 1 : length(local.azs)
}
