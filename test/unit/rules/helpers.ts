/** Helpers the rule tests share: how findings are listed, dates, credentials. */
import type { evaluate } from '../../../shared/rules/evaluate';
import { NOW, PROD } from './builders';

export const RG = `${PROD}/resourceGroups/rg`;
export const ids = (list: ReturnType<typeof evaluate>) => list.map((c) => `${c.ruleId}@${c.target}`).sort();
export const rules = (list: ReturnType<typeof evaluate>) => list.map((c) => c.ruleId).sort();
export const iso = (daysFromNow: number) => new Date(NOW.getTime() + daysFromNow * 86_400_000).toISOString();
export const secret = (start: string, end: string, keyId = 'k1') => ({
  keyId,
  type: 'secret' as const,
  displayName: 'deploy-key',
  hint: 'abc',
  start,
  end,
  on: 'application' as const,
});
export const cert = (start: string, end: string, keyId = 'k1') => ({
  ...secret(start, end, keyId),
  type: 'certificate' as const,
  hint: null,
});
