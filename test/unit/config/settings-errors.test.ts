import { describe, expect, it } from 'vitest';
import { ConfigurationError, exitCodeOf, EXIT } from '../../../shared/errors';
import { loadSettings, SETTING_EXAMPLES, settingsSchema } from '../../../shared/config/settings';

describe('configuration errors: the setting, what was expected, an example; exit 2', () => {
  it('every setting has an example, and each example is a valid value of it', () => {
    expect(Object.keys(SETTING_EXAMPLES).sort()).toEqual(Object.keys(settingsSchema.shape).sort());
    for (const [name, example] of Object.entries(SETTING_EXAMPLES)) {
      if (example.startsWith('<') || example.includes('<')) continue; // a placeholder for a secret
      expect(() => loadSettings({ [name]: example }), `${name}=${example}`).not.toThrow();
    }
  });

  it.each([
    [
      'WIMON_SUBSCRIPTIONS',
      'abc',
      /^invalid configuration: WIMON_SUBSCRIPTIONS must be comma-separated subscription ids \(it is 'abc'\); for example WIMON_SUBSCRIPTIONS=11111111-/,
    ],
    [
      'WIMON_EMAIL_PER_MINUTE',
      'lots',
      /^invalid configuration: WIMON_EMAIL_PER_MINUTE must be a number \(it is 'lots'\); for example WIMON_EMAIL_PER_MINUTE=5$/,
    ],
    [
      'WIMON_PORTAL_ENDPOINT',
      'portal',
      /^invalid configuration: WIMON_PORTAL_ENDPOINT must be a URL \(it is 'portal'\); for example WIMON_PORTAL_ENDPOINT=https:\/\/portal\.azure\.com$/,
    ],
    [
      'WIMON_RESOLVED_RETENTION_DAYS',
      '0',
      /WIMON_RESOLVED_RETENTION_DAYS must be at least 1 \(it is '0'\); for example WIMON_RESOLVED_RETENTION_DAYS=90/,
    ],
  ])('%s=%s', (name, value, message) => {
    let error: unknown;
    try {
      loadSettings({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
    expect(exitCodeOf(error)).toBe(EXIT.usage);
  });

  it('a secret setting is named but its value never repeated', () => {
    for (const [name, value] of [
      ['WIMON_ATTESTATION_KEY', 'short-secret-value'],
      ['WIMON_TEAMS_WEBHOOK_URL', 'http://example.test/hook?sig=SECRETSIG'],
    ] as const) {
      const message = (() => {
        try {
          loadSettings({ [name]: value });
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })();
      expect(message).toContain(name);
      expect(message).not.toContain(value);
      expect(message).not.toContain('SECRETSIG');
    }
  });
});

describe('booleans', () => {
  it.each([
    ['true', true],
    ['True', true],
    [' TRUE ', true],
    ['false', false],
    ['False', false],
  ])('WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS=%j reads as %s', (value, expected) => {
    expect(
      loadSettings({ WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: value })
        .WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS,
    ).toBe(expected);
  });
  it('anything else is refused with the setting named', () => {
    expect(() => loadSettings({ WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS: 'yes' })).toThrow(
      /WIMON_CHECK_MANAGED_IDENTITY_ATTACHMENTS must be true or false \(it is 'yes'\)/,
    );
  });
});
