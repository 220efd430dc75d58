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
@description('HMAC key for attestation links; stored only in the Key Vault below, and only when it holds none yet.')
param attestationKey string
param attestationKeyExists bool = false
param attestationPreviousKeyVersion string = ''
@allowed(['default', 'recover'])
param vaultCreateMode string = 'default'
param deployerPrincipalId string = ''
param environmentName string
@description('Where the operational alerts go (Azure Monitor action group email receivers).')
param alertEmails array = []
@description('No complete reconcile within this many hours raises an alert: twice the reconcile schedule\'s interval (6 hours by default).')
param reconcileAlertWindowHours int = 12
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
var tablePrefix = 'wimon'
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
    // After `azd down` the vault stays soft-deleted under its name (purge protection: for the whole
    // retention); the preprovision hook finds it and asks for it back, secrets and all.
    createMode: vaultCreateMode
  }
}

// Written only when the vault has no key yet: a provision never replaces it (every link in every
// inbox would stop working). Rotation is deliberate: infra/hooks/rotate-attestation-key.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/secrets?pivots=deployment-language-bicep
resource newAttestationSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!attestationKeyExists) {
  parent: vault
  name: attestationSecretName
  properties: { value: attestationKey, contentType: 'HMAC key for attestation links' }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults/secrets?pivots=deployment-language-bicep
resource attestationSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = {
  parent: vault
  name: attestationSecretName
  dependsOn: [newAttestationSecret]
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
    }
  }
}

// The site's own host name: Flex Consumption apps can get a name with a random part
// (<app>-<hash>.<region>-01.azurewebsites.net), so links are built from what the site reports.
var attestationUrl = 'https://${functionApp.properties.defaultHostName}/api/attest'

// The app settings, as a resource of their own: they name the site's default host name, which
// exists only once the site does. This resource is the whole set (it replaces, not merges).
// API reference: https://learn.microsoft.com/azure/templates/microsoft.web/sites/config-appsettings?pivots=deployment-language-bicep
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: toObject(
    concat([
        // Functions host: identity-based storage and telemetry, no keys.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        // The Node worker's heap, sized for the 2,048 MB instance (shared/config/runtime-limits.ts).
        { name: 'languageWorkers__node__arguments', value: '--max-old-space-size=1280' }
        // Managed identity only, never a walk down DefaultAzureCredential's chain (@azure/identity
        // reads this; Microsoft's guidance for production).
        { name: 'AZURE_TOKEN_CREDENTIALS', value: 'ManagedIdentityCredential' }
        // The monitor (shared/config/settings.ts).
        { name: 'WIMON_TABLE_ENDPOINT', value: storage.properties.primaryEndpoints.table }
        { name: 'WIMON_TABLE_PREFIX', value: tablePrefix }
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
        // ARM's string() of a bool is 'True'/'False'; the settings are documented lower-case.
        { name: 'WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS', value: checkManagedIdentityAttachments ? 'true' : 'false' }
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
        { name: 'WIMON_ATTESTATION_URL', value: attestationUrl }
      ], empty(teamsWebhookUrl) ? [] : [
        // Only when a webhook is given: an unresolved reference would be read as the URL itself.
        { name: 'WIMON_TEAMS_WEBHOOK_URL', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${teamsSecretName})' }
      ], empty(attestationPreviousKeyVersion) ? [] : [
        // For the 14 days after a rotation: the key before it, pinned to its version.
        { name: 'WIMON_ATTESTATION_PREVIOUS_KEY', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${attestationSecretName};SecretVersion=${attestationPreviousKeyVersion})' }
      ]),
    setting => setting.name,
    setting => setting.value
  )
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

// Whoever runs azd reads and writes the same tables, on this account only: `wimon baseline apply`
// works right after `azd up` (Table Storage has no data-plane rights through Owner or Contributor).
// No principalType: the deployer may be a user or a pipeline's service principal.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.authorization/roleassignments?pivots=deployment-language-bicep
resource deployerTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(storage.id, deployerPrincipalId, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: deployerPrincipalId
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
// subscription, not raisable: connect a custom domain for production (docs/deploy.md).
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
          'Microsoft.Communication/CommunicationServices/Write'
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

// Operational alerts (docs/operations.md): each query reads the `run.ended` and `notice.failed`
// records every run writes with its run id, kind and outcome (shared/app/telemetry.ts), never
// sampled (host.json, shared/app/telemetry-setup.ts). Dead-lettered events: a metric alert on
// each system topic (infra/events).
// API reference: https://learn.microsoft.com/azure/templates/microsoft.insights/actiongroups?pivots=deployment-language-bicep
resource alertGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-wimon-${token}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'wimon'
    enabled: true
    emailReceivers: [for (address, i) in alertEmails: {
      name: 'security-contact-${i}'
      emailAddress: address
      useCommonAlertSchema: true
    }]
  }
}

var alertRules = [
  {
    name: 'reconcile-overdue'
    displayName: 'wimon: no complete reconcile within ${reconcileAlertWindowHours} hours (${environmentName})'
    description: 'No reconcile read the whole tenant within twice its schedule: drift may go unseen. See /api/status and docs/operations.md.'
    severity: 1
    query: 'traces | where customDimensions.event == "run.ended" and customDimensions.runKind == "reconcile" and customDimensions.outcome == "complete"'
    operator: 'LessThan'
    threshold: 1
    windowSize: 'PT${reconcileAlertWindowHours}H'
    evaluationFrequency: 'PT1H'
  }
  {
    name: 'run-partial'
    displayName: 'wimon: a run did not read everything (${environmentName})'
    description: 'A reconcile, dormancy or delta run was partial or failed: what it could not read is in the record\'s message and gaps property.'
    severity: 2
    query: 'traces | where customDimensions.event == "run.ended" and customDimensions.outcome in ("partial", "failed")'
    operator: 'GreaterThan'
    threshold: 0
    windowSize: 'PT1H'
    evaluationFrequency: 'PT1H'
  }
  {
    name: 'notice-failed'
    displayName: 'wimon: a notice could not be sent (${environmentName})'
    description: 'An email or Teams notice failed for good after its retries: owners or security operations were not told.'
    severity: 2
    query: 'traces | where customDimensions.event == "notice.failed"'
    operator: 'GreaterThan'
    threshold: 0
    windowSize: 'PT1H'
    evaluationFrequency: 'PT1H'
  }
]

// API reference: https://learn.microsoft.com/azure/templates/microsoft.insights/scheduledqueryrules?pivots=deployment-language-bicep
resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in alertRules: {
  name: 'wimon-${rule.name}-${token}'
  location: location
  tags: tags
  properties: {
    displayName: rule.displayName
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: rule.evaluationFrequency
    windowSize: rule.windowSize
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: rule.operator
          threshold: rule.threshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [alertGroup.id] }
  }
}]

output functionAppName string = functionApp.name
output vaultName string = vault.name
output actionGroupId string = alertGroup.id
output tableEndpoint string = storage.properties.primaryEndpoints.table
output tablePrefix string = tablePrefix
output graphEndpoint string = graphEndpoint
output logsEndpoint string = logsEndpoint
output emailSender string = 'DoNotReply@${email::managedDomain.properties.mailFromSenderDomain}'
output attestationUrl string = attestationUrl
output portalEndpoint string = portalEndpoint
output communicationId string = communication.id
output attestationSecretId string = attestationSecret.id
output functionAppId string = functionApp.id
output principalId string = functionApp.identity.principalId
output storageAccountId string = storage.id
output appInsightsId string = appInsights.id
output deadLetterContainer string = deadLetterContainer
output communicationEndpoint string = 'https://${communication.properties.hostName}'
