// Role assignment and managed-identity federated credential changes in one monitored
// subscription → the monitor's `events` function. Deployed by infra/hooks/postdeploy.mjs into
// that subscription, after the code (Event Grid validates a function endpoint on creation).
// A subscription can have only one system topic: pass the existing one's name, or create it.
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

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics?pivots=deployment-language-bicep
resource newTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (createSystemTopic) {
  name: systemTopicName
  location: 'global'
  identity: { type: 'SystemAssigned' }
  properties: {
    source: subscription().id
    topicType: 'Microsoft.Resources.Subscriptions'
  }
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics?pivots=deployment-language-bicep
resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' existing = {
  name: systemTopicName
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics/eventsubscriptions?pivots=deployment-language-bicep
resource identityChanges 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
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
        'Microsoft.Resources.ResourceWriteSuccess'
        'Microsoft.Resources.ResourceDeleteSuccess'
      ]
      advancedFilters: [
        {
          operatorType: 'StringIn'
          key: 'data.operationName'
          values: [
            'Microsoft.Authorization/roleAssignments/write'
            'Microsoft.Authorization/roleAssignments/delete'
            'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write'
            'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete'
          ]
        }
      ]
    }
    // Event Grid's default retry window, stated: 30 attempts over 24 hours, then dead-letter.
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 }
    // Shared keys are off: the topic writes dead letters with its own identity (the hook grants it
    // Storage Blob Data Contributor on this container only).
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
