import { app, type InvocationContext, type Timer } from '@azure/functions';
import { notify } from '../shared/app/notify';
import { notifyReport, reportRun, runtime } from '../shared/app/runtime';

async function run(digests: boolean, context: InvocationContext): Promise<void> {
  await reportRun(context, 'notify', async () => {
    const { tables, settings, email, links, teams, tenant } = runtime();
    const result = await notify({
      tables,
      now: new Date(),
      digests,
      coalesceMinutes: settings.WIMON_ALERT_COALESCE_MINUTES,
      portal: settings.WIMON_PORTAL_ENDPOINT,
      email,
      teams,
      directory: tenant().clients,
      links,
    });
    return { report: notifyReport(result, context.invocationId), value: undefined };
  });
}

export const notifyDigestsTimer = (_t: Timer, context: InvocationContext) => run(true, context);
export const notifyAlertsTimer = (_t: Timer, context: InvocationContext) => run(false, context);

// Daily digests (WIMON_DIGEST_SCHEDULE); alerts and outbox delivery (WIMON_ALERT_SCHEDULE). UTC.
app.timer('notify', { schedule: '%WIMON_DIGEST_SCHEDULE%', handler: notifyDigestsTimer });
app.timer('notifyAlerts', { schedule: '%WIMON_ALERT_SCHEDULE%', handler: notifyAlertsTimer });
