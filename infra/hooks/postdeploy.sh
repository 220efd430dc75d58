#!/bin/sh
# azd postdeploy: runs once the function code is deployed, because Event Grid validates a
# function endpoint when an event subscription is created.
# For each monitored subscription: reuse its system topic if it has one (a subscription can have
# only one), otherwise create one; subscribe the `events` function to role assignment and
# federated credential changes; let the topic's identity write dead letters to the monitor's
# dead-letter container (that container only). Then the same for each vault in WIMON_KEYVAULT_IDS.
# Finally write starter-baseline.yaml with the monitor's own identity in it.
# Reads azd outputs from the environment (azd exports them to hooks).
set -eu

: "${WIMON_FUNCTION_APP_ID:?run through azd (azd up / azd deploy)}"
: "${WIMON_MONITORED_SUBSCRIPTIONS:?}"
: "${WIMON_STORAGE_ACCOUNT_ID:?}"
: "${WIMON_DEADLETTER_CONTAINER:?}"
here=$(dirname "$0")
container_scope="$WIMON_STORAGE_ACCOUNT_ID/blobServices/default/containers/$WIMON_DEADLETTER_CONTAINER"

grant_dead_letter() { # $1: topic principal id
  [ -n "$1" ] || return 0
  az role assignment create --assignee-object-id "$1" --assignee-principal-type ServicePrincipal \
    --role "Storage Blob Data Contributor" --scope "$container_scope" --only-show-errors >/dev/null
}

subscribe() { # $1 subscription id, $2 source resource id, $3 topic type, $4 template, $5 extra parameters
  existing=$(az eventgrid system-topic list --subscription "$1" \
    --query "[?topicType=='$3' && source=='$2'] | [0].[name, resourceGroup]" -o tsv)
  if [ -n "$existing" ]; then
    topic=$(echo "$existing" | cut -f1); group=$(echo "$existing" | cut -f2); create=false
    # an existing topic needs an identity to dead-letter without storage keys
    az eventgrid system-topic update --subscription "$1" -g "$group" -n "$topic" --identity systemassigned --only-show-errors >/dev/null
    principal=$(az eventgrid system-topic show --subscription "$1" -g "$group" -n "$topic" --query identity.principalId -o tsv)
  else
    group=$5; topic="wimon-$(echo "$2" | md5sum | cut -c1-8)"; create=true; principal=""
    az group create --subscription "$1" -n "$group" -l "$AZURE_LOCATION" --only-show-errors >/dev/null
  fi
  out=$(az deployment group create --subscription "$1" -g "$group" --template-file "$4" \
    --parameters systemTopicName="$topic" createSystemTopic=$create functionAppId="$WIMON_FUNCTION_APP_ID" \
    deadLetterStorageAccountId="$WIMON_STORAGE_ACCOUNT_ID" deadLetterContainer="$WIMON_DEADLETTER_CONTAINER" $6 \
    --query properties.outputs.topicPrincipalId.value -o tsv)
  grant_dead_letter "${principal:-$out}"
  echo "subscribed $2 through system topic $topic ($group)"
}

for sub in $(echo "$WIMON_MONITORED_SUBSCRIPTIONS" | tr ',' ' '); do
  subscribe "$sub" "/subscriptions/$sub" "Microsoft.Resources.Subscriptions" \
    "$here/../events/subscription-events.bicep" "rg-wimon-events" ""
done

for vault in $(echo "${WIMON_KEYVAULT_IDS:-}" | tr ',' ' '); do
  vsub=$(echo "$vault" | cut -d/ -f3); vgroup=$(echo "$vault" | cut -d/ -f5); vname=$(echo "$vault" | cut -d/ -f9)
  subscribe "$vsub" "$vault" "Microsoft.KeyVault.vaults" "$here/../events/keyvault-events.bicep" "$vgroup" "vaultName=$vname"
done

node "$here/../../bin/wimon.js" baseline starter --out starter-baseline.yaml
echo "wrote starter-baseline.yaml: the monitor's own identity is in it; add your identities (wimon baseline export helps), then wimon baseline apply"
