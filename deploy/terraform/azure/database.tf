# Azure Database for PostgreSQL flexible server 15: the registry's database, with private access only. It sits in its
# delegated subnet, has no public endpoint, resolves through the private DNS zone linked to the virtual network, and
# requires TLS (require_secure_transport is on by default).

resource "random_password" "db" {
  length = 32
  # Letters and digits only: the password goes into a semicolon-separated connection string unquoted.
  special = false
}

resource "azurerm_postgresql_flexible_server" "this" {
  name                = "${var.name_prefix}-registry-${random_string.suffix.result}"
  resource_group_name = azurerm_resource_group.this.name
  location            = azurerm_resource_group.this.location
  version             = var.db_version
  sku_name            = var.db_sku_name
  storage_mb          = var.db_storage_mb
  auto_grow_enabled   = true
  zone                = var.db_zone

  delegated_subnet_id           = azurerm_subnet.database.id
  private_dns_zone_id           = azurerm_private_dns_zone.database.id
  public_network_access_enabled = false

  administrator_login    = var.db_admin_login
  administrator_password = random_password.db.result

  authentication {
    password_auth_enabled = true
  }

  backup_retention_days        = var.db_backup_retention_days
  geo_redundant_backup_enabled = false

  dynamic "high_availability" {
    for_each = var.db_high_availability ? [1] : []

    content {
      mode = "ZoneRedundant"
    }
  }

  tags = local.tags

  lifecycle {
    # Azure may move the primary to the standby's zone after a failover.
    ignore_changes = [zone, high_availability[0].standby_availability_zone]
  }

  depends_on = [azurerm_private_dns_zone_virtual_network_link.database]
}

resource "azurerm_postgresql_flexible_server_database" "registry" {
  name      = var.db_name
  server_id = azurerm_postgresql_flexible_server.this.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

locals {
  database_connection_string = "Host=${azurerm_postgresql_flexible_server.this.fqdn};Port=5432;Database=${azurerm_postgresql_flexible_server_database.registry.name};Username=${var.db_admin_login};Password=${random_password.db.result};SSL Mode=Require"
}
