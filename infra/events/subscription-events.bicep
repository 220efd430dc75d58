// Role assignment and managed-identity federated credential changes in one monitored
// subscription → the monitor's `events` function. Deployed by infra/hooks/postdeploy.sh into
// that subscription, after the code (Event Grid validates a function endpoint on creation).
// A subscription can have only one system topic: pass the existing one's name, or create it.
param systemTopicName string
param createSystemTopic bool
param functionAppId string
param deadLetterStorageAccountId string
param deadLetterContainer string

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
  name: 'wimon-identity-changes'
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

output topicPrincipalId string = createSystemTopic ? newTopic!.identity.principalId : ''
