import { readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CONTOSO = path.join(ROOT, 'examples', 'contoso');
export const SAMPLE_BASELINE_PATH = path.join(CONTOSO, 'baseline.yaml');
export const sampleBaselineText = (): string => readFileSync(SAMPLE_BASELINE_PATH, 'utf8');
/** The date the contoso sample was written for (its fixture's recording time). */
export const SAMPLE_NOW = new Date('2026-11-22T09:00:00Z');

const ORIGIN = performance.now();
/**
 * A clock that starts at the sample's date when the test process starts and moves on with real
 * (monotonic) time: runs are dated as of the sample, never today, and two runs one after the other
 * still have different times (what orders the latest run, first and last seen).
 */
export const sampleClock = (): Date =>
  new Date(SAMPLE_NOW.getTime() + Math.floor(performance.now() - ORIGIN));

/** Replaces exactly one occurrence, so a test notices when the sample changes under it. */
export function replaceOnce(text: string, find: string, replacement: string): string {
  const first = text.indexOf(find);
  if (first < 0 || text.indexOf(find, first + 1) >= 0)
    throw new Error(`expected exactly one '${find}' in the sample`);
  return text.slice(0, first) + replacement + text.slice(first + find.length);
}

/** 1-based line and column of the first occurrence of `needle` (after `after`, if given). */
export function positionOf(text: string, needle: string, after = ''): { line: number; col: number } {
  const start = after ? text.indexOf(after) : 0;
  const index = text.indexOf(needle, start < 0 ? 0 : start);
  if (index < 0) throw new Error(`'${needle}' not found`);
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}
