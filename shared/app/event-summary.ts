/** One line per handled event, for function logs and the CLI: ids, rule ids and counts, never tenant text. */
import type { EventOutcome } from './handle-events';

export function describeOutcome(o: EventOutcome): string {
  const head = `event ${o.id ?? '(no id)'} ${o.type ?? ''}`.trim();
  if (o.status !== 'processed') return `${head}: ${o.status}${o.note ? ` (${o.note})` : ''}`;
  const c = o.changes;
  const rules = (list: Array<{ ruleId: string }>) => [...new Set(list.map((f) => f.ruleId))].join(', ');
  const parts = [
    c.opened.length ? `opened ${c.opened.length} (${rules(c.opened)})` : '',
    c.reopened.length ? `reopened ${c.reopened.length} (${rules(c.reopened)})` : '',
    c.resolved.length ? `resolved ${c.resolved.length} (${rules(c.resolved)})` : '',
    c.exempted.length ? `exempted ${c.exempted.length}` : '',
  ].filter(Boolean);
  return `${head}: ${parts.length ? parts.join(', ') : 'no change'}${o.note ? ` (${o.note})` : ''}`;
}
