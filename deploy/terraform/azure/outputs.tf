# ---------------------------------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------------------------------

output "resource_group_name" {
  description = "Resource group that holds everything."
  value       = azurerm_resource_group.this.name
}

output "location" {
  description = "Azure region of every resource."
  value       = azurerm_resource_group.this.location
}

output "tenant_id" {
  description = "Entra ID tenant of the managed identities (the workload identity webhook injects it as AZURE_TENANT_ID)."
  value       = data.azurerm_client_config.current.tenant_id
}

output "cluster_name" {
  description = "AKS cluster name."
  value       = azurerm_kubernetes_cluster.this.name
}

output "cluster_id" {
  description = "Resource ID of the AKS cluster."
  value       = azurerm_kubernetes_cluster.this.id
}

output "cluster_oidc_issuer_url" {
  description = "OIDC issuer of the cluster's service account tokens. Give it to the other clouds' modules (external_readers) to let this cluster's workloads read their stores."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

output "kubeconfig_command" {
  description = "Command that writes a kubeconfig entry for the cluster (Entra ID login through kubelogin; local accounts are disabled)."
  value       = "az aks get-credentials --resource-group ${azurerm_resource_group.this.name} --name ${azurerm_kubernetes_cluster.this.name} && kubelogin convert-kubeconfig -l azurecli"
}

output "node_pools" {
  description = "Node pool names; each carries the label platform/pool=<name>."
  value       = concat(["system", azurerm_kubernetes_cluster_node_pool.inference.name], azurerm_kubernetes_cluster_node_pool.gpu[*].name)
}

# ---------------------------------------------------------------------------------------------------------------------
# Object store and workload identity
# ---------------------------------------------------------------------------------------------------------------------

output "storage_account_name" {
  description = "Name of the storage account."
  value       = azurerm_storage_account.models.name
}

output "storage_container_name" {
  description = "Name of the model container (the overlay setting azure-container)."
  value       = azurerm_storage_container.models.name
}

output "storage_blob_endpoint" {
  description = "Blob endpoint of the storage account (the overlay setting azure-blob-endpoint)."
  value       = trimsuffix(azurerm_storage_account.models.primary_blob_endpoint, "/")
}

output "service_account_client_ids" {
  description = "Kubernetes service account name => client ID of its managed identity, for the annotation azure.workload.identity/client-id."
  value       = { for sa in var.service_accounts : sa => azurerm_user_assigned_identity.workload[sa].client_id }
}

output "external_reader_client_ids" {
  description = "\"<external_readers key>/<subject>\" => client ID of its read-only identity (set AZURE_CLIENT_ID and AZURE_TENANT_ID to it in the other cluster, with a projected token of audience api://AzureADTokenExchange in AZURE_FEDERATED_TOKEN_FILE)."
  value       = { for key, identity in azurerm_user_assigned_identity.external_reader : key => identity.client_id }
}

output "platform_settings" {
  description = "The non-secret keys this cluster contributes to the platform-settings ConfigMap (settings.env of your overlay)."
  value = {
    "azure-container"     = azurerm_storage_container.models.name
    "azure-blob-endpoint" = trimsuffix(azurerm_storage_account.models.primary_blob_endpoint, "/")
  }
}

# ---------------------------------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------------------------------

output "database_fqdn" {
  description = "FQDN of the PostgreSQL server (resolves to its private address inside the virtual network only)."
  value       = azurerm_postgresql_flexible_server.this.fqdn
}

output "database_name" {
  description = "Database created for the registry."
  value       = azurerm_postgresql_flexible_server_database.registry.name
}

output "database_admin_login" {
  description = "Administrator login."
  value       = azurerm_postgresql_flexible_server.this.administrator_login
}

output "database_connection_string" {
  description = "Npgsql connection string for the registrydb key of platform-secrets (includes the password)."
  value       = local.database_connection_string
  sensitive   = true
}
