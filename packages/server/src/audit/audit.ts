import { sql } from 'kysely';
import type { Tx } from '../db/db';
import type { Ctx } from '../http/context';
import { GENESIS_HASH, SYSTEM_CHAIN, rowHash } from './hash';

export type AuditEntry = {
  module: string;
  action: string;
  entity: string;
  entityId?: string | number | null;
  areaCode?: string | null;
  countyCode?: string | null;
  summary: string;
  before?: unknown;
  after?: unknown;
};

// Never log secrets, even hashed.
const SECRET_KEYS = new Set(['password', 'password_hash', 'passwordHash', 'token', 'token_hash', 'csrf_token']);
function scrub(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  const plain = JSON.parse(JSON.stringify(v));
  const walk = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(walk);
    if (o && typeof o === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(o)) out[k] = SECRET_KEYS.has(k) ? '******' : walk(val);
      return out;
    }
    return o;
  };
  return walk(plain);
}

/**
 * Appends one row to the operation log inside the caller's transaction, so the change and its
 * record commit or roll back together. Rows are chained per county (an advisory lock orders
 * writers of one chain; different counties never wait for each other).
 */
export async function writeAudit(tx: Tx, ctx: Ctx, e: AuditEntry): Promise<void> {
  const chain = e.countyCode ?? (e.areaCode && e.areaCode.length >= 6 ? e.areaCode.slice(0, 6) : SYSTEM_CHAIN);
  await sql`SELECT pg_advisory_xact_lock(hashtext(${'audit:' + chain}))`.execute(tx);
  const last = await tx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .where('county_code', '=', chain)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = (last?.seq ?? 0) + 1;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const at = new Date();
  const fields = {
    county_code: chain,
    seq,
    at: at.toISOString(),
    user_id: ctx.user.id || null,
    username: ctx.user.username,
    ip: ctx.ip,
    module: e.module,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId == null ? null : String(e.entityId),
    area_code: e.areaCode ?? null,
    summary: e.summary,
    before: scrub(e.before),
    after: scrub(e.after),
  };
  const hash = rowHash(prevHash, fields);
  await tx
    .insertInto('audit_log')
    .values({
      ...fields,
      at,
      request_id: ctx.requestId,
      before: fields.before === null ? null : JSON.stringify(fields.before),
      after: fields.after === null ? null : JSON.stringify(fields.after),
      prev_hash: prevHash,
      hash,
    })
    .execute();
}

/** Field-level difference for the log: only what changed, before and after. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    const x = before[k];
    const y = after[k];
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[k] = x;
      a[k] = y;
    }
  }
  return { before: b, after: a, changed: Object.keys(a) };
}
