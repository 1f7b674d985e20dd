locals {
  # One managed node group per pool. The GPU pool exists only when enable_gpu_nodes is true.
  node_pools = merge(
    {
      system = {
        instance_types = var.system_instance_types
        ami_type       = "AL2023_x86_64_STANDARD"
        min_size       = var.system_min_size
        max_size       = var.system_max_size
        desired_size   = var.system_desired_size
        disk_size_gib  = var.system_disk_size_gib
      }
      inference = {
        instance_types = var.inference_instance_types
        ami_type       = "AL2023_x86_64_STANDARD"
        min_size       = var.inference_min_size
        max_size       = var.inference_max_size
        desired_size   = var.inference_desired_size
        disk_size_gib  = var.inference_disk_size_gib
      }
    },
    var.enable_gpu_nodes ? {
      gpu = {
        instance_types = [var.gpu_instance_type]
        # The EKS-optimised AL2023 AMI with the NVIDIA driver and container toolkit (the device plugin is installed
        # separately, see README).
        ami_type      = "AL2023_x86_64_NVIDIA"
        min_size      = var.gpu_min_size
        max_size      = var.gpu_max_size
        desired_size  = var.gpu_desired_size
        disk_size_gib = var.gpu_disk_size_gib
      }
    } : {},
  )
}

# ---------------------------------------------------------------------------------------------------------------------
# Node IAM role: what the kubelet needs to join the cluster and pull images, nothing more. The CNI policy sits on the
# vpc-cni add-on's own IRSA role, and pods cannot reach the instance metadata service (hop limit 1 below), so a pod
# never acts with this role: it gets only the role of its service account.
# ---------------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "node_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${local.cluster_name}-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryPullOnly",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

# ---------------------------------------------------------------------------------------------------------------------
# Launch templates: IMDSv2 only with a hop limit of 1 (pods cannot borrow the node role), encrypted gp3 root volumes.
# No security groups are set, so EKS attaches the cluster security group, which the database allows.
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_launch_template" "node" {
  for_each = local.node_pools

  name_prefix            = "${local.cluster_name}-${each.key}-"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = each.value.disk_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"

    tags = merge(local.tags, {
      Name = "${local.cluster_name}-${each.key}"
    })
  }

  tag_specifications {
    resource_type = "volume"

    tags = merge(local.tags, {
      Name = "${local.cluster_name}-${each.key}"
    })
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Node groups
# ---------------------------------------------------------------------------------------------------------------------

resource "aws_eks_node_group" "this" {
  for_each = local.node_pools

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = each.value.instance_types
  ami_type        = each.value.ami_type
  capacity_type   = "ON_DEMAND"

  scaling_config {
    min_size     = each.value.min_size
    max_size     = each.value.max_size
    desired_size = each.value.desired_size
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  labels = {
    "platform/pool" = each.key
  }

  # Only pods that tolerate the GPU taint (inference, in the overlays) land on GPU nodes.
  dynamic "taint" {
    for_each = each.key == "gpu" ? [1] : []

    content {
      key    = "nvidia.com/gpu"
      value  = "true"
      effect = "NO_SCHEDULE"
    }
  }

  lifecycle {
    # A cluster autoscaler (or Karpenter) owns the node count once the group exists.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [
    aws_iam_role_policy_attachment.node,
    aws_eks_addon.vpc_cni,
  ]
}
