import path from 'node:path';
import { connectToAzure, connectToFixture, type TenantConnection } from '../app/tenant';
import { loadSettings } from '../config/settings';
import type { CliIo } from './io';

export interface TenantOptions {
  fixture?: string;
}

export const FIXTURE_HELP =
  'read a recorded tenant from this fixture folder through the local emulator instead of Azure';

export async function openTenant(opts: TenantOptions, io: CliIo): Promise<TenantConnection> {
  if (opts.fixture) return connectToFixture(path.resolve(io.cwd, opts.fixture));
  return connectToAzure(loadSettings(io.env));
}
