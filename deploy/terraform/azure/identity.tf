# ---------------------------------------------------------------------------------------------------------------------
# One user-assigned managed identity per Kubernetes service account. Its federated credential trusts only that service
# account's token from this cluster's OIDC issuer, and its only role is a blob data role scoped to the model container
# (not the storage account, resource group or subscription).
# ---------------------------------------------------------------------------------------------------------------------

resource "azurerm_user_assigned_identity" "workload" {
  for_each = toset(var.service_accounts)

  name                = "${var.name_prefix}-${each.value}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "workload" {
  for_each = toset(var.service_accounts)

  name                      = "aks-${var.kubernetes_namespace}-${each.value}"
  user_assigned_identity_id = azurerm_user_assigned_identity.workload[each.value].id
  issuer                    = azurerm_kubernetes_cluster.this.oidc_issuer_url
  subject                   = "system:serviceaccount:${var.kubernetes_namespace}:${each.value}"
  audience                  = [local.workload_identity_audience]
}

resource "azurerm_role_assignment" "workload" {
  for_each = toset(var.service_accounts)

  scope                = azurerm_storage_container.models.id
  role_definition_name = contains(var.read_only_service_accounts, each.value) ? "Storage Blob Data Reader" : "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.workload[each.value].principal_id
  principal_type       = "ServicePrincipal"
}

# ---------------------------------------------------------------------------------------------------------------------
# Optional cross-cloud readers: workloads in the EKS or GKE cluster read the container with their own cluster's service
# account token (Entra ID workload identity federation, no keys). One identity per subject, read-only, container only.
# ---------------------------------------------------------------------------------------------------------------------

locals {
  external_reader_subjects = merge([
    for key, reader in var.external_readers : {
      for subject in reader.subjects : "${key}/${subject}" => {
        key        = key
        issuer_url = reader.issuer_url
        subject    = subject
        # system:serviceaccount:<namespace>:<name> => <key>-<namespace>-<name>
        name = "${key}-${join("-", slice(split(":", subject), max(0, length(split(":", subject)) - 2), length(split(":", subject))))}"
      }
    }
  ]...)
}

resource "azurerm_user_assigned_identity" "external_reader" {
  for_each = local.external_reader_subjects

  name                = "${var.name_prefix}-reader-${each.value.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "external_reader" {
  for_each = local.external_reader_subjects

  name                      = "${each.value.key}-federation"
  user_assigned_identity_id = azurerm_user_assigned_identity.external_reader[each.key].id
  issuer                    = each.value.issuer_url
  subject                   = each.value.subject
  audience                  = [local.workload_identity_audience]
}

resource "azurerm_role_assignment" "external_reader" {
  for_each = local.external_reader_subjects

  scope                = azurerm_storage_container.models.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.external_reader[each.key].principal_id
  principal_type       = "ServicePrincipal"
}
