// Microsoft Graph application permission for the monitor's identity, with the Graph Bicep
// extension (the deployer needs to be allowed to grant app roles, e.g. Privileged Role
// Administrator). Application.Read.All for the inventory; User.Read.All for the owner chain
// (whether an owner's account is disabled, and their manager: neither is in the basic profile).
// Sign-in activity comes from Log Analytics, so AuditLog.Read.All is not needed. Without the
// extension: infra/hooks/grant-graph-permission.mjs.
extension microsoftGraphV1

targetScope = 'subscription'

param principalId string

var microsoftGraphAppId = '00000003-0000-0000-c000-000000000000'
var applicationReadAll = '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30'
var userReadAll = 'df021288-bdef-4463-88db-98f22de89214'

// API reference: https://learn.microsoft.com/graph/templates/reference/serviceprincipals?view=graph-bicep-1.0
resource microsoftGraph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: microsoftGraphAppId
}

// API reference: https://learn.microsoft.com/graph/templates/reference/approleassignedto?view=graph-bicep-1.0
resource applicationRead 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {
  appRoleId: applicationReadAll
  principalId: principalId
  resourceId: microsoftGraph.id
}

// API reference: https://learn.microsoft.com/graph/templates/reference/approleassignedto?view=graph-bicep-1.0
resource userRead 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {
  appRoleId: userReadAll
  principalId: principalId
  resourceId: microsoftGraph.id
}
