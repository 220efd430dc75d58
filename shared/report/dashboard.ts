/**
 * The findings dashboard: one self-contained HTML file (no external resources) written by the
 * demo, `wimon scan --html FILE` and `wimon report`. Tiles with counts by severity, the trend of
 * open findings over the stored runs (inline SVG), findings grouped by identity with what the
 * identity holds, each linking to where it is fixed in the Azure portal; filters (severity,
 * rule, identity, owner, state), sort and free-text search run in its own script. Everything is
 * rendered on the server side, so it reads and prints without script; the script only hides
 * and orders rows. A strict Content-Security-Policy allows only that script and style (by hash).
 * Tenant text is escaped, deceptive characters made visible (safe-text.ts).
 */
import { createHash } from 'node:crypto';
import type { RunRecord } from '../findings/runs';
import type { Finding } from '../model/finding';
import type { Inventory } from '../model/inventory';
import { ruleDefinition } from '../rules/catalogue';
import { SEVERITIES } from '../rules/rule';
import { fixLink, portalLink } from './portal-links';
import { situationAndAction } from './finding-text';
import { name, sortFindings } from './findings-report';
import { escapeHtml } from './safe-text';

/** What an identity holds, as the run read it (absent when the report had no inventory). */
export interface Holdings {
  roles: string[];
  federatedCredentials: string[];
  credentials: string[];
}

export function holdingsFrom(inventory: Inventory): Map<string, Holdings> {
  const out = new Map<string, Holdings>();
  const of = (id: string) => {
    let h = out.get(id);
    if (!h) out.set(id, (h = { roles: [], federatedCredentials: [], credentials: [] }));
    return h;
  };
  for (const a of inventory.roleAssignments)
    of(a.principalId).roles.push(`${a.roleName ?? a.roleDefinitionId} at ${a.scope}`);
  for (const i of inventory.identities) {
    const h = of(i.objectId);
    for (const f of i.federatedCredentials)
      h.federatedCredentials.push(
        `${f.issuer} ${f.subject ?? f.claimsMatchingExpression?.value ?? ''}`.trim(),
      );
    for (const c of i.credentials)
      h.credentials.push(
        `${c.type} '${c.displayName ?? c.keyId}'${c.end ? `, ends ${c.end.slice(0, 10)}` : ''}`,
      );
  }
  return out;
}

