import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { can, type Ctx } from '../http/context';
import { errors } from '../http/errors';
import { scopeCoversArea, scopeFilter, type Scope } from '../scope/scope';

/**
 * Who may see and write what in pairing and visits. The area part is the foundation's
 * `scopeFilter`; the rest is this module's:
 *
 *  - data scope 'self' (帮扶责任人): the households currently paired to the user's cadre
 *    record(s) — the owner condition goes through the pairing table, not an owner column;
 *  - a unit (帮扶单位, permission visit:unit:view): households currently paired to the unit's
 *    cadres, and every visit those cadres made;
 *  - area scopes (村 / 乡镇工作站 / 县): everything whose area lies in the subtree.
 *
 * The parts are OR-ed: a village clerk who is also a cadre sees the village and their own.
 */
export type VisitAccess = {
  scope: Scope;
  userId: number;
  unitOrgId: number | null;
};

export function accessOf(ctx: Ctx): VisitAccess {
  const unit = ctx.user.orgId && can(ctx, 'visit:unit:view') ? ctx.user.orgId : null;
  return { scope: ctx.scope, userId: ctx.user.id, unitOrgId: unit };
}

type AnyEb = ExpressionBuilder<any, any>;
export type Cond = (eb: AnyEb) => Expression<SqlBool>;

const TRUE = sql<SqlBool>`true`;
const FALSE = sql<SqlBool>`false`;

function areaPart(scope: Scope, area: string, county: string): Cond {
  return (eb) => scopeFilter<any, any>(scope, { area, county })(eb);
}

function either(parts: Cond[]): Cond {
  return (eb) => {
    if (!parts.length) return FALSE;
    if (parts.length === 1) return parts[0](eb);
    return eb.or(parts.map((p) => p(eb)));
  };
}

/** A household (alias.county_code, alias.id) currently paired to a cadre matching `who`. */
function currentlyPaired(alias: string, who: { userId?: number; unitOrgId?: number }, householdCol = 'id'): Cond {
  return () => {
    const cadreCond =
      who.userId !== undefined ? sql`c.user_id = ${who.userId}` : sql`c.unit_org_id = ${who.unitOrgId ?? -1}`;
    return sql<SqlBool>`EXISTS (
      SELECT 1 FROM pairing p JOIN cadre c ON c.county_code = p.county_code AND c.id = p.cadre_id
      WHERE p.county_code = ${sql.ref(`${alias}.county_code`)} AND p.household_id = ${sql.ref(`${alias}.${householdCol}`)}
        AND p.end_date IS NULL AND ${cadreCond})`;
  };
}

