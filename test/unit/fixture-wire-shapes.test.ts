import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTOSO } from '../support/sample';

/*
 * The contoso fixture must carry the same fields as real responses, not just the ones we read,
 * so parsing is exercised against realistic bodies (extra properties, nulls). The key lists
 * below are those of Microsoft's published examples / recorded responses named in
 * examples/contoso/README.md.
 */
const PROD = '11111111-1111-4111-8111-111111111111';
const first = (rel: string) =>
  (JSON.parse(readFileSync(path.join(CONTOSO, rel), 'utf8')) as { value: Array<Record<string, unknown>> })
    .value[0]!;
const keys = (o: unknown) => Object.keys(o as object).sort();

describe('contoso fixture bodies are shaped field-for-field on real responses', () => {
  it('ARM role assignment (api-version 2022-04-01, as recorded)', () => {
    const a = first(`arm/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments.json`);
    expect(keys(a)).toEqual(['id', 'name', 'properties', 'type']);
    expect(keys(a.properties)).toEqual(
      [
        'condition',
        'conditionVersion',
        'createdBy',
        'createdOn',
        'delegatedManagedIdentityResourceId',
        'description',
        'principalId',
        'principalType',
        'roleDefinitionId',
        'scope',
        'updatedBy',
        'updatedOn',
      ].sort(),
    );
  });

  it('ARM role definition (recorded Owner definition)', () => {
    const d = first('arm/providers/Microsoft.Authorization/roleDefinitions.json');
    expect(keys(d)).toEqual(['id', 'name', 'properties', 'type']);
    expect(keys(d.properties)).toEqual([
      'assignableScopes',
      'createdBy',
      'createdOn',
      'description',
      'permissions',
      'roleName',
      'type',
      'updatedBy',
      'updatedOn',
    ]);
  });

  it('ARM user-assigned identity and its federated credential (2026-05-31 spec examples)', () => {
    const u = first(
      `arm/subscriptions/${PROD}/providers/Microsoft.ManagedIdentity/userAssignedIdentities.json`,
    );
    expect(keys(u)).toEqual(['id', 'location', 'name', 'properties', 'tags', 'type']);
    expect(keys(u.properties)).toEqual([
      'assignmentRestrictions',
      'clientId',
      'isolationScope',
      'principalId',
      'tenantId',
    ]);
    const f = first(
      `arm/subscriptions/${PROD}/resourceGroups/rg-pay/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-payments-api/federatedIdentityCredentials.json`,
    );
    expect(keys(f)).toEqual(['id', 'name', 'properties', 'type']);
    expect(keys(f.properties)).toEqual(['audiences', 'issuer', 'subject']);
  });

  it('Graph application, service principal, owner, federated credential and app role assignment', () => {
    const app = first('graph/v1.0/applications.json');
    expect(keys(app)).toEqual(
      [
        'addIns',
        'api',
        'appId',
        'appRoles',
        'applicationTemplateId',
        'certification',
        'createdDateTime',
        'defaultRedirectUri',
        'deletedDateTime',
        'description',
        'disabledByMicrosoftStatus',
        'displayName',
        'groupMembershipClaims',
        'id',
        'identifierUris',
        'info',
        'isDeviceOnlyAuthSupported',
        'isFallbackPublicClient',
        'keyCredentials',
        'notes',
        'optionalClaims',
        'parentalControlSettings',
        'passwordCredentials',
        'publicClient',
        'publisherDomain',
        'requiredResourceAccess',
        'serviceManagementReference',
        'signInAudience',
        'spa',
        'tags',
        'tokenEncryptionKeyId',
        'verifiedPublisher',
        'web',
      ].sort(),
    );
    const sp = first('graph/v1.0/servicePrincipals.json');
    expect(keys(sp)).toEqual(
      [
        'accountEnabled',
        'addIns',
        'alternativeNames',
        'appDescription',
        'appDisplayName',
        'appId',
        'appOwnerOrganizationId',
        'appRoleAssignmentRequired',
        'appRoles',
        'applicationTemplateId',
        'createdDateTime',
        'deletedDateTime',
        'description',
        'disabledByMicrosoftStatus',
        'displayName',
        'homepage',
        'id',
        'info',
        'keyCredentials',
        'loginUrl',
        'logoutUrl',
        'notes',
        'notificationEmailAddresses',
        'oauth2PermissionScopes',
        'passwordCredentials',
        'preferredSingleSignOnMode',
        'preferredTokenSigningKeyThumbprint',
        'replyUrls',
        'resourceSpecificApplicationPermissions',
        'samlSingleSignOnSettings',
        'servicePrincipalNames',
        'servicePrincipalType',
        'signInAudience',
        'tags',
        'tokenEncryptionKeyId',
        'verifiedPublisher',
      ].sort(),
    );
    const owner = first('graph/v1.0/applications/30000000-0000-4000-8000-000000000002/owners.json');
    expect(keys(owner)).toEqual([
      '@odata.type',
      'businessPhones',
      'displayName',
      'givenName',
      'id',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
    ]);
    const fic = first(
      'graph/v1.0/applications/30000000-0000-4000-8000-000000000002/federatedIdentityCredentials.json',
    );
    expect(keys(fic)).toEqual(['audiences', 'description', 'id', 'issuer', 'name', 'subject']);
    const grant = first(
      'graph/v1.0/servicePrincipals/10000000-0000-4000-8000-000000000011/appRoleAssignments.json',
    );
    expect(keys(grant)).toEqual([
      'appRoleId',
      'createdDateTime',
      'deletedDateTime',
      'id',
      'principalDisplayName',
      'principalId',
      'principalType',
      'resourceDisplayName',
      'resourceId',
    ]);
  });
});
