/** Wiring shared by the function handlers: settings and storage, built once per worker. */
import { loadSettings, type Settings } from '../config/settings';
import { Tables } from '../storage/tables';
import { createCredential } from '../azure/credential';

let cached: { settings: Settings; tables: Tables } | undefined;

export function runtime(): { settings: Settings; tables: Tables } {
  if (!cached) {
    const settings = loadSettings();
    cached = { settings, tables: Tables.fromSettings(settings, () => createCredential(settings)) };
  }
  return cached;
}
