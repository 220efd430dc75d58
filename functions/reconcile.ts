import { app, type InvocationContext, type Timer } from '@azure/functions';
import { reconcile } from '../shared/app/reconcile';
import { describeGaps, runtime } from '../shared/app/runtime';

export async function reconcileTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { tables, tenant, publish, settings } = runtime();
  const { run } = await reconcile({
    tables,
    tenant: tenant(),
    evaluateAt: new Date(),
    publish,
    resolvedRetentionDays: settings.WIMON_RESOLVED_RETENTION_DAYS,
  });
  const open = Object.values(run.openBySeverity).reduce((a, b) => a + b, 0);
  const gaps = describeGaps(run);
  const line = `reconcile ${run.id} ${gaps ? 'PARTIAL' : 'complete'}: ${open} open (+${run.changes.opened} new, ${run.changes.resolved} resolved), ${run.requests.total} requests`;
  // A partial run is a warning, with what it could not read: it must not pass unnoticed.
  if (!gaps) context.log(line);
  else context.warn(`${line}; not read: ${gaps}`);
}

// Schedule from the app setting WIMON_RECONCILE_SCHEDULE (NCRONTAB, UTC); default every 6 hours.
app.timer('reconcile', { schedule: '%WIMON_RECONCILE_SCHEDULE%', handler: reconcileTimer });
