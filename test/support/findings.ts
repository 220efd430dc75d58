/** The keys of the findings that are not resolved, sorted: what "the same findings" compares. */
export const openKeys = (list: ReadonlyArray<{ key: string; state: string }>): string[] =>
  list
    .filter((f) => f.state !== 'resolved')
    .map((f) => f.key)
    .sort();
