/** How a failed read is described in run records, gaps and findings: in the API's own words. */

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/** What a validation found wrong, one `path: message` per issue; never the raw JSON dump. */
export function describeIssues(issues: readonly Issue[], whole = '(the object)'): string {
  return issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : whole}: ${i.message}`)
    .join('; ');
}

const isIssueList = (v: unknown): v is Issue[] =>
  Array.isArray(v) && v.every((i) => i && typeof i === 'object' && 'message' in i && 'path' in i);

/** Describes a failed API call for a run record: status and error code, never headers or tokens. */
export function describeApiError(error: unknown): string {
  if (error && typeof error === 'object') {
    // A validation error's message is a JSON dump whose first line is "[": say what was wrong instead.
    const issues = (error as { issues?: unknown }).issues;
    if (isIssueList(issues))
      return `unexpected response: ${describeIssues(issues, '(the body)')}`.slice(0, 300);
    const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
    const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message.split('\n')[0]!.slice(0, 300) : undefined;
    return [status ? `HTTP ${status}` : undefined, code, message].filter(Boolean).join(' ');
  }
  return String(error).slice(0, 300);
}
