// workload-identity-monitor: the whole deployment except the event subscriptions (infra/events,
// created by the postdeploy hook once the code is there: Event Grid validates a function
// endpoint when the subscription is created).
// Least privilege: the monitor runs as its system-assigned managed identity, with no secrets or
// keys anywhere; every right it gets is listed here and in README "Deploy to Azure".
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags derive from it.')
param environmentName string

@minLength(1)
@description('Region of the monitor (must offer Flex Consumption).')
param location string

@description('Subscription ids to monitor. The monitor gets the custom read-only role on each.')
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

@description('Event Grid topic endpoint that receives finding changes (empty: off). The monitor needs EventGrid Data Sender on it; see README.')
param findingsTopicEndpoint string = ''

@secure()
@description('HMAC key for attestation links. A new one each deployment unless given: links in earlier digests stop working after a redeploy (they last 14 days anyway).')
param attestationKey string = '${newGuid()}${newGuid()}'

@secure()
@description('Microsoft Teams Workflows webhook URL ("Post to a channel when a webhook request is received"): security operations alerts and the daily digest are also posted there as Adaptive Cards. Empty: off. Kept in Key Vault.')
param teamsWebhookUrl string = ''

@description('Find user-assigned managed identities no resource uses (Resource Graph). Grants the monitor built-in Reader on each monitored subscription: Resource Graph leaves out silently what the caller may not read.')
param checkManagedIdentityAttachments bool = false

@description('Grant the Microsoft Graph application permission with the Graph Bicep extension (needs a deployer who may grant app roles); false: run infra/hooks/grant-graph-permission.sh instead.')
param grantGraphPermission bool = true

var tags = { 'azd-env-name': environmentName, workload: 'workload-identity-monitor' }
var token = toLower(uniqueString(subscription().id, environmentName, location))

// API reference: https://learn.microsoft.com/azure/templates/microsoft.resources/resourcegroups?pivots=deployment-language-bicep
resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-wimon-${environmentName}'
  location: location
  tags: tags
}

module monitor 'app/monitor.bicep' = {
  name: 'monitor'
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
    teamsWebhookUrl: teamsWebhookUrl
  }
}

// The read-only custom role: exactly the ARM read actions the inventory readers declare.
// Created in the first monitored subscription: a custom role lives within its assignable scopes.
module readerRole 'app/reader-role.bicep' = {
  name: 'reader-role'
  scope: subscription(monitoredSubscriptionIds[0])
  params: {
    monitoredSubscriptionIds: monitoredSubscriptionIds
    roleName: 'Workload Identity Monitor Reader (${environmentName})'
  }
}

module readerAssignments 'app/reader-assignment.bicep' = [
  for subscriptionId in monitoredSubscriptionIds: {
    name: 'reader-${subscriptionId}'
    scope: subscription(subscriptionId)
    params: {
      roleDefinitionGuid: readerRole.outputs.roleDefinitionGuid
      principalId: monitor.outputs.principalId
    }
  }
]

module resourceReaderAssignments 'app/resource-reader-assignment.bicep' = [
  for subscriptionId in (checkManagedIdentityAttachments ? monitoredSubscriptionIds : []): {
    name: 'resource-reader-${subscriptionId}'
    scope: subscription(subscriptionId)
    params: {
      principalId: monitor.outputs.principalId
    }
  }
]

module workspaceReader 'app/workspace-reader.bicep' = if (!empty(signInWorkspaceResourceId)) {
  name: 'workspace-reader'
  scope: resourceGroup(split(signInWorkspaceResourceId, '/')[2], split(signInWorkspaceResourceId, '/')[4])
  params: {
    workspaceName: last(split(signInWorkspaceResourceId, '/'))
    principalId: monitor.outputs.principalId
  }
}

module graphPermission 'app/graph-permission.bicep' = if (grantGraphPermission) {
  name: 'graph-permission'
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
output WIMON_MONITORED_SUBSCRIPTIONS string = join(monitoredSubscriptionIds, ',')
output WIMON_SECURITY_CONTACTS string = join(securityContacts, ',')
output WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS string = string(checkManagedIdentityAttachments)
