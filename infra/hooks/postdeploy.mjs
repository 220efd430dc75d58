// azd postdeploy: runs once the function code is deployed, because Event Grid validates a function
// endpoint when an event subscription is created.
// For each monitored subscription: reuse its system topic if it has one (a source can have only
// one; found without regard to case, as ARM compares ids), otherwise create one; subscribe the
// `events` function to role assignment and federated credential changes under a name that carries
// the azd environment (two environments may watch one subscription); alert on dead-lettered
// events; let the topic's identity write dead letters to the monitor's dead-letter container
// (that container only). Then the same for each vault in WIMON_KEYVAULT_IDS. Finally write
// starter-baseline.yaml with the monitor's own identity in it.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { az, azMust, hook, isEntryPoint, required, run } from './azure-cli.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const short = (text) => createHash('sha256').update(text.toLowerCase()).digest('hex').slice(0, 10);
const lower = (s) => String(s ?? '').toLowerCase();

/** An event subscription name (3–64 letters, digits and hyphens) that carries the environment. */
export function eventSubscriptionName(env) {
  const clean = env.replace(/[^A-Za-z0-9-]/g, '-');
  const name = `wimon-${clean}`;
  return name.length <= 64 ? name : `wimon-${clean.slice(0, 47)}-${short(env)}`;
}

/** The system topic of a source, if it has one (ids and types compared without regard to case). */
export function findTopic(topics, topicType, source) {
  return topics.find((t) => lower(t.topicType) === lower(topicType) && lower(t.source) === lower(source));
}

function subscribe({ subscription, source, topicType, template, group, extra, env }) {
  const topics = JSON.parse(
    azMust(
      ['eventgrid', 'system-topic', 'list', '--subscription', subscription, '-o', 'json'],
      `listing system topics in ${subscription}`,
    ) || '[]',
  );
  const existing = findTopic(topics, topicType, source);
  let topic,
    resourceGroup,
    principal = '';
  if (existing) {
    topic = existing.name;
    resourceGroup = existing.resourceGroup;
    const topicCli = (verb, ...rest) => [
      'eventgrid',
      'system-topic',
      verb,
      '--subscription',
      subscription,
      '-g',
      resourceGroup,
      '-n',
      topic,
      ...rest,
    ];
    // an existing topic needs an identity to dead-letter without storage keys
    azMust(
      topicCli('update', '--identity', 'systemassigned', '--only-show-errors', '-o', 'none'),
      `giving ${topic} an identity`,
    );
    principal = azMust(
      topicCli('show', '--query', 'identity.principalId', '-o', 'tsv'),
      `reading ${topic}'s identity`,
    );
  } else {
    resourceGroup = group;
    topic = `wimon-${short(source)}`;
    azMust(
      [
        'group',
        'create',
        '--subscription',
        subscription,
        '-n',
        resourceGroup,
        '-l',
        required('AZURE_LOCATION'),
        '--only-show-errors',
        '-o',
        'none',
      ],
      `creating ${resourceGroup}`,
    );
  }
  const out = azMust(
    [
      'deployment',
      'group',
      'create',
      '--subscription',
      subscription,
      '-g',
      resourceGroup,
      // deployment names are per resource group: one per environment and source
      '--name',
      `wimon-events-${short(`${env}|${source}`)}`,
      '--template-file',
      template,
      '--parameters',
      `systemTopicName=${topic}`,
      `createSystemTopic=${existing ? 'false' : 'true'}`,
      `functionAppId=${required('WIMON_FUNCTION_APP_ID')}`,
      `deadLetterStorageAccountId=${required('WIMON_STORAGE_ACCOUNT_ID')}`,
      `deadLetterContainer=${required('WIMON_DEADLETTER_CONTAINER')}`,
      `eventSubscriptionName=${eventSubscriptionName(env)}`,
      `actionGroupId=${process.env.WIMON_ACTION_GROUP_ID ?? ''}`,
      ...extra,
      '--query',
      'properties.outputs.topicPrincipalId.value',
      '-o',
      'tsv',
    ],
    `subscribing to ${source}`,
  );
  const topicPrincipal = principal || out;
  if (topicPrincipal) {
    const containerScope = `${required('WIMON_STORAGE_ACCOUNT_ID')}/blobServices/default/containers/${required('WIMON_DEADLETTER_CONTAINER')}`;
    const grant = az([
      'role',
      'assignment',
      'create',
      '--assignee-object-id',
      topicPrincipal,
      '--assignee-principal-type',
      'ServicePrincipal',
      '--role',
      'Storage Blob Data Contributor',
      '--scope',
      containerScope,
      '--only-show-errors',
      '-o',
      'none',
    ]);
    if (grant.status !== 0 && !/already exists/i.test(grant.stderr))
      throw new Error(`letting ${topic} dead-letter: ${grant.stderr}`);
  }
  console.log(`subscribed ${source} through system topic ${topic} (${resourceGroup})`);
}

export function main() {
  const env = required('AZURE_ENV_NAME');
  const subscriptions = required('WIMON_SUBSCRIPTIONS')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const vaults = (process.env.WIMON_KEYVAULT_IDS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The monitor skips events from subscriptions it does not watch (a forged or misrouted event must
  // not raise findings there): a vault outside them would be subscribed and then never heard.
  const watched = new Set(subscriptions.map((s) => s.toLowerCase()));
  const outside = vaults.filter((v) => !watched.has((v.split('/')[2] ?? '').toLowerCase()));
  if (outside.length) {
    console.error(
      `WIMON_KEYVAULT_IDS names vaults outside the monitored subscriptions (WIMON_SUBSCRIPTION_IDS_JSON): ${outside.join(', ')}. Their events would be skipped; add their subscriptions or remove them.`,
    );
    process.exit(1);
  }
  for (const subscription of subscriptions)
    subscribe({
      subscription,
      source: `/subscriptions/${subscription}`,
      topicType: 'Microsoft.Resources.Subscriptions',
      template: path.join(here, '..', 'events', 'subscription-events.bicep'),
      group: 'rg-wimon-events',
      extra: [],
      env,
    });
  for (const vault of vaults) {
    const parts = vault.split('/');
    subscribe({
      subscription: parts[2],
      source: vault,
      topicType: 'Microsoft.KeyVault.vaults',
      template: path.join(here, '..', 'events', 'keyvault-events.bicep'),
      group: parts[4],
      extra: [`vaultName=${parts[8]}`],
      env,
    });
  }
  const starter = run(
    process.execPath,
    [path.join(here, '..', '..', 'bin', 'wimon.js'), 'baseline', 'starter', '--out', 'starter-baseline.yaml'],
    { stdio: 'inherit' },
  );
  if (starter.status !== 0) throw new Error('wimon baseline starter failed (above)');
  console.log(
    "wrote starter-baseline.yaml: the monitor's own identity is in it; add your identities (wimon baseline export helps), then wimon baseline apply",
  );
}

if (isEntryPoint(import.meta.url)) hook('postdeploy', main);
