#!/bin/sh
# Grants the monitor's identity the Microsoft Graph application permission Application.Read.All,
# for deployments with grantGraphPermission=false (no Graph Bicep extension). Run as someone who
# may grant app roles (Privileged Role Administrator, or Global Administrator).
set -eu
: "${WIMON_PRINCIPAL_ID:?the monitor's principal id (azd env get-values)}"
graph=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query id -o tsv)
az rest --method POST --url "https://graph.microsoft.com/v1.0/servicePrincipals/$WIMON_PRINCIPAL_ID/appRoleAssignments" \
  --body "{\"principalId\":\"$WIMON_PRINCIPAL_ID\",\"resourceId\":\"$graph\",\"appRoleId\":\"9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30\"}"
