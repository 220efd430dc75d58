import { app, type InvocationContext, type Timer } from '@azure/functions';
import { reconcile } from '../shared/app/reconcile';
import { reconcileReport, reportRun, runtime } from '../shared/app/runtime';

export async function reconcileTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  await reportRun(context, 'reconcile', async () => {
    const { tables, tenant, publish, settings } = runtime();
    const { run } = await reconcile({
      tables,
      tenant: tenant(),
      evaluateAt: new Date(),
      publish,
      resolvedRetentionDays: settings.WIMON_RESOLVED_RETENTION_DAYS,
    });
    return { report: reconcileReport(run), value: undefined };
  });
}

// Schedule from the app setting WIMON_RECONCILE_SCHEDULE (NCRONTAB, UTC); default every 6 hours.
app.timer('reconcile', { schedule: '%WIMON_RECONCILE_SCHEDULE%', handler: reconcileTimer });
