# RDS for PostgreSQL 15: the registry's database. It lives in the isolated database subnets, accepts connections only
# from the EKS cluster security group (which the managed node groups, and so the pods, use), requires TLS, and its
# master password is generated and rotated by RDS in AWS Secrets Manager, so it never enters Terraform state.

resource "aws_db_subnet_group" "this" {
  name        = "${var.name_prefix}-registry"
  description = "Isolated subnets of ${var.name_prefix}'s registry database"
  subnet_ids  = aws_subnet.database[*].id
}

resource "aws_security_group" "database" {
  name        = "${var.name_prefix}-registry-db"
  description = "PostgreSQL from the EKS nodes only"
  vpc_id      = aws_vpc.this.id

  tags = {
    Name = "${var.name_prefix}-registry-db"
  }
}

resource "aws_vpc_security_group_ingress_rule" "database_from_nodes" {
  security_group_id            = aws_security_group.database.id
  referenced_security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  description                  = "PostgreSQL from the EKS cluster security group"
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name_prefix}-registry-postgres${split(".", var.db_engine_version)[0]}-"
  family      = "postgres${split(".", var.db_engine_version)[0]}"
  description = "${var.name_prefix} registry: TLS required"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "this" {
  identifier     = "${var.name_prefix}-registry"
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  allocated_storage     = var.db_allocated_storage_gib
  max_allocated_storage = var.db_max_allocated_storage_gib
  storage_type          = "gp3"
  storage_encrypted     = true

  db_name                     = var.db_name
  username                    = var.db_username
  manage_master_user_password = true

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.database.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.db_multi_az

  backup_retention_period    = var.db_backup_retention_days
  copy_tags_to_snapshot      = true
  deletion_protection        = var.db_deletion_protection
  skip_final_snapshot        = var.db_skip_final_snapshot
  final_snapshot_identifier  = "${var.name_prefix}-registry-final"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = {
    Name = "${var.name_prefix}-registry"
  }
}
