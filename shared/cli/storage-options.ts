import { loadSettings } from '../config/settings';
import { createCredential } from '../azure/credential';
import { Tables } from '../storage/tables';
import { startAzurite } from '../../emulator/azurite';
import type { CliIo } from './io';

export interface OpenedTables {
  tables: Tables;
  /** True when no storage was configured and an in-memory Azurite holds this command's data. */
  ephemeral: boolean;
  close(): Promise<void>;
}

/** Configured Table Storage, or (for trying things out) an in-memory Azurite that lives as long as the command. */
export async function openTables(io: CliIo): Promise<OpenedTables> {
  const settings = loadSettings(io.env);
  if (settings.WIMON_STORAGE_CONNECTION_STRING || settings.WIMON_TABLE_ENDPOINT) {
    return {
      tables: Tables.fromSettings(settings, () => createCredential(settings)),
      ephemeral: false,
      close: async () => undefined,
    };
  }
  const azurite = await startAzurite();
  return {
    tables: new Tables({ connectionString: azurite.connectionString, prefix: settings.WIMON_TABLE_PREFIX }),
    ephemeral: true,
    close: () => azurite.stop(),
  };
}
