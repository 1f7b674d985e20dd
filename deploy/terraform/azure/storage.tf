# The model storage account and container: every artifact the platform stores in Azure (store "azure" in the
# AppHost's model). Entra ID only (no account keys, no SAS), no anonymous access, HTTPS with TLS 1.2, and a firewall
# that admits the AKS subnet plus the addresses in storage_allowed_ip_ranges.
resource "azurerm_storage_account" "models" {
  name                     = local.storage_account_name
  resource_group_name      = azurerm_resource_group.this.name
  location                 = azurerm_resource_group.this.location
  account_kind             = "StorageV2"
  account_tier             = "Standard"
  account_replication_type = var.storage_replication_type

  https_traffic_only_enabled        = true
  min_tls_version                   = "TLS1_2"
  allow_nested_items_to_be_public   = false
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  cross_tenant_replication_enabled  = false
  local_user_enabled                = false
  infrastructure_encryption_enabled = true

  blob_properties {
    versioning_enabled = true

    delete_retention_policy {
      days = min(var.noncurrent_version_retention_days, 365)
    }

    container_delete_retention_policy {
      days = 7
    }
  }

  network_rules {
    default_action             = "Deny"
    bypass                     = ["AzureServices"]
    ip_rules                   = var.storage_allowed_ip_ranges
    virtual_network_subnet_ids = [azurerm_subnet.aks.id]
  }

  tags = local.tags
}

# Created through Resource Manager (storage_account_id), so neither account keys nor the firewall get in the way.
resource "azurerm_storage_container" "models" {
  name                  = var.storage_container_name
  storage_account_id    = azurerm_storage_account.models.id
  container_access_type = "private"
}

# Previous versions (an overwrite or delete keeps one) are removed after the retention period.
resource "azurerm_storage_management_policy" "models" {
  storage_account_id = azurerm_storage_account.models.id

  rule {
    name    = "expire-previous-versions"
    enabled = true

    filters {
      blob_types = ["blockBlob"]
    }

    actions {
      version {
        delete_after_days_since_creation = var.noncurrent_version_retention_days
      }
    }
  }
}
