provider "azurerm" {
  # null falls back to ARM_SUBSCRIPTION_ID or the Azure CLI's current subscription.
  subscription_id = var.subscription_id

  # Shared key access is disabled on the storage account, so the provider talks to the data plane with Entra ID.
  storage_use_azuread = true

  # Since azurerm 5.0 no resource provider is registered implicitly; register exactly the ones this module uses.
  resource_providers_to_register = var.resource_providers_to_register

  features {}
}
