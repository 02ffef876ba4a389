import type { FieldIssue } from './client';

/** form field name → the Chinese label(s) the server uses for it */
export type FieldLabels = Record<string, string | readonly string[]>;

/**
 * The server names a field by its Chinese label (姓名), by its path (roleCodes.0) or, for
 * unknown keys, by a comma list. Returns the form field the issue belongs to, if any.
 */
export function fieldOfIssue(issue: FieldIssue, names: string[], labels: FieldLabels = {}): string | null {
  const f = issue.field.trim();
  if (!f) return null;
  if (names.includes(f)) return f;
  const head = f.split('.')[0];
  if (names.includes(head)) return head;
  for (const n of names) {
    const l = labels[n];
    const list = typeof l === 'string' ? [l] : (l ?? []);
    if (list.includes(f) || list.includes(head)) return n;
  }
  return null;
}
