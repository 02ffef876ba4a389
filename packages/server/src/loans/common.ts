import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { WorkingCalendar } from '@fupin/shared/calendar';
import { todayInChina } from '@fupin/shared/date';
import { fenToYuan } from '@fupin/shared/money';
import { loadCalendar } from '../calendar/service';
import type { DbOrTx, Tx } from '../db/db';
import type { Ctx } from '../http/context';
import type { Scope } from '../scope/scope';

export const today = () => todayInChina();
export const yuan = (fen: number) => `${fenToYuan(fen, { thousands: true })} 元`;

/** The shared working-day calendar (statutory holidays, 调休, the administrator's overrides). */
export function loanCalendar(db: DbOrTx): Promise<WorkingCalendar> {
  return loadCalendar(db);
}

/** The counties a scope reaches (county-wide records such as schemes and quotas). */
export function scopeCounties(scope: Scope): string[] | 'all' {
  if (scope.kind === 'all') return 'all';
  if (scope.kind !== 'areas') return [];
  if (scope.counties?.length) return scope.counties;
  return [...new Set([...scope.below, ...scope.exact].filter((p) => p.length >= 6).map((p) => p.slice(0, 6)))];
}

/** County-wide records (a scheme, a quota list) are readable by everyone working in the county. */
export function countyFilter(scope: Scope, column: string): RawBuilder<SqlBool> {
  const c = scopeCounties(scope);
  if (c === 'all') return sql<SqlBool>`true`;
  if (!c.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(column)} = ANY(${c}::text[])`;
}

/** A timestamp column as ISO 8601 text. */
export const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** May this user act for the whole county (schemes, quotas, county decisions)? */
export function coversCounty(scope: Scope, countyCode: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind !== 'areas') return false;
  return scope.below.some((p) => countyCode.startsWith(p)) || scope.exact.includes(countyCode);
}

/** The next serial number of a kind, e.g. SQ341202-2026-00017. */
export async function nextNumber(tx: Tx, countyCode: string, kind: string, year: number): Promise<string> {
  const r = await tx
    .insertInto('loan_number_seq')
    .values({ county_code: countyCode, kind, year, last: 1 })
    .onConflict((oc) => oc.columns(['county_code', 'kind', 'year']).doUpdateSet({ last: sql`loan_number_seq.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return `${kind}${countyCode}-${year}-${String(r.last).padStart(5, '0')}`;
}

export type Actor = { id: number | null; name: string; orgName: string | null; orgKind: string | null };

export async function actorOf(db: DbOrTx, ctx: Ctx): Promise<Actor> {
  const org = ctx.user.orgId
    ? await db.selectFrom('org').select(['name', 'kind']).where('id', '=', ctx.user.orgId).executeTakeFirst()
    : undefined;
  return { id: ctx.user.id || null, name: ctx.user.name, orgName: org?.name ?? null, orgKind: org?.kind ?? null };
}

export const countyOf = (areaCode: string) => areaCode.slice(0, 6);
