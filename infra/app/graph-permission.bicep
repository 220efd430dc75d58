// Microsoft Graph application permission for the monitor's identity, with the Graph Bicep
// extension (the deployer needs to be allowed to grant app roles, e.g. Privileged Role
// Administrator). Only Application.Read.All: sign-in activity comes from Log Analytics, so
// AuditLog.Read.All is not needed. Without the extension: infra/hooks/grant-graph-permission.sh.
extension microsoftGraphV1

targetScope = 'subscription'

param principalId string

var microsoftGraphAppId = '00000003-0000-0000-c000-000000000000'
var applicationReadAll = '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30'

resource microsoftGraph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: microsoftGraphAppId
}

resource applicationRead 'Microsoft.Graph/appRoleAssignedTo@v1.0' = {
  appRoleId: applicationReadAll
  principalId: principalId
  resourceId: microsoftGraph.id
}
