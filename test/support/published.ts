/** Microsoft's published payloads (test/fixtures/published/, sources in its SOURCES.md). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './sample';

const FOLDER = path.join(ROOT, 'test', 'fixtures', 'published');

export function published<T = unknown>(file: string): T {
  return JSON.parse(readFileSync(path.join(FOLDER, file), 'utf8')) as T;
}

export const publishedFiles = (): string[] => readdirSync(FOLDER).filter((f) => f.endsWith('.json'));

export const publishedSources = (): string => readFileSync(path.join(FOLDER, 'SOURCES.md'), 'utf8');

/**
 * Payloads whose reader takes them from an SDK client, not as parsed JSON: they are replayed
 * through the emulator and the real client (test/integration/published-replay.test.ts).
 */
export const REPLAYED_THROUGH_SDK = [
  'arm-roledefinition-get-by-id-2022-04-01-response.json',
  'loganalytics-query-response-v1-spec.json',
  'loganalytics-query-partialerror-assembled.json',
  'loganalytics-query-400-syntax-error-doc.json',
  'resourcegraph-resources-basic-query-2021-03-01-response.json',
] as const;
