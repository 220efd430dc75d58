/**
 * Sends the monitor's OpenTelemetry log records (telemetry.ts) to Application Insights, in Azure
 * only: when APPLICATIONINSIGHTS_CONNECTION_STRING is set, with Entra authentication when
 * APPLICATIONINSIGHTS_AUTHENTICATION_STRING says `Authorization=AAD` (local authentication is off
 * on the resource). No sampling: every record is exported, so a partial run's record is never
 * dropped. Elsewhere (the CLI, tests) records go to whatever logger provider is registered, or
 * nowhere. @azure/monitor-opentelemetry-exporter rather than the full Azure Monitor distro: the
 * logs exporter is all this needs, at a third of the installed size.
 */
import { logs } from '@opentelemetry/api-logs';
import type { TokenCredential } from '@azure/core-auth';

let provider: { forceFlush(): Promise<void> } | undefined;

export function startTelemetry(env: NodeJS.ProcessEnv, credential: () => TokenCredential): boolean {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  if (provider || !connectionString) return false;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only in Azure: the CLI and tests never pay for them */
  const { AzureMonitorLogExporter } =
    require('@azure/monitor-opentelemetry-exporter') as typeof import('@azure/monitor-opentelemetry-exporter');
  const { LoggerProvider, BatchLogRecordProcessor } =
    require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const entra = /authorization\s*=\s*aad/i.test(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING ?? '');
  const exporter = new AzureMonitorLogExporter({
    connectionString,
    ...(entra ? { credential: credential() } : {}),
  });
  const loggerProvider = new LoggerProvider({ processors: [new BatchLogRecordProcessor({ exporter })] });
  logs.setGlobalLoggerProvider(loggerProvider);
  provider = loggerProvider;
  return true;
}

/** Exports what is buffered; never throws (telemetry must not fail a run). */
export async function flushTelemetry(): Promise<void> {
  try {
    await provider?.forceFlush();
  } catch {
    // the exporter reports its own failures; the run's outcome does not depend on them
  }
}
