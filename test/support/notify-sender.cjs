// A notice sender in its own process, so a test can kill it mid-run (SIGKILL: no cleanup, no
// finally) as Azure would kill a worker. Runs the built monitor (dist/), as the function app does.
// argv: <table connection string> <table prefix> <email endpoint> <now ISO>
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist');
const { notify } = require(path.join(dist, 'shared/app/notify.js'));
const { Tables } = require(path.join(dist, 'shared/storage/tables.js'));
const { emulatorCredential } = require(path.join(dist, 'shared/azure/clients.js'));
const { communicationServicesTransport } = require(path.join(dist, 'shared/notify/email-transport.js'));

const [connectionString, prefix, endpoint, now] = process.argv.slice(2);
notify({
  tables: new Tables({ connectionString, prefix }),
  now: new Date(now),
  digests: true,
  coalesceMinutes: 0,
  portal: 'https://portal.azure.com',
  email: {
    transport: communicationServicesTransport(endpoint, emulatorCredential, 'DoNotReply@wimon.test', {
      pollIntervalMs: 5,
    }),
    perMinute: 1000,
    perHour: 1000,
  },
}).then(
  (r) => process.stdout.write(`${JSON.stringify({ sent: r.sent.length })}\n`),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
