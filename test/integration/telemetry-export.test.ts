/**
 * What Application Insights receives from a run: the real Azure Monitor exporter, set up as the
 * function app sets it up (shared/app/telemetry-setup.ts), sends to an ingestion endpoint served
 * here over HTTPS (Breeze's `/v2.1/track`). A run's record arrives as a trace (MessageData) whose
 * customDimensions hold the run id, kind and outcome: what docs/operations.md's queries and the
 * alert rules in infra/app/monitor.bicep read.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureEmulatorCertificate } from '../../emulator/certificate';
import { reportRun } from '../../shared/app/telemetry';
import { flushTelemetry, startTelemetry } from '../../shared/app/telemetry-setup';

interface Envelope {
  name: string;
  data: {
    baseType: string;
    baseData: { message?: string; severityLevel?: string; properties?: Record<string, string> };
  };
}

const received: Envelope[] = [];
const { key, cert } = ensureEmulatorCertificate();
const ingestion = createServer({ key, cert }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    if (req.url === '/v2.1/track') received.push(...(JSON.parse(body.toString('utf8')) as Envelope[]));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
  });
});
afterAll(() => new Promise<void>((resolve) => ingestion.close(() => resolve())));

describe('telemetry export (Azure Monitor exporter → an ingestion endpoint)', () => {
  it('a partial run arrives as a warning trace with its run id, kind and outcome in customDimensions', async () => {
    await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
    const port = (ingestion.address() as AddressInfo).port;
    const started = startTelemetry(
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:${port}/`,
      },
      () => {
        throw new Error('no Entra authentication without APPLICATIONINSIGHTS_AUTHENTICATION_STRING');
      },
    );
    expect(started).toBe(true);
    const host = { invocationId: 'invocation-1', log: () => {}, warn: () => {}, error: () => {} };
    await reportRun(host, 'reconcile', async () => ({
      report: {
        runId: 'run-1',
        outcome: 'partial',
        lines: [
          {
            level: 'warn',
            event: 'run.ended',
            message: 'reconcile run-1 PARTIAL: …; not read: /providers/Microsoft.Management (500)',
            properties: { gaps: 1 },
          },
        ],
      },
      value: undefined,
    }));
    await flushTelemetry();
    const traces = received.filter((e) => e.data.baseType === 'MessageData');
    expect(traces).toHaveLength(1);
    const { baseData } = traces[0]!.data;
    expect(baseData.message).toMatch(/^reconcile run-1 PARTIAL/);
    expect(baseData.severityLevel).toBe('Warning');
    expect(baseData.properties).toMatchObject({
      event: 'run.ended',
      runId: 'run-1',
      runKind: 'reconcile',
      outcome: 'partial',
      invocationId: 'invocation-1',
    });
  });
});
