// The monitor's own resources, all in one resource group: storage (shared keys off), Flex
// Consumption function app (Node 22, system-assigned identity), Application Insights (Entra
// authentication only), Communication Services email. The identity's rights here are scoped to
// these resources and nothing else.
param location string
param tags object
param token string
param monitoredSubscriptionIds array
param signInWorkspaceCustomerId string
param reconcileSchedule string
param deltaSchedule string
param dormancySchedule string
param checkManagedIdentityAttachments bool
param findingsTopicEndpoint string
param digestSchedule string
param alertSchedule string
@description('Sending limits (Azure-managed domain: about 5 a minute, 10 an hour; custom domain: about 30 and 100).')
param emailPerMinute int = 5
param emailPerHour int = 10
param portalEndpoint string = 'https://portal.azure.com'
@secure()
@description('HMAC key for attestation links; stored only in the Key Vault below.')
param attestationKey string
@secure()
@description('Teams Workflows webhook URL for security operations cards (empty: off); stored only in the Key Vault below.')
param teamsWebhookUrl string = ''
@description('Microsoft Graph and Log Analytics endpoints (sovereign clouds override them).')
param graphEndpoint string = 'https://graph.microsoft.com'
param logsEndpoint string = 'https://api.loganalytics.io'
@description('Where Communication Services keeps email data at rest.')
param emailDataLocation string = 'Europe'

var deploymentContainer = 'deployment-package'
var deadLetterContainer = 'event-deadletter'
// Built-in role ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles)
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var attestationSecretName = 'attestation-key'
var teamsSecretName = 'teams-webhook-url'

// API reference: https://learn.microsoft.com/azure/templates/microsoft.storage/storageaccounts?pivots=deployment-language-bicep
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stwimon${token}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
  // API reference: https://learn.microsoft.com/azure/templates/microsoft.storage/storageaccounts/blobservices?pivots=deployment-language-bicep
  resource blobs 'blobServices' = {
    name: 'default'
    // API reference: https://learn.microsoft.com/azure/templates/microsoft.storage/storageaccounts/blobservices/containers?pivots=deployment-language-bicep
    resource deployment 'containers' = { name: deploymentContainer }
    // API reference: https://learn.microsoft.com/azure/templates/microsoft.storage/storageaccounts/blobservices/containers?pivots=deployment-language-bicep
    resource deadLetter 'containers' = { name: deadLetterContainer }
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.operationalinsights/workspaces?pivots=deployment-language-bicep
resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-wimon-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.insights/components?pivots=deployment-language-bicep
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-wimon-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true // telemetry only with the app's Entra identity
  }
}

// The attestation link key, outside Table Storage: whoever can read the tables cannot forge links.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults?pivots=deployment-language-bicep
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-wimon-${take(token, 13)}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/secrets?pivots=deployment-language-bicep
resource attestationSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: attestationSecretName
  properties: { value: attestationKey, contentType: 'HMAC key for attestation links' }
}

