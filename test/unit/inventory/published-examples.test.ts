/** Microsoft's published payloads parse through the readers that handle them (test/fixtures/published/SOURCES.md). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { armFederatedCredential } from '../../../shared/inventory/arm-reader';
import { graphFederatedCredential } from '../../../shared/inventory/graph-reader';
import { ROOT } from '../../support/sample';

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
