/** Whether a remembered consent covers a request, and the consent after a new approval. */

/** Every value of `requested` is among the values of `granted` (both space-separated). */
export function consentCovers(granted: string | undefined, requested: string): boolean {
  if (granted === undefined) return false;
  const have = new Set(granted.split(' '));
  return requested.split(' ').every((value) => value === '' || have.has(value));
}

/** The union of two scope strings, keeping the first's order and appending what is new. */
export function mergeScope(before: string | undefined, added: string): string {
  const values = [...(before ?? '').split(' '), ...added.split(' ')].filter((value) => value !== '');
  return [...new Set(values)].join(' ');
}
