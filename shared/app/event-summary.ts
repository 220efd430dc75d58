/** One line per handled event, for function logs and the CLI: ids, rule ids and counts, never tenant text. */
import type { EventOutcome } from './handle-events';
import { visibleText } from '../report/safe-text';

/** One line: control characters (CR, LF, ESC…), bidi and invisible characters made visible as U+FFFD. */
const safe = visibleText;

export function describeOutcome(o: EventOutcome): string {
  // Ids, types and notes come from the sender: no control characters, so no forged log lines.
  const head = `event ${safe(o.id ?? '(no id)')} ${safe(o.type ?? '')}`.trim();
  const note = o.note ? ` (${safe(o.note)})` : '';
  if (o.status !== 'processed') return `${head}: ${o.status}${note}`;
  const c = o.changes;
  const rules = (list: Array<{ ruleId: string }>) => [...new Set(list.map((f) => f.ruleId))].join(', ');
  const parts = [
    c.opened.length ? `opened ${c.opened.length} (${rules(c.opened)})` : '',
    c.reopened.length ? `reopened ${c.reopened.length} (${rules(c.reopened)})` : '',
    c.resolved.length ? `resolved ${c.resolved.length} (${rules(c.resolved)})` : '',
    c.exempted.length ? `exempted ${c.exempted.length}` : '',
  ].filter(Boolean);
  return `${head}: ${parts.length ? parts.join(', ') : 'no change'}${note}`;
}
