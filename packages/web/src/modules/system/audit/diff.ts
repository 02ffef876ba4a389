export type DiffRow = { field: string; before: unknown; after: unknown; changed: boolean };

const asRecord = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** The fields of an audit row's before/after, each marked changed or not (deep compare). */
export function diffRows(beforeValue: unknown, afterValue: unknown): DiffRow[] {
  const before = asRecord(beforeValue);
  const after = asRecord(afterValue);
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys.map((k) => {
    const b = before ? before[k] : undefined;
    const a = after ? after[k] : undefined;
    return { field: k, before: b, after: a, changed: JSON.stringify(b) !== JSON.stringify(a) };
  });
}

/** A value as the diff table shows it. */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (v === null) return '（空）';
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
