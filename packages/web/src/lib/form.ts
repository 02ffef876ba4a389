import type { FormInstance, FormRule } from 'antd';
import type { z } from 'zod';

// antd gives '' for a cleared input: "not filled", which the API's optional fields express
// by absence. null is kept: in a PATCH body it means "clear this field".
const blank = (v: unknown) => v === '';
export const normalizeBlank = (v: unknown) => (v === '' || v === null ? undefined : v);

/** One antd rule that runs a zod schema on the field's value and shows its first message. */
export function zodRule(schema: z.ZodType): FormRule {
  return {
    validator: async (_rule, value) => {
      const r = await schema.safeParseAsync(normalizeBlank(value));
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? '格式不正确');
    },
  };
}

/**
 * Rules for every field of an object schema, so each Form.Item can say
 * `rules={rules.name}` and the form checks exactly what the API checks.
 */
export function zodRules<S extends z.ZodObject>(schema: S): { [K in keyof S['shape']]: FormRule[] } {
  const out: Record<string, FormRule[]> = {};
  for (const [k, field] of Object.entries(schema.shape)) out[k] = [zodRule(field as z.ZodType)];
  return out as { [K in keyof S['shape']]: FormRule[] };
}

/**
 * Validates the whole object (cross-field refinements included) and puts each issue on its
 * field; returns the parsed value, or null when something is wrong.
 */
export function parseForm<S extends z.ZodType>(form: FormInstance, schema: S, values: unknown): z.output<S> | null {
  const cleaned = stripBlanks(values);
  const r = schema.safeParse(cleaned);
  if (r.success) return r.data;
  const byField = new Map<string, string[]>();
  for (const i of r.error.issues) {
    const name = String(i.path[0] ?? '');
    if (!name) continue;
    byField.set(name, [...(byField.get(name) ?? []), i.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return null;
}

/** Drops keys whose value is '' or undefined so optional API fields are absent. */
export function stripBlanks<T>(values: T): T {
  if (!values || typeof values !== 'object' || Array.isArray(values)) return values;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
    if (!blank(v) && v !== undefined) out[k] = v;
  }
  return out as T;
}

/** Only the fields the user changed, for PATCH bodies. */
export function changedFields<T extends Record<string, unknown>>(before: Partial<T>, after: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)) out[k] = after[k];
  }
  return out;
}

/**
 * For Popconfirm's onConfirm: keeps its spinner while the mutation runs, without an
 * unhandled rejection when it fails (the mutation cache has already shown the error).
 */
export function settled(p: Promise<unknown>): Promise<void> {
  return p.then(
    () => undefined,
    () => undefined,
  );
}
