import { app, type InvocationContext, type Timer } from '@azure/functions';
import { deltaSweep } from '../shared/app/delta-sweep';
import { runtime } from '../shared/app/runtime';

export async function deltaSweepTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { tables, tenant, publish } = runtime();
  const r = await deltaSweep({ tables, tenant: tenant(), evaluateAt: new Date(), publish });
  context.log(
    `delta sweep (${r.mode}): ${r.changedObjects} changed objects, ${r.recheckedIdentities.length} identities re-checked, +${r.opened} -${r.resolved} findings, ${r.requests.total} requests`,
  );
}

// Schedule from the app setting WIMON_DELTA_SCHEDULE (NCRONTAB, UTC); default every 5 minutes.
app.timer('deltaSweep', { schedule: '%WIMON_DELTA_SCHEDULE%', handler: deltaSweepTimer });