/** A row's cadre (alias.county_code, alias.<col>) matching `who`. */
function cadreIs(alias: string, col: string, who: { userId?: number; unitOrgId?: number }): Cond {
  return () => {
    const cadreCond =
      who.userId !== undefined ? sql`c.user_id = ${who.userId}` : sql`c.unit_org_id = ${who.unitOrgId ?? -1}`;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM cadre c WHERE c.county_code = ${sql.ref(`${alias}.county_code`)}
      AND c.id = ${sql.ref(`${alias}.${col}`)} AND ${cadreCond})`;
  };
}

/** Households (alias with county_code, id, area_code) the caller may see. */
export function householdVisible(a: VisitAccess, alias = 'h'): Cond {
  if (a.scope.kind === 'all') return () => TRUE;
  const parts: Cond[] = [];
  if (a.scope.kind === 'areas') parts.push(areaPart(a.scope, `${alias}.area_code`, `${alias}.county_code`));
  if (a.scope.kind === 'self') parts.push(currentlyPaired(alias, { userId: a.userId }));
  if (a.unitOrgId) parts.push(currentlyPaired(alias, { unitOrgId: a.unitOrgId }));
  return either(parts);
}

/**
 * Rows that belong to a household and a cadre (visits, tasks): visible with the household,
 * and also when the row's cadre is the caller (their own work) or one of their unit's cadres.
 */
export function householdRowVisible(a: VisitAccess, alias: string, cadreCol: string | null): Cond {
  if (a.scope.kind === 'all') return () => TRUE;
  const parts: Cond[] = [];
  if (a.scope.kind === 'areas') parts.push(areaPart(a.scope, `${alias}.area_code`, `${alias}.county_code`));
  if (a.scope.kind === 'self') {
    parts.push(currentlyPaired(alias, { userId: a.userId }, 'household_id'));
    if (cadreCol) parts.push(cadreIs(alias, cadreCol, { userId: a.userId }));
  }
  if (a.unitOrgId) {
    parts.push(currentlyPaired(alias, { unitOrgId: a.unitOrgId }, 'household_id'));
    if (cadreCol) parts.push(cadreIs(alias, cadreCol, { unitOrgId: a.unitOrgId }));
  }
  return either(parts);
}

/**
 * The county codes an area scope reaches, and the prefixes shorter than a county (province,
 * city) that reach whole sets of counties. Cadres, rules and other county-wide rows are
 * visible to anyone working inside the county: a township station pairs cadres of county
 * bureaus.
 */
export function countyReach(scope: Scope): { counties: string[]; prefixes: string[] } | 'all' | null {
  if (scope.kind === 'all') return 'all';
  if (scope.kind !== 'areas') return null;
  const counties = new Set<string>(scope.counties ?? []);
  const prefixes: string[] = [];
  for (const p of [...scope.below, ...scope.exact]) {
    if (p.length >= 6) counties.add(p.slice(0, 6));
    else prefixes.push(p);
  }
  return { counties: [...counties], prefixes };
}

export function reachesCounty(scope: Scope, countyCode: string): boolean {
  const r = countyReach(scope);
  if (r === 'all') return true;
  if (!r) return false;
  return r.counties.includes(countyCode) || r.prefixes.some((p) => countyCode.startsWith(p));
}

function countyPart(scope: Scope, col: string): Cond {
  return (eb) => {
    const r = countyReach(scope);
    if (r === 'all') return TRUE;
    if (!r) return FALSE;
    const parts: Expression<SqlBool>[] = [];
    if (r.counties.length) parts.push(sql<SqlBool>`${sql.ref(col)} = ANY(${r.counties}::text[])`);
    for (const p of r.prefixes) parts.push(sql<SqlBool>`${sql.ref(col)} LIKE ${p + '%'}`);
    return parts.length ? eb.or(parts) : FALSE;
  };
}

/** Cadres (alias with county_code, user_id, unit_org_id) the caller may see. */
export function cadreVisible(a: VisitAccess, alias = 'c'): Cond {
  if (a.scope.kind === 'all') return () => TRUE;
  const parts: Cond[] = [];
  if (a.scope.kind === 'areas') parts.push(countyPart(a.scope, `${alias}.county_code`));
  if (a.scope.kind === 'self') parts.push(() => sql<SqlBool>`${sql.ref(`${alias}.user_id`)} = ${a.userId}`);
  if (a.unitOrgId) parts.push(() => sql<SqlBool>`${sql.ref(`${alias}.unit_org_id`)} = ${a.unitOrgId}`);
  return either(parts);
}

/** County-wide rows (rules, exemptions of cadres) by their county_code column. */
export function countyVisible(a: VisitAccess, col: string): Cond {
  return countyPart(a.scope, col);
}

/** Rows placed in an area (villages of unit assignments, resident teams). */
export function areaVisible(a: VisitAccess, areaCol: string, countyCol: string, extra: Cond[] = []): Cond {
  if (a.scope.kind === 'all') return () => TRUE;
  const parts: Cond[] = [...extra];
  if (a.scope.kind === 'areas') parts.push(areaPart(a.scope, areaCol, countyCol));
  return either(parts);
}

/** Writes by area: the area must lie inside an area scope (self and unit access never write there). */
export function assertAreaWritable(a: VisitAccess, areaCode: string, what: string) {
  if (!scopeCoversArea(a.scope, areaCode)) throw errors.outOfScope(what);
}

export function assertCountyWritable(a: VisitAccess, countyCode: string, what: string) {
  if (a.scope.kind === 'self' || a.scope.kind === 'none' || !reachesCounty(a.scope, countyCode)) throw errors.outOfScope(what);
}

export function isSelfScoped(a: VisitAccess): boolean {
  return a.scope.kind === 'self';
}
