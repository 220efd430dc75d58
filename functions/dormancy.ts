import { app, type InvocationContext, type Timer } from '@azure/functions';
import { checkDormancy } from '../shared/app/dormancy';
import { dormancyReport, reportRun, runtime } from '../shared/app/runtime';

export async function dormancyTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  await reportRun(context, 'dormancy', async () => {
    const { tables, tenant, publish } = runtime();
    const { run } = await checkDormancy({ tables, tenant: tenant(), evaluateAt: new Date(), publish });
    return { report: dormancyReport(run), value: undefined };
  });
}

// Schedule from the app setting WIMON_DORMANCY_SCHEDULE (NCRONTAB, UTC); default daily at 05:30.
app.timer('dormancy', { schedule: '%WIMON_DORMANCY_SCHEDULE%', handler: dormancyTimer });
