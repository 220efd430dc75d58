import { app, type InvocationContext, type Timer } from '@azure/functions';
import { checkDormancy } from '../shared/app/dormancy';
import { describeGaps, runtime } from '../shared/app/runtime';

export async function dormancyTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const { tables, tenant, publish } = runtime();
  const { run } = await checkDormancy({ tables, tenant: tenant(), evaluateAt: new Date(), publish });
  const open = Object.values(run.openBySeverity).reduce((a, b) => a + b, 0);
  const gaps = describeGaps(run);
  const line =
    `dormancy ${run.id} ${gaps ? 'PARTIAL' : 'complete'}: ${open} open from the sign-in logs (+${run.changes.opened} new, ${run.changes.resolved} resolved), ` +
    `${run.dormancy.checked} identities checked, ${run.dormancy.undetermined.length} undetermined, logs from ${run.dormancy.logsCoverFrom ?? 'nothing'}`;
  if (!gaps) context.log(line);
  else context.warn(`${line}; not read: ${gaps}`);
}

// Schedule from the app setting WIMON_DORMANCY_SCHEDULE (NCRONTAB, UTC); default daily at 05:30.
app.timer('dormancy', { schedule: '%WIMON_DORMANCY_SCHEDULE%', handler: dormancyTimer });
