import { app, type InvocationContext, type Timer } from '@azure/functions';
import { deltaSweep } from '../shared/app/delta-sweep';
import { deltaReport, reportRun, runtime } from '../shared/app/runtime';

export async function deltaSweepTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  await reportRun(context, 'delta', async () => {
    const { tables, tenant, publish } = runtime();
    const r = await deltaSweep({ tables, tenant: tenant(), evaluateAt: new Date(), publish });
    return { report: deltaReport(r), value: undefined };
  });
}

// Schedule from the app setting WIMON_DELTA_SCHEDULE (NCRONTAB, UTC); default every 5 minutes.
app.timer('deltaSweep', { schedule: '%WIMON_DELTA_SCHEDULE%', handler: deltaSweepTimer });
