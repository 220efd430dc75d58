import { describe, expect, it } from 'vitest';
import { lowerShared, StringPool } from '../../shared/model/shared-strings';

describe('shared strings', () => {
  it('lowerShared lower-cases, the same for every spelling and on every call', () => {
    expect(lowerShared('Storage Blob Data Reader')).toBe('storage blob data reader');
    expect(lowerShared('STORAGE blob DATA reader')).toBe('storage blob data reader');
    expect(lowerShared('Storage Blob Data Reader')).toBe('storage blob data reader');
    expect(lowerShared('reader')).toBe('reader');
  });

  it('a string pool gives back the value it was given, each spelling as it is', () => {
    const pool = new StringPool();
    const scope = ['/subscriptions/', '11111111-1111-4111-8111-111111111111'].join('');
    expect(pool.share(scope)).toBe('/subscriptions/11111111-1111-4111-8111-111111111111');
    expect(pool.share(scope.toUpperCase())).toBe('/SUBSCRIPTIONS/11111111-1111-4111-8111-111111111111');
  });
});
