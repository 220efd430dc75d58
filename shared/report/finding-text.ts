/** How a finding reads to a person: what is wrong, and what to do about it (said once). */
import type { Finding } from '../model/finding';
import { ruleDefinition } from '../rules/catalogue';

/**
 * A rule's message ends with what to do (": remove it or declare it."): the card shows the
 * situation and the action once each. A message without that ending gets the rule's own fix.
 */
export function situationAndAction(f: Finding): { situation: string; action: string } {
  const cut = f.message.lastIndexOf(': ');
  const tail = cut > 0 ? f.message.slice(cut + 2) : '';
  // One lower-case sentence after the last ': ' is the action; anything else keeps the message whole.
  if (/^[a-z]/.test(tail) && tail.length <= 240 && !/[.!?]\s/.test(tail))
    return {
      situation: `${f.message[0]!.toUpperCase()}${f.message.slice(1, cut)}.`,
      action: `${tail[0]!.toUpperCase()}${tail.slice(1)}`,
    };
  return { situation: f.message, action: ruleDefinition(f.ruleId).fix };
}
