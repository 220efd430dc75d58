// Secret and certificate expiry events of one Key Vault → the monitor's `events` function.
// Deployed by infra/hooks/postdeploy.sh for each vault in WIMON_KEYVAULT_IDS (optional).
param vaultName string
param systemTopicName string
param createSystemTopic bool
param functionAppId string
param deadLetterStorageAccountId string
param deadLetterContainer string

// API reference: https://learn.microsoft.com/azure/templates/microsoft.keyvault/vaults?pivots=deployment-language-bicep
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

// API reference: https://learn.microsoft.com/azure/templates/microsoft.eventgrid/systemtopics?pivots=deployment-language-bicep
resource newTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (createSystemTopic) {
  name: systemTopicName
  location: resourceGroup().location
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
  name: 'wimon-expiry'
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

output topicPrincipalId string = createSystemTopic ? newTopic!.identity.principalId : ''
