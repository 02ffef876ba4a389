import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
export const SYSTEM_CHAIN = '000000';

/** JSON with sorted keys, so a row read back from jsonb hashes exactly as it was written. */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export type HashedFields = {
  county_code: string;
  seq: number;
  at: string; // ISO, millisecond precision
  user_id: number | null;
  username: string | null;
  ip: string | null;
  module: string;
  action: string;
  entity: string;
  entity_id: string | null;
  area_code: string | null;
  summary: string;
  before: unknown;
  after: unknown;
};

export function rowHash(prevHash: string, f: HashedFields): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(f)).digest('hex');
}
