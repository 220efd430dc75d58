/** Microsoft's published payloads parse through the readers that handle them (test/fixtures/published/SOURCES.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ARM_WIRE, armFederatedCredential } from '../../../shared/inventory/arm-reader';
import { GRAPH_WIRE, graphFederatedCredential } from '../../../shared/inventory/graph-reader';
import { federatedCredentialWireSchema } from '../../../shared/inventory/federated-credential-schema';
import { OWNER_ACCOUNT_WIRE } from '../../../shared/notify/owner-accounts';
import { ROOT } from '../../support/sample';
import { publishedFiles, publishedSources, REPLAYED_THROUGH_SDK } from '../../support/published';

const published = (file: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'published', file), 'utf8')) as {
    value: unknown[];
  };

describe('published federated identity credential payloads', () => {
  it('ARM 2026-05-31 list: a classic and a flexible credential', () => {
    const [classic, flexible] = published(
      'arm-uami-federatedIdentityCredentials-list-2026-05-31.json',
    ).value.map(armFederatedCredential);
    expect(classic).toMatchObject({
      name: 'ficResourceName',
      subject: 'system:serviceaccount:ns:svcaccount',
      claimsMatchingExpression: null,
      on: 'managedIdentity',
    });
    expect(flexible).toMatchObject({
      name: 'flexibleFicResourceName',
      issuer: 'https://oidc.prod-aks.azure.com/TenantGUID/IssuerGUID',
      subject: null,
      claimsMatchingExpression: {
        languageVersion: 1,
        value: "claims['sub'] matches system:serviceaccount:ns:*",
      },
      audiences: ['api://AzureADTokenExchange'],
    });
  });

  it('Graph lists: a recorded classic credential and a flexible one (subject null)', () => {
    const [recorded] = published('graph-application-federatedIdentityCredentials-list.json').value.map(
      graphFederatedCredential,
    );
    expect(recorded).toMatchObject({
      name: 'Testing',
      subject: 'repo:octo-org/octo-repo:environment:Production',
      claimsMatchingExpression: null,
      on: 'application',
    });
    const [flexible] = published(
      'graph-application-federatedIdentityCredentials-list-flexible.json',
    ).value.map(graphFederatedCredential);
    expect(flexible).toMatchObject({
      subject: null,
      claimsMatchingExpression: {
        value: "claims['sub'] matches 'project_path:mygroup/myproject:ref_type:branch:ref:*'",
        languageVersion: 1,
      },
      audiences: ['https://gitlab.example.com'],
    });
  });

  it('what the rules need is still required: a credential without an issuer is refused', () => {
    const [raw] = published('arm-uami-federatedIdentityCredentials-list-2026-05-31.json').value as Array<{
      properties: Record<string, unknown>;
    }>;
    expect(() =>
      armFederatedCredential({ ...raw, properties: { ...raw!.properties, issuer: undefined } }),
    ).toThrow();
  });
});

/**
 * Every published list or object in the corpus, fed through the wire schema of the reader that
 * handles it: none may be rejected (a rejected item would be quarantined in a real run).
 */
