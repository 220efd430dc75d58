import { UsageError } from '../errors';

/** `--now` accepts a date or an ISO timestamp; absent means the real clock. */
export function parseNow(value: string | undefined): Date {
  if (value === undefined) return new Date();
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--now must be a date (YYYY-MM-DD) or ISO timestamp, got '${value}'`);
  return date;
}
