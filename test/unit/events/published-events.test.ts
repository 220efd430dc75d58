/**
 * Microsoft's published and captured events (test/fixtures/events, sources in its SOURCES.md),
 * verbatim — placeholders and all — through the event parser: each is read as the event it is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventsOf, parseEvent } from '../../../shared/events/incoming-event';
import { ROOT } from '../../support/sample';

const FOLDER = path.join(ROOT, 'test', 'fixtures', 'events');
const files = readdirSync(FOLDER).filter((f) => f.endsWith('.json'));

describe('the published-events corpus parses completely', () => {
  it('covers both schemas for both sources', () => {
    const sources = readFileSync(path.join(FOLDER, 'SOURCES.md'), 'utf8');
    for (const f of files) expect(sources).toContain(`\`${f}\``);
    for (const kind of [
      'eventgrid-schema-subscription',
      'cloudevents-schema',
      'keyvault-.*eventgrid-schema',
      'keyvault-.*cloudevents-schema',
    ])
      expect(files.some((f) => new RegExp(`^${kind}`).test(f))).toBe(true);
  });

  /** Samples whose values were redacted by their author: only the redacted value may be refused. */
  const REDACTED: Record<string, RegExp> = {
    // Its reporter replaced the vault URL by "<redacted>"; PascalCase keys and null NBF/EXP still read.
    'keyvault-SecretNewVersionCreated-eventgrid-schema-captured-null-nbf-exp.json':
      /^Microsoft\.KeyVault\.SecretNewVersionCreated without the expected data: id: Invalid URL$/,
  };

  it.each(files)('%s', (file) => {
    const body = JSON.parse(readFileSync(path.join(FOLDER, file), 'utf8')) as unknown;
    const parsed = eventsOf(body).map((raw) => parseEvent(raw, { keyVaultDnsSuffix: 'vault.azure.net' }));
    expect(parsed.length).toBeGreaterThan(0);
    for (const p of parsed) {
      if (REDACTED[file]) {
        expect(p.ok ? 'read' : p.reason).toMatch(REDACTED[file]!);
        continue;
      }
      // Read as what it is: a handled event, or one the handler says it ignores (not a malformed one).
      if (!p.ok) expect({ reason: p.reason, ignored: p.ignored }).toMatchObject({ ignored: true });
      else expect(p.event.kind).toBe(file.startsWith('keyvault-') ? 'keyVault' : 'resource');
    }
  });
});
