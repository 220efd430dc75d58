#!/bin/sh
# Grants the monitor's identity the Microsoft Graph application permissions Application.Read.All
# (inventory) and User.Read.All (owner accounts and managers for the notice chain),
# for deployments with grantGraphPermission=false (no Graph Bicep extension). Run as someone who
# may grant app roles (Privileged Role Administrator, or Global Administrator).
set -eu
: "${WIMON_PRINCIPAL_ID:?the monitor's principal id (azd env get-values)}"
graph=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query id -o tsv)
for role in 9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30 df021288-bdef-4463-88db-98f22de89214; do
  az rest --method POST --url "https://graph.microsoft.com/v1.0/servicePrincipals/$WIMON_PRINCIPAL_ID/appRoleAssignments" \
    --body "{\"principalId\":\"$WIMON_PRINCIPAL_ID\",\"resourceId\":\"$graph\",\"appRoleId\":\"$role\"}"
done
