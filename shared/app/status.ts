/** What `GET /api/status` reports: which baseline is in force, so operators can check a deployment at a glance. */
import { BaselineStore } from '../baseline/store';
import type { Tables } from '../storage/tables';

export interface MonitorStatus {
  baseline: {
    sequence: number;
    contentHash: string;
    appliedAt: string;
    appliedBy: string;
    identities: number;
  } | null;
}

export async function monitorStatus(tables: Tables): Promise<MonitorStatus> {
  const current = await new BaselineStore(tables).current();
  return {
    baseline: current
      ? {
          sequence: current.sequence,
          contentHash: current.contentHash,
          appliedAt: current.appliedAt,
          appliedBy: current.appliedBy,
          identities: current.baseline.identities.length,
        }
      : null,
  };
}
