# ---------------------------------------------------------------------------------------------------------------------
# IRSA: the cluster's OIDC issuer becomes an IAM identity provider, and each Kubernetes service account that needs AWS
# gets its own role whose trust policy accepts only that service account's projected token (sub and aud are pinned).
# ---------------------------------------------------------------------------------------------------------------------

data "tls_certificate" "eks_oidc" {
  url = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

resource "aws_iam_openid_connect_provider" "eks" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [data.tls_certificate.eks_oidc.certificates[0].sha1_fingerprint]

  tags = {
    Name = "${local.cluster_name}-irsa"
  }
}

locals {
  oidc_host = replace(aws_iam_openid_connect_provider.eks.url, "https://", "")

  # Role key => the one service account allowed to assume it.
  irsa_subjects = merge(
    { for sa in var.service_accounts : "sa-${sa}" => "system:serviceaccount:${var.kubernetes_namespace}:${sa}" },
    { "vpc-cni" = "system:serviceaccount:kube-system:aws-node" },
    var.enable_ebs_csi_driver ? { "ebs-csi" = "system:serviceaccount:kube-system:ebs-csi-controller-sa" } : {},
    var.database_secret_reader == null ? {} : { "db-secret-reader" = "system:serviceaccount:${var.database_secret_reader.namespace}:${var.database_secret_reader.name}" },
  )

  irsa_role_names = merge(
    { for sa in var.service_accounts : "sa-${sa}" => "${var.name_prefix}-${sa}" },
    { "vpc-cni" = "${local.cluster_name}-vpc-cni" },
    var.enable_ebs_csi_driver ? { "ebs-csi" = "${local.cluster_name}-ebs-csi" } : {},
    var.database_secret_reader == null ? {} : { "db-secret-reader" = "${var.name_prefix}-db-secret-reader" },
  )
}

data "aws_iam_policy_document" "irsa_trust" {
  for_each = local.irsa_subjects

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = [each.value]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  for_each = local.irsa_subjects

  name               = local.irsa_role_names[each.key]
  description        = "IRSA role for ${each.value} on ${local.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.irsa_trust[each.key].json
}

resource "aws_iam_role_policy_attachment" "vpc_cni" {
  role       = aws_iam_role.irsa["vpc-cni"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  count = var.enable_ebs_csi_driver ? 1 : 0

  role       = aws_iam_role.irsa["ebs-csi"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}

# Optional: read access to the one Secrets Manager secret that RDS keeps the master password in (aws/secretsmanager
# encrypts it, whose key policy lets Secrets Manager decrypt for any principal of the account allowed to read it).
data "aws_iam_policy_document" "database_secret_read" {
  statement {
    sid       = "ReadTheDatabaseSecret"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_db_instance.this.master_user_secret[0].secret_arn]
  }
}

resource "aws_iam_role_policy" "database_secret_reader" {
  count = var.database_secret_reader == null ? 0 : 1

  name   = "database-secret-read"
  role   = aws_iam_role.irsa["db-secret-reader"].id
  policy = data.aws_iam_policy_document.database_secret_read.json
}

# ---------------------------------------------------------------------------------------------------------------------
# Bucket access for the platform's service accounts: an inline policy per role, on this one bucket only.
# ---------------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "bucket_read_write" {
  statement {
    sid       = "ListTheModelBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.models.arn]
  }

  statement {
    sid    = "ReadWriteModelObjects"
    effect = "Allow"
    actions = [
      "s3:GetObject",
      "s3:PutObject",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
    ]
    resources = ["${aws_s3_bucket.models.arn}/*"]
  }
}

data "aws_iam_policy_document" "bucket_read_only" {
  statement {
    sid       = "ListTheModelBucket"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.models.arn]
  }

  statement {
    sid       = "ReadModelObjects"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.models.arn}/*"]
  }
}

resource "aws_iam_role_policy" "bucket" {
  for_each = toset(var.service_accounts)

  name   = "model-bucket"
  role   = aws_iam_role.irsa["sa-${each.value}"].id
  policy = contains(var.read_only_service_accounts, each.value) ? data.aws_iam_policy_document.bucket_read_only.json : data.aws_iam_policy_document.bucket_read_write.json
}

# ---------------------------------------------------------------------------------------------------------------------
# Optional cross-cloud readers: workloads in the GKE or AKS cluster read this bucket with their own cluster's service
# account token (web identity federation, no access keys). Read-only.
# ---------------------------------------------------------------------------------------------------------------------

data "tls_certificate" "external" {
  for_each = var.external_readers

  url = each.value.issuer_url
}

resource "aws_iam_openid_connect_provider" "external" {
  for_each = var.external_readers

  url             = each.value.issuer_url
  client_id_list  = [each.value.audience]
  thumbprint_list = [data.tls_certificate.external[each.key].certificates[0].sha1_fingerprint]

  tags = {
    Name = "${var.name_prefix}-reader-${each.key}"
  }
}

data "aws_iam_policy_document" "external_trust" {
  for_each = var.external_readers

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.external[each.key].arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${replace(each.value.issuer_url, "https://", "")}:sub"
      values   = each.value.subjects
    }

    condition {
      test     = "StringEquals"
      variable = "${replace(each.value.issuer_url, "https://", "")}:aud"
      values   = [each.value.audience]
    }
  }
}

resource "aws_iam_role" "external_reader" {
  for_each = var.external_readers

  name               = "${var.name_prefix}-reader-${each.key}"
  description        = "Read-only access to ${local.bucket_name} for ${join(", ", each.value.subjects)} of ${each.value.issuer_url}"
  assume_role_policy = data.aws_iam_policy_document.external_trust[each.key].json
}

resource "aws_iam_role_policy" "external_reader" {
  for_each = var.external_readers

  name   = "model-bucket-read"
  role   = aws_iam_role.external_reader[each.key].id
  policy = data.aws_iam_policy_document.bucket_read_only.json
}
