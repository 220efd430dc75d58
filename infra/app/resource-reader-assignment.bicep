// Built-in Reader on one monitored subscription, only when checkManagedIdentityAttachments is on:
// Resource Graph answers with the resources the caller may read and silently leaves out the rest,
// so finding unattached user-assigned identities needs read access to every resource type.
targetScope = 'subscription'

param principalId string

var readerRoleGuid = 'acdd72a7-3385-48ef-bd42-f606fba81ae7'

// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, readerRoleGuid)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleGuid)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
