// workload-identity-monitor: the whole deployment except the event subscriptions (infra/events,
// created by the postdeploy hook once the code is there: Event Grid validates a function
// endpoint when the subscription is created).
// Least privilege: the monitor runs as its system-assigned managed identity, with no secrets or
// keys anywhere; every right it gets is listed here and in docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags derive from it.')
param environmentName string

@minLength(1)
@description('Region of the monitor: one that offers Flex Consumption (azd offers only these).')
// The regions Microsoft's Flex Consumption azd templates allow (Azure-Samples/functions-quickstart-typescript-azd,
// infra/main.bicep); `az functionapp list-flexconsumption-locations` lists today's.
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@metadata({ azd: { type: 'location' } })
param location string

// At least one: the custom role is assignable to these and the monitor reads them. Set with
// `azd env set WIMON_SUBSCRIPTION_IDS_JSON '["<id>"]'` (the preprovision hook stops earlier, with that advice).
@minLength(1)
@description('Subscription ids to monitor (at least one). The monitor gets the custom read-only role on each.')
param monitoredSubscriptionIds array

@description('Resource id of the Log Analytics workspace that receives the Entra sign-in logs (empty: dormancy off).')
param signInWorkspaceResourceId string = ''

@description('Workspace (customer) id of that workspace, as the query API expects it.')
param signInWorkspaceCustomerId string = ''

@description('Security operations mailboxes, for the starter baseline and notices.')
param securityContacts array = []

@description('NCRONTAB (UTC) schedules.')
param reconcileSchedule string = '0 0 */6 * * *'
param deltaSchedule string = '0 */5 * * * *'
param dormancySchedule string = '0 30 5 * * *'
param digestSchedule string = '0 0 7 * * *'
param alertSchedule string = '0 */1 * * * *'

@description('Event Grid topic endpoint that receives finding changes (empty: off). The monitor needs EventGrid Data Sender on it; see docs/deploy.md.')
param findingsTopicEndpoint string = ''

@secure()
@description('HMAC key for attestation links, written to Key Vault only when the vault has none (attestationKeyExists false): a provision never replaces it, so links in inboxes keep working. Rotate with infra/hooks/rotate-attestation-key.')
param attestationKey string = '${newGuid()}${newGuid()}'

@description('Whether the vault already holds the attestation key (set by the preprovision hook, which looks): then it is kept as it is.')
param attestationKeyExists bool = false

@description('Secret version of the attestation key before the last rotation (set by infra/hooks/rotate-attestation-key for 14 days): links signed with it keep working until they expire. Empty: none.')
param attestationPreviousKeyVersion string = ''

@allowed(['default', 'recover'])
@description('recover: the vault of this environment is soft-deleted (after `azd down`) and is brought back with its secrets instead of colliding with its name (set by the preprovision hook).')
param vaultCreateMode string = 'default'

@description('Object id of whoever runs azd (azd sets AZURE_PRINCIPAL_ID): gets Storage Table Data Contributor on the monitor\'s tables, so `wimon baseline apply` works right after `azd up`. Empty: none.')
param deployerPrincipalId string = ''

@secure()
@description('Microsoft Teams Workflows webhook URL ("Post to a channel when a webhook request is received"): security operations alerts and the daily digest are also posted there as Adaptive Cards. Empty: off. Kept in Key Vault.')
param teamsWebhookUrl string = ''

@description('Find user-assigned managed identities no resource uses (Resource Graph). Grants the monitor built-in Reader on each monitored subscription: Resource Graph leaves out silently what the caller may not read.')
param checkManagedIdentityAttachments bool = false

@description('Grant the Microsoft Graph application permissions with the Graph Bicep extension during the deployment (needs a deployer who may grant app roles). false (the default): the postprovision hook grants them with retries, because a system identity created by this same deployment can take minutes to replicate to Microsoft Graph.')
param grantGraphPermission bool = false

@description('Mailboxes of the Azure Monitor action group that the operational alerts go to (the security contacts when empty).')
param alertEmails array = []

var tags = { 'azd-env-name': environmentName, workload: 'workload-identity-monitor' }
var token = toLower(uniqueString(subscription().id, environmentName, location))

// API reference: https://learn.microsoft.com/azure/templates/microsoft.resources/resourcegroups?pivots=deployment-language-bicep
resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-wimon-${environmentName}'
  location: location
  tags: tags
}

module monitor 'app/monitor.bicep' = {
  name: 'wimon-${token}-monitor'
  scope: rg
  params: {
    location: location
    tags: tags
    token: token
    monitoredSubscriptionIds: monitoredSubscriptionIds
    signInWorkspaceCustomerId: signInWorkspaceCustomerId
    reconcileSchedule: reconcileSchedule
    deltaSchedule: deltaSchedule
    dormancySchedule: dormancySchedule
    checkManagedIdentityAttachments: checkManagedIdentityAttachments
    findingsTopicEndpoint: findingsTopicEndpoint
    digestSchedule: digestSchedule
    alertSchedule: alertSchedule
    attestationKey: attestationKey
    attestationKeyExists: attestationKeyExists
    attestationPreviousKeyVersion: attestationPreviousKeyVersion
    vaultCreateMode: vaultCreateMode
    deployerPrincipalId: deployerPrincipalId
    teamsWebhookUrl: teamsWebhookUrl
    alertEmails: empty(alertEmails) ? securityContacts : alertEmails
    environmentName: environmentName
  }
}