export interface DashboardInput {
  run: RunRecord;
  findings: readonly Finding[];
  /** Earlier runs, newest first (the trend); the current run may be among them. */
  runs?: readonly RunRecord[];
  holdings?: ReadonlyMap<string, Holdings>;
  /** Owners by identity object id (baseline and Entra). */
  owners?: ReadonlyMap<string, readonly string[]>;
  portal?: string;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 "Segoe UI",Helvetica,Arial,sans-serif;color:#201f1e;background:#faf9f8}
main{max-width:1200px;margin:0 auto;padding:16px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0}
.meta{color:#484644;margin:0 0 12px}.warn{background:#fff4ce;padding:8px 12px;border-left:4px solid #8a6d00}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(110px,1fr));gap:8px;margin:12px 0}
.tile{background:#fff;border:1px solid #e1dfdd;border-top:4px solid #605e5c;padding:8px;text-align:center}
.tile b{display:block;font-size:26px}.tile.critical{border-top-color:#a4262c}.tile.high{border-top-color:#c43e00}
.tile.medium{border-top-color:#7a5c00}.tile.low{border-top-color:#605e5c}.tile.exempted,.tile.resolved{border-top-color:#107c10}
.trend{background:#fff;border:1px solid #e1dfdd;padding:8px;margin:0 0 12px}.trend svg{width:100%;height:90px}
.trend .critical{fill:#a4262c}.trend .high{fill:#c43e00}.trend .medium{fill:#b89500}.trend .low{fill:#8a8886}
.controls{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px}.controls label{display:flex;flex-direction:column;font-size:12px;color:#484644}
.controls select,.controls input{font:inherit;padding:4px;min-width:130px;max-width:100%}
#shown{margin:0 0 8px;color:#484644}
section.identity{background:#fff;border:1px solid #e1dfdd;margin:0 0 12px;padding:10px 12px}
section.identity header{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline;justify-content:space-between}
.owners{font-size:13px;color:#484644}details{font-size:13px;margin:6px 0}details ul{margin:4px 0;padding-left:18px}
table{width:100%;border-collapse:collapse;margin-top:6px}th,td{text-align:left;vertical-align:top;padding:6px;border-top:1px solid #edebe9}
th{font-size:12px;color:#484644}td{overflow-wrap:anywhere}.badge{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;font-weight:700}
.badge.critical{background:#a4262c}.badge.high{background:#c43e00}.badge.medium{background:#7a5c00}.badge.low{background:#605e5c}
.badge.exempted,.badge.resolved{background:#107c10}code{font-size:12px}a{color:#0f6cbd}.hidden{display:none}
@media (max-width:700px){thead{display:none}tr.finding td{display:block;border:0;padding:2px 0}tr.finding{display:block;border-top:1px solid #edebe9;padding:6px 0}}
@media print{.controls,#shown{display:none}section.identity{break-inside:avoid}body{background:#fff}}
`;

/** Filters, search and sort: hides and orders the server-rendered rows; nothing else. */
const SCRIPT = `
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
  var sections = Array.prototype.slice.call(document.querySelectorAll('section.identity'));
  var get = function (id) { return document.getElementById(id); };
  var order = { critical: 0, high: 1, medium: 2, low: 3 };
  function apply() {
    var sev = get('f-severity').value, rule = get('f-rule').value, who = get('f-identity').value;
    var owner = get('f-owner').value, state = get('f-state').value, q = get('q').value.toLowerCase().trim();
    var shown = 0;
    rows.forEach(function (r) {
      var d = r.dataset;
      var ok = (!sev || d.severity === sev) && (!rule || d.rule === rule) && (!who || d.identity === who) &&
        (!owner || (' ' + d.owners + ' ').indexOf(' ' + owner + ' ') >= 0) && (!state || d.state === state) &&
        (!q || r.textContent.toLowerCase().indexOf(q) >= 0 || d.identity.toLowerCase().indexOf(q) >= 0);
      r.classList.toggle('hidden', !ok);
      if (ok) shown++;
    });
    sections.forEach(function (s) { s.classList.toggle('hidden', !s.querySelector('tr.finding:not(.hidden)')); });
    get('shown').textContent = 'Showing ' + shown + ' of ' + rows.length + ' findings';
    sort();
  }
  function key(r) {
    var by = get('sort').value, d = r.dataset;
    if (by === 'first') return d.first;
    if (by === 'rule') return d.rule;
    if (by === 'identity') return d.identity.toLowerCase();
    return String(order[d.severity] === undefined ? 9 : order[d.severity]);
  }
  function sort() {
    var desc = get('sort').value === 'first';
    sections.forEach(function (s) {
      var body = s.querySelector('tbody');
      Array.prototype.slice.call(body.children).sort(function (a, b) {
        var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
      }).forEach(function (r) { body.appendChild(r); });
    });
    var list = get('groups');
    sections.slice().sort(function (a, b) {
      var x = key(a.querySelector('tr.finding')), y = key(b.querySelector('tr.finding'));
      return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
    }).forEach(function (s) { list.appendChild(s); });
  }
  ['f-severity', 'f-rule', 'f-identity', 'f-owner', 'f-state', 'sort'].forEach(function (id) { get(id).addEventListener('change', apply); });
  get('q').addEventListener('input', apply);
  apply();
})();
`;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

const option = (value: string, label: string) =>
  `<option value="${escapeHtml(value)}">${escapeHtml(label)}</option>`;

function trendSvg(runs: readonly RunRecord[]): string {
  const points = [...runs]
    .filter((r) => r.kind === 'reconcile')
    .reverse()
    .slice(-30);
  if (points.length < 2) return '<p class="meta">The trend appears after two or more reconciles.</p>';
  const max = Math.max(
    1,
    ...points.map((r) => SEVERITIES.reduce((a, s) => a + (r.openBySeverity[s] ?? 0), 0)),
  );
  const w = 100 / points.length;
  const bars = points
    .map((r, i) => {
      let y = 90;
      return SEVERITIES.map((s) => {
        const h = ((r.openBySeverity[s] ?? 0) / max) * 80;
        y -= h;
        return h > 0
          ? `<rect class="${s}" x="${(i * w + w * 0.1).toFixed(2)}" y="${y.toFixed(2)}" width="${(w * 0.8).toFixed(2)}" height="${h.toFixed(2)}"><title>${escapeHtml(`${r.evaluatedAt.slice(0, 16)}: ${r.openBySeverity[s] ?? 0} ${s}`)}</title></rect>`
          : '';
      }).join('');
    })
    .join('');
  const first = points[0]!;
  const last = points.at(-1)!;
  const total = (r: RunRecord) => SEVERITIES.reduce((a, s) => a + (r.openBySeverity[s] ?? 0), 0);
  return `<p class="meta">Open findings over the last ${points.length} reconciles: ${total(first)} on ${escapeHtml(first.evaluatedAt.slice(0, 10))}, ${total(last)} on ${escapeHtml(last.evaluatedAt.slice(0, 10))}.</p>
<svg viewBox="0 0 100 90" preserveAspectRatio="none" role="img" aria-label="open findings by severity per run">${bars}</svg>`;
}

function holdingsHtml(h: Holdings | undefined): string {
  if (!h) return '';
  const list = (title: string, items: string[]) =>
    items.length
      ? `<li>${escapeHtml(title)}<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul></li>`
      : '';
  const body = [
    list('Role assignments', h.roles),
    list('Federated credentials', h.federatedCredentials),
    list('Secrets and certificates', h.credentials),
  ].join('');
  return `<details><summary>What it holds (${h.roles.length} roles, ${h.federatedCredentials.length} federated credentials, ${h.credentials.length} secrets and certificates)</summary><ul>${body || '<li>nothing</li>'}</ul></details>`;
}

export function renderDashboard(input: DashboardInput): string {
  const portal = input.portal ?? 'https://portal.azure.com';
  const findings = sortFindings(input.findings);
  const run = input.run;
  const ownersOf = (f: Finding) => input.owners?.get(f.identity.objectId) ?? [];
  const count = (pred: (f: Finding) => boolean) => findings.filter(pred).length;
  const tiles = [
    ...SEVERITIES.map((s) => ({
      cls: s,
      n: count((f) => f.state === 'open' && f.severity === s),
      label: `open ${s}`,
    })),
    { cls: 'exempted', n: count((f) => f.state === 'exempted'), label: 'exempted' },
    { cls: 'resolved', n: count((f) => f.state === 'resolved'), label: 'resolved' },
  ]
    .map((t) => `<div class="tile ${t.cls}" data-tile="${t.cls}"><b>${t.n}</b>${escapeHtml(t.label)}</div>`)
    .join('');
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.identity.objectId, [...(groups.get(f.identity.objectId) ?? []), f]);
  const sections = [...groups.values()]
    .map((group) => {
      const f0 = group[0]!;
      const owners = ownersOf(f0);
      const rows = group
        .map((f) => {
          const { situation, action } = situationAndAction(f);
          const fix = fixLink(f, portal);
          const state = f.state === 'open' ? f.severity : f.state;
          return `<tr class="finding" data-severity="${escapeHtml(f.severity)}" data-rule="${escapeHtml(f.ruleId)}" data-state="${escapeHtml(f.state)}" data-identity="${escapeHtml(name(f))}" data-owners="${escapeHtml(owners.join(' '))}" data-first="${escapeHtml(f.firstSeen)}">
<td><span class="badge ${escapeHtml(state)}">${escapeHtml(state)}</span></td>
<td><code>${escapeHtml(f.ruleId)}</code><br>${escapeHtml(ruleDefinition(f.ruleId).title)}</td>
<td>${escapeHtml(situation)}<br><strong>Do this:</strong> ${escapeHtml(action)}${f.exemption ? `<br><small>Exempted until ${escapeHtml(f.exemption.expires)} by ${escapeHtml(f.exemption.owner)}: ${escapeHtml(f.exemption.reason)}</small>` : ''}</td>
<td><code>${escapeHtml(f.target)}</code><br><a class="fix" href="${escapeHtml(fix.url)}" rel="noreferrer">${escapeHtml(fix.label)}</a></td>
<td>${escapeHtml(f.firstSeen.slice(0, 10))}</td></tr>`;
        })
        .join('\n');
      return `<section class="identity" data-identity="${escapeHtml(name(f0))}">
<header><h2>${escapeHtml(name(f0))}</h2><a href="${escapeHtml(portalLink(f0, portal))}" rel="noreferrer">Open in the Azure portal</a></header>
<p class="owners">${owners.length ? `Owners: ${escapeHtml(owners.join(', '))}` : 'No owner known'}</p>
${holdingsHtml(input.holdings?.get(f0.identity.objectId))}
<table><thead><tr><th>state</th><th>rule</th><th>what is wrong · what to do</th><th>target</th><th>first seen</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
    })
    .join('\n');
  const distinct = (values: string[]) => [...new Set(values)].sort((a, b) => a.localeCompare(b));
  const gaps = run.scopes.filter((s) => !s.complete);
  const csp = `default-src 'none'; script-src 'sha256-${sha256(SCRIPT)}'; style-src 'sha256-${sha256(STYLE)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Workload identity findings</title>
<style>${STYLE}</style></head>
<body><main>
<h1>Workload identity findings</h1>
<p class="meta">Run ${escapeHtml(run.id)} · evaluated at ${escapeHtml(run.evaluatedAt)} · baseline ${escapeHtml(run.baseline.source)} ${escapeHtml(run.baseline.contentHash.slice(0, 12))} · ${run.requests.total} API requests</p>
${gaps.length ? `<p class="warn">Partial run: ${gaps.map((s) => escapeHtml(`${s.scope} (${s.error ?? 'incomplete'})`)).join(', ')} could not be read completely; findings there were kept as they were.</p>` : '<p class="meta">All scopes were read completely.</p>'}
<div class="tiles">${tiles}</div>
<div class="trend">${trendSvg(input.runs ?? [run])}</div>
<div class="controls">
<label>Severity<select id="f-severity">${option('', 'all')}${SEVERITIES.map((s) => option(s, s)).join('')}</select></label>
<label>Rule<select id="f-rule">${option('', 'all')}${distinct(findings.map((f) => f.ruleId))
    .map((r) => option(r, r))
    .join('')}</select></label>
<label>Identity<select id="f-identity">${option('', 'all')}${distinct(findings.map(name))
    .map((n) => option(n, n))
    .join('')}</select></label>
<label>Owner<select id="f-owner">${option('', 'all')}${distinct(findings.flatMap(ownersOf))
    .map((o) => option(o, o))
    .join('')}</select></label>
<label>State<select id="f-state">${option('', 'all')}${['open', 'exempted', 'resolved'].map((s) => option(s, s)).join('')}</select></label>
<label>Sort by<select id="sort">${option('severity', 'severity')}${option('first', 'first seen (newest)')}${option('identity', 'identity')}${option('rule', 'rule')}</select></label>
<label>Search<input id="q" type="search" placeholder="name, scope, text"></label>
</div>
<p id="shown">Showing ${findings.length} of ${findings.length} findings</p>
<div id="groups">
${findings.length ? sections : '<p>No findings: the tenant matches the baseline.</p>'}
</div>
</main><script>${SCRIPT}</script></body></html>`;
}

/** Owners by identity: declared in the baseline, and the Entra owners findings name. */
export function ownersByIdentity(
  identities: ReadonlyArray<{ objectId: string; owners: readonly string[] }>,
  findings: readonly Finding[],
): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  const add = (id: string, owner: string) => {
    const set = out.get(id) ?? new Set<string>();
    set.add(owner.toLowerCase());
    out.set(id, set);
  };
  for (const i of identities) for (const o of i.owners) add(i.objectId.toLowerCase(), o);
  for (const f of findings)
    for (const key of ['entraOwners', 'owners'] as const) {
      const list = f.evidence[key];
      if (Array.isArray(list))
        for (const o of list) if (typeof o === 'string' && o.includes('@')) add(f.identity.objectId, o);
    }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}