describe('the published-examples corpus parses completely', () => {
  const list = (file: string) => published(file).value;
  const one = (file: string) => [
    JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'published', file), 'utf8')),
  ];
  const CORPUS: [string, unknown[], z.ZodType][] = [
    [
      'arm-roleassignments-list-subscription-recorded-2018-09-01-preview.json',
      list('arm-roleassignments-list-subscription-recorded-2018-09-01-preview.json'),
      ARM_WIRE.roleAssignment,
    ],
    [
      'arm-roleassignments-list-atscope-assignedto-response.json',
      list('arm-roleassignments-list-atscope-assignedto-response.json'),
      ARM_WIRE.roleAssignment,
    ],
    [
      'arm-roleassignments-list-for-resourcegroup-response.json',
      list('arm-roleassignments-list-for-resourcegroup-response.json'),
      ARM_WIRE.roleAssignment,
    ],
    [
      'arm-uami-get-2026-05-31-response.json',
      one('arm-uami-get-2026-05-31-response.json'),
      ARM_WIRE.userAssignedIdentity,
    ],
    [
      'arm-uami-federatedIdentityCredentials-list-stable-2026-05-31-response.json',
      list('arm-uami-federatedIdentityCredentials-list-stable-2026-05-31-response.json'),
      ARM_WIRE.federatedCredential,
    ],
    [
      'arm-uami-federatedIdentityCredentials-list-2026-05-31.json',
      list('arm-uami-federatedIdentityCredentials-list-2026-05-31.json'),
      ARM_WIRE.federatedCredential,
    ],
    [
      'graph-servicePrincipal-list-filter-recorded.json',
      list('graph-servicePrincipal-list-filter-recorded.json'),
      GRAPH_WIRE.servicePrincipal,
    ],
    [
      'graph-servicePrincipal-managedIdentity-userAssigned-captured.json',
      one('graph-servicePrincipal-managedIdentity-userAssigned-captured.json'),
      GRAPH_WIRE.servicePrincipal,
    ],
    [
      'graph-application-list-filter-appId-recorded.json',
      list('graph-application-list-filter-appId-recorded.json'),
      GRAPH_WIRE.application,
    ],
    [
      'graph-application-get-with-passwordCredentials-recorded.json',
      one('graph-application-get-with-passwordCredentials-recorded.json'),
      GRAPH_WIRE.application,
    ],
    [
      'graph-application-owners-list-recorded.json',
      list('graph-application-owners-list-recorded.json'),
      GRAPH_WIRE.owner,
    ],
    [
      'graph-servicePrincipal-owners-empty-recorded.json',
      list('graph-servicePrincipal-owners-empty-recorded.json'),
      GRAPH_WIRE.owner,
    ],
    [
      'graph-servicePrincipal-owners-list-doc.json',
      list('graph-servicePrincipal-owners-list-doc.json'),
      GRAPH_WIRE.owner,
    ],
    [
      'graph-application-owners-list-user-and-servicePrincipal-assembled.json',
      list('graph-application-owners-list-user-and-servicePrincipal-assembled.json'),
      GRAPH_WIRE.owner,
    ],
    [
      'graph-servicePrincipal-appRoleAssignments-list-doc.json',
      list('graph-servicePrincipal-appRoleAssignments-list-doc.json'),
      GRAPH_WIRE.appRoleAssignment,
    ],
    ['graph-user-manager-get-doc.json', one('graph-user-manager-get-doc.json'), OWNER_ACCOUNT_WIRE.user],
    [
      'graph-servicePrincipal-saml-token-signing-assembled.json',
      one('graph-servicePrincipal-saml-token-signing-assembled.json'),
      GRAPH_WIRE.servicePrincipal,
    ],
    [
      'graph-application-federatedIdentityCredentials-list.json',
      list('graph-application-federatedIdentityCredentials-list.json'),
      federatedCredentialWireSchema,
    ],
    [
      'graph-application-federatedIdentityCredentials-list-flexible.json',
      list('graph-application-federatedIdentityCredentials-list-flexible.json'),
      federatedCredentialWireSchema,
    ],
  ];
  it.each(CORPUS)('%s', (_file, items, schema) => {
    const rejected = items
      .map((item, i) => [i, schema.safeParse(item)] as const)
      .filter(([, r]) => !r.success)
      .map(
        ([i, r]) =>
          `item ${i}: ${r.error?.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    expect(rejected).toEqual([]);
  });
  it('the corpus is what SOURCES.md lists, and every file in the folder is checked by this test or the replay test', () => {
    const sources = publishedSources();
    const checked = [...CORPUS.map(([file]) => file), ...REPLAYED_THROUGH_SDK];
    expect([...checked].sort()).toEqual(publishedFiles().sort());
    for (const file of checked) expect(sources).toContain(`\`${file}\``);
  });

  it('a service principal whose app role lacks an id or member types is still read (the role only names a permission)', () => {
    const sp = {
      id: '0f000000-0000-4000-8000-000000000009',
      appId: '00000003-0000-0000-c000-000000000000',
      appRoles: [
        { value: 'User.Read.All' },
        { id: 'df021288-bdef-4463-88db-98f22de89214', allowedMemberTypes: null },
      ],
    };
    expect(GRAPH_WIRE.servicePrincipal.safeParse(sp).success).toBe(true);
    expect(GRAPH_WIRE.servicePrincipal.safeParse({ ...sp, appRoles: [{ id: 7 }] }).success).toBe(false);
  });
});
