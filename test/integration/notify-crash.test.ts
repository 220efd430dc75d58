/**
 * The sender is killed (SIGKILL, its own process) after the provider accepted K notices and
 * before it could mark the K-th sent; a new run must deliver every notice exactly once: it asks
 * Communication Services about the one left in `sending` and resends only what the provider
 * does not know. The emulator delivers every send it accepts (a repeat would be a second email).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import type { EmailHold } from '../../emulator/communication-email';
import { ensureEmulatorCertificate } from '../../emulator/certificate';
import { Outbox } from '../../shared/notify/outbox';
import type { Tables } from '../../shared/storage/tables';
import { reconcileContoso, useContosoEmulator } from '../support/emulator';
import { notifyThroughEmulator, planNotices } from '../support/notify';
import { SAMPLE_NOW } from '../support/sample';
import { tablesWithSampleBaseline } from '../support/tables';

const SENDER = path.join(__dirname, '..', 'support', 'notify-sender.cjs');
const SEND_ROUTE = 'POST email /emails:send';

describe('notices survive a killed sender: each delivered once (emulator + Azurite, real process kill)', () => {
  const env = useContosoEmulator();
  let tables: Tables;
  let planned: string[];

  beforeEach(async () => {
    tables = await tablesWithSampleBaseline();
    await reconcileContoso(env.get(), tables);
    // Planned and stored, nothing sent (no transport): the outbox holds every notice.
    await planNotices(tables, SAMPLE_NOW);
    planned = (await new Outbox(tables).notices()).map((n) => n.id).sort();
    env.get().receivedEmails.length = 0;
    env.get().resetRequests();
  });

  const emailRequests = () => env.get().requests.filter((r) => r.api === 'email');
  const sendsAnswered = () =>
    emailRequests().filter((r) => r.method === 'POST' && r.route === '/emails:send' && r.status === 202)
      .length;
  const sends = () =>
    env.get().requests.filter((r) => `${r.method} ${r.api} ${r.route}` === SEND_ROUTE).length;

  /** Starts the sender, kills it once `killWhen` holds, and waits for it to be gone. */
  async function killSender(drill: EmailHold, killWhen: () => boolean): Promise<void> {
    env.get().holdEmails(drill);
    const child = spawn(
      process.execPath,
      [
        SENDER,
        inject('azuriteConnectionString'),
        tables.prefix,
        env.get().endpoints.email,
        SAMPLE_NOW.toISOString(),
      ],
      { env: { ...process.env, NODE_EXTRA_CA_CERTS: ensureEmulatorCertificate().certPath }, stdio: 'pipe' },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    const deadline = Date.now() + 30_000;
    while (!killWhen()) {
      if (child.exitCode !== null) throw new Error(`the sender ended before the drill point: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`the drill point was not reached: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    env.get().holdEmails(undefined);
  }

  /** The restarted sender: later than the stale-claim time, in this process. */
  const restart = () =>
    notifyThroughEmulator(env.get(), tables, new Date(SAMPLE_NOW.getTime() + 10 * 60_000));

  async function expectEachOnce(): Promise<void> {
    const received = env
      .get()
      .receivedEmails.map((e) => e.operationId)
      .sort();
    expect(received).toEqual(planned); // none twice, none lost
    const stored = await new Outbox(tables).notices();
    expect(stored.map((n) => n.state)).toEqual(stored.map(() => 'sent'));
  }

  it.each([
    ['at the start', (_n: number) => 1],
    ['in the middle', (n: number) => Math.ceil(n / 2)],
    ['at the end', (n: number) => n],
  ])('killed %s, after the provider accepted the K-th notice', async (_, kOf) => {
    const k = kOf(planned.length);
    expect(planned.length).toBeGreaterThanOrEqual(3);
    await killSender({ after: k, mode: 'accepted' }, () => env.get().receivedEmails.length === k);
    expect(env.get().receivedEmails).toHaveLength(k);
    expect(await new Outbox(tables).notices({ state: 'sending' })).toHaveLength(1);
    env.get().resetRequests();
    const restarted = await restart();
    await expectEachOnce();
    // The notice left in `sending` is asked about first (the poller's own reads come after each
    // send): the provider has it (200), so only the others are sent.
    expect(emailRequests()[0]).toMatchObject({ route: '/emails/operations/{id}', status: 200 });
    expect(sendsAnswered()).toBe(planned.length - k);
    expect(restarted.sent).toHaveLength(planned.length - (k - 1));
  });

  it('killed after claiming a notice the provider never got: the status API says 404 and that one is resent', async () => {
    const k = Math.floor(planned.length / 2);
    await killSender({ after: k, mode: 'unseen' }, () => sends() === k + 1);
    expect(env.get().receivedEmails).toHaveLength(k);
    const [left] = await new Outbox(tables).notices({ state: 'sending' });
    env.get().resetRequests();
    await restart();
    await expectEachOnce();
    // Asked about first: unknown (404), so it is sent with the rest.
    expect(emailRequests()[0]).toMatchObject({ route: '/emails/operations/{id}', status: 404 });
    expect(sendsAnswered()).toBe(planned.length - k);
    expect(env.get().receivedEmails.filter((e) => e.operationId === left!.id)).toHaveLength(1);
  });
});
