/** What the commands that take a baseline share: reading the file, the stored baseline, the actor. */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBaseline } from '../baseline/parse';
import { BaselineStore } from '../baseline/store';
import type { Baseline } from '../baseline/schema';
import { loadSettings } from '../config/settings';
import { openServices } from '../app/services';
import { UsageError } from '../errors';
import type { CliIo } from './io';

export function readBaselineFile(file: string, io: CliIo, now: Date): Baseline {
  const full = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read baseline file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseBaseline(text, file, now);
}

/** The stored baseline lives in the configured Table Storage only: an in-memory one would be lost. */
export function openStore(io: CliIo): BaselineStore {
  return new BaselineStore(openServices(loadSettings(io.env)).tables);
}

export function actorFrom(io: CliIo, explicit?: string): string {
  if (explicit) return explicit;
  if (io.env.WIMON_ACTOR) return io.env.WIMON_ACTOR;
  return `${os.userInfo().username}@${os.hostname()}`;
}
