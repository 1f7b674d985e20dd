# ---------------------------------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------------------------------

output "region" {
  description = "AWS region of every resource."
  value       = var.region
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 PEM of the cluster CA (public, for kubeconfig files)."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_oidc_issuer_url" {
  description = "OIDC issuer of the cluster's service account tokens. Give it to the other clouds' modules (external_readers) to let this cluster's workloads read their stores."
  value       = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider backing IRSA."
  value       = aws_iam_openid_connect_provider.eks.arn
}

output "kubeconfig_command" {
  description = "Command that writes a kubeconfig entry for the cluster."
  value       = "aws eks update-kubeconfig --region ${var.region} --name ${aws_eks_cluster.this.name}"
}

output "node_groups" {
  description = "Node group name => its platform/pool label (system, inference and, when enabled, gpu)."
  value       = { for pool, group in aws_eks_node_group.this : group.node_group_name => pool }
}

# ---------------------------------------------------------------------------------------------------------------------
# Object store and workload identity
# ---------------------------------------------------------------------------------------------------------------------

output "bucket_name" {
  description = "Name of the model bucket (the overlay setting aws-bucket)."
  value       = aws_s3_bucket.models.bucket
}

output "bucket_arn" {
  description = "ARN of the model bucket."
  value       = aws_s3_bucket.models.arn
}

output "service_account_role_arns" {
  description = "Kubernetes service account name => IAM role ARN, for the annotation eks.amazonaws.com/role-arn."
  value       = { for sa in var.service_accounts : sa => aws_iam_role.irsa["sa-${sa}"].arn }
}

output "external_reader_role_arns" {
  description = "external_readers key => ARN of its read-only role (set AWS_ROLE_ARN to it in the other cluster, with a projected token of audience sts.amazonaws.com in AWS_WEB_IDENTITY_TOKEN_FILE)."
  value       = { for key, role in aws_iam_role.external_reader : key => role.arn }
}

output "platform_settings" {
  description = "The non-secret keys this cluster contributes to the platform-settings ConfigMap (settings.env of your overlay)."
  value = {
    "aws-bucket" = aws_s3_bucket.models.bucket
    "aws-region" = var.region
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------------------------------

output "database_endpoint" {
  description = "Host name of the PostgreSQL instance (resolvable inside the VPC only)."
  value       = aws_db_instance.this.address
}

output "database_port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Database created for the registry."
  value       = aws_db_instance.this.db_name
}

output "database_username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}

output "database_secret_arn" {
  description = "ARN of the Secrets Manager secret (JSON with username and password) that RDS manages and rotates for the master user."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "database_secret_reader_role_arn" {
  description = "IRSA role ARN of database_secret_reader (null when none was asked for)."
  value       = try(aws_iam_role.irsa["db-secret-reader"].arn, null)
}

output "database_connection_string_template" {
  description = "Npgsql connection string for the registrydb key of platform-secrets, with the password left as a placeholder (inside double quotes, since RDS passwords may contain ;): fill it from database_secret_arn."
  value       = "Host=${aws_db_instance.this.address};Port=${aws_db_instance.this.port};Database=${aws_db_instance.this.db_name};Username=${aws_db_instance.this.username};Password=\"<password from ${aws_db_instance.this.master_user_secret[0].secret_arn}>\";SSL Mode=Require"
}
