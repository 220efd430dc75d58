/**
 * Columns of the two Entra sign-in tables the dormancy query reads, as Microsoft publishes them:
 *   https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadserviceprincipalsigninlogs
 *   https://learn.microsoft.com/azure/azure-monitor/reference/tables/aadmanagedidentitysigninlogs
 *   (MicrosoftDocs/azure-reference-other azure-monitor-ref/tables/includes/*-include.md, 2024-07-30)
 * Both tables have the same columns. The hidden `_BilledSize`/`_IsBillable` columns are left out:
 * queries do not return them unless asked. The emulator refuses fixture records with other
 * columns, so a fixture cannot drift from the real schema.
 */
export type KustoType = 'string' | 'datetime' | 'long' | 'real' | 'dynamic' | 'bool';

const SIGN_IN_COLUMNS: Readonly<Record<string, KustoType>> = {
  AppId: 'string',
  AuthenticationContextClassReferences: 'string',
  AuthenticationProcessingDetails: 'string',
  Category: 'string',
  ConditionalAccessPolicies: 'string',
  ConditionalAccessStatus: 'string',
  CorrelationId: 'string',
  DurationMs: 'long',
  FederatedCredentialId: 'string',
  Id: 'string',
  Identity: 'string',
  IPAddress: 'string',
  Level: 'string',
  Location: 'string',
  LocationDetails: 'string',
  OperationName: 'string',
  OperationVersion: 'string',
  ResourceDisplayName: 'string',
  ResourceGroup: 'string',
  ResourceIdentity: 'string',
  ResourceServicePrincipalId: 'string',
  ResultDescription: 'string',
  ResultSignature: 'string',
  /** A string: "0" is success, anything else an Entra error code (e.g. "7000215"). */
  ResultType: 'string',
  ServicePrincipalCredentialKeyId: 'string',
  ServicePrincipalCredentialThumbprint: 'string',
  ServicePrincipalId: 'string',
  ServicePrincipalName: 'string',
  SourceSystem: 'string',
  TenantId: 'string',
  TimeGenerated: 'datetime',
  Type: 'string',
  UniqueTokenIdentifier: 'string',
};

export const SIGN_IN_TABLES: Readonly<Record<string, Readonly<Record<string, KustoType>>>> = {
  AADServicePrincipalSignInLogs: SIGN_IN_COLUMNS,
  AADManagedIdentitySignInLogs: SIGN_IN_COLUMNS,
};
