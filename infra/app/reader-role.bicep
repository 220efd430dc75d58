// The monitor's read-only custom role: exactly the ARM actions its readers call
// (shared/inventory/arm-reader.ts ARM_PERMISSIONS; a test keeps the two equal). Not built-in
// Reader, which would let it read every resource's configuration.
targetScope = 'subscription'

param monitoredSubscriptionIds array
param roleName string

// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roledefinitions?pivots=deployment-language-bicep
// Its GUID follows from the deployment's subscription and the role's name only (main.bicep deploys
// this in its own subscription): the same pair on every provision, whatever the monitored list.
resource role 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, roleName)
  properties: {
    roleName: roleName
    description: 'Read role assignments, role definitions, user-assigned managed identities and their federated credentials, and list the management-group hierarchy (workload-identity-monitor).'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Authorization/roleAssignments/read'
          'Microsoft.Authorization/roleDefinitions/read'
          'Microsoft.ManagedIdentity/userAssignedIdentities/read'
          'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read'
          'Microsoft.Management/getEntities/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [for s in monitoredSubscriptionIds: '/subscriptions/${s}']
  }
}

output roleDefinitionGuid string = role.name
