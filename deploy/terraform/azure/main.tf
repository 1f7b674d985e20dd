# The AKS root module. Resources are split by concern:
#   network.tf   resource group, virtual network, AKS subnet (storage service endpoint), delegated database subnet
#   cluster.tf   the AKS cluster (OIDC issuer, workload identity, Entra ID RBAC, Cilium network policy, app routing)
#   nodes.tf     inference and optional GPU node pools (the system pool is the cluster's default pool)
#   storage.tf   storage account (no shared keys, no public blobs, TLS 1.2, firewall) and the model container
#   identity.tf  one user-assigned managed identity per Kubernetes service account, federated with the AKS issuer,
#                with a data role on the container only; optional cross-cloud readers
#   database.tf  Azure Database for PostgreSQL flexible server 15 with private access (delegated subnet + private DNS)

data "azurerm_client_config" "current" {}

resource "random_string" "suffix" {
  length  = 6
  lower   = true
  upper   = false
  numeric = true
  special = false
}

locals {
  cluster_name = "${var.name_prefix}-aks"

  # Storage account names are global, 3-24 lower-case letters and digits.
  storage_account_name = coalesce(var.storage_account_name, "${substr(replace(var.name_prefix, "-", ""), 0, 12)}models${random_string.suffix.result}")

  tags = merge(
    {
      "project"    = var.name_prefix
      "managed-by" = "terraform"
    },
    var.tags,
  )

  workload_identity_audience = "api://AzureADTokenExchange"
}

resource "azurerm_resource_group" "this" {
  name     = "${var.name_prefix}-rg"
  location = var.location
  tags     = local.tags
}
