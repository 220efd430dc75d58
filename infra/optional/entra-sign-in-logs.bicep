// Optional, separate: send the tenant's service principal and managed identity sign-in logs to a
// Log Analytics workspace, which the dormancy check reads. Needs Entra ID P1/P2 and a deployer
// who may change tenant diagnostic settings (Security Administrator or Global Administrator):
//   az deployment tenant create --location <region> --template-file infra/optional/entra-sign-in-logs.bicep \
//     --parameters workspaceResourceId=<workspace resource id>
targetScope = 'tenant'

param workspaceResourceId string
param settingName string = 'workload-identity-sign-ins'

// API reference: https://learn.microsoft.com/azure/templates/microsoft.aadiam/diagnosticsettings?pivots=deployment-language-bicep
resource signInLogs 'Microsoft.AADIAM/diagnosticSettings@2017-04-01' = {
  name: settingName
  properties: {
    workspaceId: workspaceResourceId
    logs: [
      { category: 'ServicePrincipalSignInLogs', enabled: true }
      { category: 'ManagedIdentitySignInLogs', enabled: true }
    ]
  }
}