// The webhook URL's query string is a signature: kept here, referenced from the app settings.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/secrets?pivots=deployment-language-bicep
resource teamsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (teamsWebhookUrl != '') {
  parent: vault
  name: teamsSecretName
  properties: { value: teamsWebhookUrl, contentType: 'Teams Workflows webhook URL (its query string is a signature)' }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.web/serverfarms?pivots=deployment-language-bicep
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-wimon-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.web/sites?pivots=deployment-language-bicep
resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-wimon-${token}'
  location: location
  tags: union(tags, { 'azd-service-name': 'monitor' })
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        // Functions host: identity-based storage and telemetry, no keys.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        // The Node worker's heap, sized for the 2,048 MB instance (shared/config/runtime-limits.ts).
        { name: 'languageWorkers__node__arguments', value: '--max-old-space-size=1280' }
        // The monitor (shared/config/settings.ts).
        { name: 'WIMON_TABLE_ENDPOINT', value: storage.properties.primaryEndpoints.table }
        { name: 'WIMON_TABLE_PREFIX', value: 'wimon' }
        { name: 'WIMON_ACTOR', value: 'function:func-wimon-${token}' }
        { name: 'WIMON_SUBSCRIPTIONS', value: join(monitoredSubscriptionIds, ',') }
        { name: 'WIMON_MANAGEMENT_GROUPS', value: '' }
        { name: 'WIMON_ARM_ENDPOINT', value: environment().resourceManager }
        { name: 'WIMON_GRAPH_ENDPOINT', value: graphEndpoint }
        { name: 'WIMON_AUTHORITY_HOST', value: environment().authentication.loginEndpoint }
        { name: 'WIMON_LOGS_ENDPOINT', value: logsEndpoint }
        { name: 'WIMON_LOG_ANALYTICS_WORKSPACE_ID', value: signInWorkspaceCustomerId }
        { name: 'WIMON_RECONCILE_SCHEDULE', value: reconcileSchedule }
        { name: 'WIMON_DELTA_SCHEDULE', value: deltaSchedule }
        { name: 'WIMON_DORMANCY_SCHEDULE', value: dormancySchedule }
        { name: 'WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS', value: string(checkManagedIdentityAttachments) }
        { name: 'WIMON_FINDINGS_TOPIC_ENDPOINT', value: findingsTopicEndpoint }
        { name: 'WIMON_EMAIL_ENDPOINT', value: 'https://${communication.properties.hostName}' }
        { name: 'WIMON_EMAIL_SENDER', value: 'DoNotReply@${email::managedDomain.properties.mailFromSenderDomain}' }
        { name: 'WIMON_EMAIL_PER_MINUTE', value: string(emailPerMinute) }
        { name: 'WIMON_EMAIL_PER_HOUR', value: string(emailPerHour) }
        { name: 'WIMON_ALERT_COALESCE_MINUTES', value: '5' }
        { name: 'WIMON_RESOLVED_RETENTION_DAYS', value: '90' }
        { name: 'WIMON_DIGEST_SCHEDULE', value: digestSchedule }
        { name: 'WIMON_ALERT_SCHEDULE', value: alertSchedule }
        { name: 'WIMON_PORTAL_ENDPOINT', value: portalEndpoint }
        { name: 'WIMON_VAULT_DNS_SUFFIX', value: environment().suffixes.keyvaultDns }
        // A Key Vault reference: the app setting holds where the key is, never the key.
        { name: 'WIMON_ATTESTATION_KEY', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${attestationSecretName})' }
        { name: 'WIMON_ATTESTATION_URL', value: 'https://func-wimon-${token}.azurewebsites.net/api/attest' }
      ], empty(teamsWebhookUrl) ? [] : [
        // Only when a webhook is given: an unresolved reference would be read as the URL itself.
        { name: 'WIMON_TEAMS_WEBHOOK_URL', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${teamsSecretName})' }
      ])
    }
  }
}

// No publishing credentials: deployments go through Entra (azd), never basic auth.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.web/sites/basicpublishingcredentialspolicies?pivots=deployment-language-bicep
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: { allow: false }
}
// API reference: https://learn.microsoft.com/azure/templates/microsoft.web/sites/basicpublishingcredentialspolicies?pivots=deployment-language-bicep
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: { allow: false }
}

// The host's storage and the deployment package (blob), on this account only.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Baseline, findings, runs, ledger and cursors (tables), on this account only.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionApp.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Telemetry with Entra authentication, to this Application Insights only.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, functionApp.id, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Email for notices. An Azure-managed domain sends about 5 emails a minute and 10 an hour per
// subscription, not raisable: connect a custom domain for production (README "Deploy to Azure").
// API reference: https://learn.microsoft.com/azure/templates/microsoft.communication/emailservices?pivots=deployment-language-bicep
resource email 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'email-wimon-${token}'
  location: 'global'
  tags: tags
  properties: { dataLocation: emailDataLocation }
  // API reference: https://learn.microsoft.com/azure/templates/microsoft.communication/emailservices/domains?pivots=deployment-language-bicep
  resource managedDomain 'domains' = {
    name: 'AzureManagedDomain'
    location: 'global'
    properties: { domainManagement: 'AzureManaged', userEngagementTracking: 'Disabled' }
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.communication/communicationservices?pivots=deployment-language-bicep
resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-wimon-${token}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: emailDataLocation
    linkedDomains: [email::managedDomain.id]
  }
}

// Reading that one secret (the Key Vault reference resolves with the app's identity).
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource attestationKeyReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(attestationSecret.id, functionApp.id, keyVaultSecretsUser)
  scope: attestationSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Reading the Teams webhook secret, when there is one.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource teamsWebhookReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (teamsWebhookUrl != '') {
  name: guid(resourceGroup().id, teamsSecretName, functionApp.id, keyVaultSecretsUser)
  scope: teamsSecret
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Sending email with the app's Entra identity: a custom role with only what Communication
// Services checks for it, on this Communication Services resource only.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roledefinitions?pivots=deployment-language-bicep
resource emailSenderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'workload-identity-monitor-email-sender')
  properties: {
    roleName: 'Workload Identity Monitor Email Sender (${token})'
    description: 'Send email through Azure Communication Services (workload-identity-monitor).'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [resourceGroup().id]
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource emailSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, functionApp.id, 'email-sender')
  scope: communication
  properties: {
    roleDefinitionId: emailSenderRole.id
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

output functionAppName string = functionApp.name
output communicationId string = communication.id
output attestationSecretId string = attestationSecret.id
output functionAppId string = functionApp.id
output principalId string = functionApp.identity.principalId
output storageAccountId string = storage.id
output appInsightsId string = appInsights.id
output deadLetterContainer string = deadLetterContainer
output communicationEndpoint string = 'https://${communication.properties.hostName}'
