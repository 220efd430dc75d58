/** Describes a failed API call for a run record: status and error code, never headers or tokens. */
export function describeApiError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
    const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message.split('\n')[0]!.slice(0, 300) : undefined;
    return [status ? `HTTP ${status}` : undefined, code, message].filter(Boolean).join(' ');
  }
  return String(error).slice(0, 300);
}