// The read-only custom role: exactly the ARM read actions the inventory readers declare.
// Defined in the deployment's own subscription, whatever the order of the monitored ones: its
// name and GUID stay the same when the list is reordered or grows (a new pair under the same
// name fails with RoleDefinitionWithSameNameExists).
module readerRole 'app/reader-role.bicep' = {
  name: 'wimon-${token}-reader-role'
  params: {
    monitoredSubscriptionIds: monitoredSubscriptionIds
    roleName: 'Workload Identity Monitor Reader (${environmentName})'
  }
}

module readerAssignments 'app/reader-assignment.bicep' = [
  for subscriptionId in monitoredSubscriptionIds: {
    name: 'wimon-${token}-reader-${subscriptionId}'
    scope: subscription(subscriptionId)
    params: {
      roleDefinitionGuid: readerRole.outputs.roleDefinitionGuid
      principalId: monitor.outputs.principalId
    }
  }
]

module resourceReaderAssignments 'app/resource-reader-assignment.bicep' = [
  for subscriptionId in (checkManagedIdentityAttachments ? monitoredSubscriptionIds : []): {
    name: 'wimon-${token}-rr-${subscriptionId}'
    scope: subscription(subscriptionId)
    params: {
      principalId: monitor.outputs.principalId
    }
  }
]

module workspaceReader 'app/workspace-reader.bicep' = if (!empty(signInWorkspaceResourceId)) {
  name: 'wimon-${token}-workspace-reader'
  scope: resourceGroup(split(signInWorkspaceResourceId, '/')[2], split(signInWorkspaceResourceId, '/')[4])
  params: {
    workspaceName: last(split(signInWorkspaceResourceId, '/'))
    principalId: monitor.outputs.principalId
  }
}

module graphPermission 'app/graph-permission.bicep' = if (grantGraphPermission) {
  name: 'wimon-${token}-graph-permission'
  params: {
    principalId: monitor.outputs.principalId
  }
}

// azd reads these into the environment (infra/hooks use them); none is a secret.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output WIMON_FUNCTION_APP_NAME string = monitor.outputs.functionAppName
output WIMON_FUNCTION_APP_ID string = monitor.outputs.functionAppId
output WIMON_PRINCIPAL_ID string = monitor.outputs.principalId
output WIMON_STORAGE_ACCOUNT_ID string = monitor.outputs.storageAccountId
output WIMON_APP_INSIGHTS_ID string = monitor.outputs.appInsightsId
output WIMON_SIGNIN_WORKSPACE_RESOURCE_ID string = signInWorkspaceResourceId
output WIMON_COMMUNICATION_ENDPOINT string = monitor.outputs.communicationEndpoint
output WIMON_COMMUNICATION_ID string = monitor.outputs.communicationId
output WIMON_ATTESTATION_SECRET_ID string = monitor.outputs.attestationSecretId
output WIMON_DEADLETTER_CONTAINER string = monitor.outputs.deadLetterContainer
output WIMON_SECURITY_CONTACTS string = join(securityContacts, ',')
// ARM's string() of a bool is 'True'/'False': written lower-case, as the settings document it.
output WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS string = checkManagedIdentityAttachments ? 'true' : 'false'
output WIMON_VAULT_NAME string = monitor.outputs.vaultName
output WIMON_ACTION_GROUP_ID string = monitor.outputs.actionGroupId
// What `wimon` needs on a workstation, written to the azd environment: `azd env get-values`
// then configures the CLI (docs/deploy.md). The same values as the function app's settings.
output WIMON_TABLE_ENDPOINT string = monitor.outputs.tableEndpoint
output WIMON_TABLE_PREFIX string = monitor.outputs.tablePrefix
output WIMON_SUBSCRIPTIONS string = join(monitoredSubscriptionIds, ',')
output WIMON_ARM_ENDPOINT string = environment().resourceManager
output WIMON_AUTHORITY_HOST string = environment().authentication.loginEndpoint
output WIMON_GRAPH_ENDPOINT string = monitor.outputs.graphEndpoint
output WIMON_LOGS_ENDPOINT string = monitor.outputs.logsEndpoint
output WIMON_LOG_ANALYTICS_WORKSPACE_ID string = signInWorkspaceCustomerId
output WIMON_EMAIL_ENDPOINT string = monitor.outputs.communicationEndpoint
output WIMON_EMAIL_SENDER string = monitor.outputs.emailSender
output WIMON_ATTESTATION_URL string = monitor.outputs.attestationUrl
output WIMON_PORTAL_ENDPOINT string = monitor.outputs.portalEndpoint
