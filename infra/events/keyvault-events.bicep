// Secret and certificate expiry events of one Key Vault → the monitor's `events` function.
// Deployed by infra/hooks/postdeploy.mjs for each vault in WIMON_KEYVAULT_IDS (optional).
param vaultName string
param systemTopicName string
param createSystemTopic bool
param functionAppId string
param deadLetterStorageAccountId string
param deadLetterContainer string
@description('Event subscription name: carries the azd environment, so two environments can watch the same source (one system topic per source).')
@minLength(3)
@maxLength(64)
param eventSubscriptionName string
@description('Action group of the monitor\'s operational alerts (empty: no dead-letter alert).')
param actionGroupId string = ''

// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults?pivots=deployment-language-bicep
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics?pivots=deployment-language-bicep
resource newTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (createSystemTopic) {
  name: systemTopicName
  // A Key Vault system topic lives where the vault does, not where its resource group was made.
  location: vault.location
  identity: { type: 'SystemAssigned' }
  properties: {
    source: vault.id
    topicType: 'Microsoft.KeyVault.vaults'
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics?pivots=deployment-language-bicep
resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics/eventsubscriptions?pivots=deployment-language-bicep
resource expiry 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: eventSubscriptionName
  dependsOn: [newTopic]
  properties: {
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionAppId}/functions/events'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [
        'Microsoft.KeyVault.SecretNearExpiry'
        'Microsoft.KeyVault.SecretExpired'
        'Microsoft.KeyVault.SecretNewVersionCreated'
        'Microsoft.KeyVault.CertificateNearExpiry'
        'Microsoft.KeyVault.CertificateExpired'
        'Microsoft.KeyVault.CertificateNewVersionCreated'
      ]
    }
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
    deadLetterWithResourceIdentity: {
      identity: { type: 'SystemAssigned' }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: deadLetterStorageAccountId
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
}


// Dead-lettered deliveries mean events the monitor never judged: an alert to the monitor's action group.
// API reference: https://learn.microsoft.com/azure/templates/microsoft.insights/metricalerts?pivots=deployment-language-bicep
resource deadLetterAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = if (!empty(actionGroupId)) {
  name: '${eventSubscriptionName}-dead-lettered-${uniqueString(topic.id)}'
  location: 'global'
  properties: {
    description: 'Events to workload-identity-monitor were dead-lettered (${eventSubscriptionName}): the monitor did not see them. Replay them (docs/operations.md) and run a reconcile.'
    severity: 2
    enabled: true
    scopes: [topic.id]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'dead-lettered'
          metricName: 'DeadLetteredCount'
          timeAggregation: 'Total'
          operator: 'GreaterThan'
          threshold: 0
        }
      ]
    }
    autoMitigate: true
    actions: [{ actionGroupId: actionGroupId }]
  }
}

output topicPrincipalId string = createSystemTopic ? newTopic!.identity.principalId : ''
