import { sql } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { areaVisible, householdRowVisible, householdVisible, type Cond, type VisitAccess } from '../access';

export const rateRepo = {
  async areaNames(db: DbOrTx, codes: string[]) {
    if (!codes.length) return new Map<string, { name: string; parentName: string | null }>();
    const rows = await db
      .selectFrom('area as a')
      .leftJoin('area as p', 'p.code', 'a.parent_code')
      .select(['a.code', 'a.name', 'p.name as parent_name'])
      .where(sql<boolean>`a.code = ANY(${[...new Set(codes)]}::text[])`)
      .execute();
    return new Map(rows.map((r) => [r.code, { name: r.name, parentName: r.parent_name }]));
  },
  async orgNames(db: DbOrTx, ids: number[]) {
    if (!ids.length) return new Map<number, string>();
    const rows = await db.selectFrom('org').select(['id', 'name']).where(sql<boolean>`id = ANY(${[...new Set(ids)]}::bigint[])`).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  },
  async cadreNames(db: DbOrTx, keys: { county: string; id: number }[]) {
    if (!keys.length) return new Map<string, { name: string; unitName: string }>();
    const rows = await db
      .selectFrom('cadre as c')
      .innerJoin('org as u', 'u.id', 'c.unit_org_id')
      .select(['c.county_code', 'c.id', 'c.name', 'u.name as unit_name'])
      // arrays, not lists: a county's rate by cadre names ≈ 40 k cadres
      .where(sql<boolean>`c.county_code = ANY(${[...new Set(keys.map((k) => k.county))]}::text[])`)
      .where(sql<boolean>`c.id = ANY(${[...new Set(keys.map((k) => k.id))]}::bigint[])`)
      .execute();
    return new Map(rows.map((r) => [`${r.county_code}:${r.id}`, { name: r.name, unitName: r.unit_name }]));
  },

  /** Key figures of the caller's view (the counts the seed's reports cite). */
  async counts(db: DbOrTx, access: VisitAccess, f: { areaPrefix?: string; first: string; last: string; today: string }) {
    const pairs = db
      .selectFrom('pairing as p')
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
      .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
      .where('p.end_date', 'is', null)
      .where((eb) => householdVisible(access, 'h')(eb))
      .$if(!!f.areaPrefix, (q) => q.where('h.area_code', 'like', `${f.areaPrefix}%`));
    const p = await pairs
      .select([
        sql<number>`count(*)::int`.as('households'),
        sql<number>`count(DISTINCT (p.county_code, p.cadre_id))::int`.as('cadres'),
        sql<number>`count(*) FILTER (WHERE c.status <> 'active')::int`.as('to_repair'),
      ])
      .executeTakeFirstOrThrow();
    const visits = await db
      .selectFrom('visit as v')
      .where('v.visit_date', '>=', f.first)
      .where('v.visit_date', '<=', f.last)
      .where((eb) => householdRowVisible(access, 'v', 'cadre_id')(eb))
      .$if(!!f.areaPrefix, (q) => q.where('v.area_code', 'like', `${f.areaPrefix}%`))
      .select([
        sql<number>`count(*)::int`.as('all'),
        sql<number>`count(*) FILTER (WHERE v.kind = 'home')::int`.as('home'),
        sql<number>`count(*) FILTER (WHERE coalesce(v.problems, '') <> '')::int`.as('problems'),
      ])
      .executeTakeFirstOrThrow();
    const tasks = await db
      .selectFrom('visit_task as k')
      .where((eb) => householdRowVisible(access, 'k', 'owner_cadre_id')(eb))
      .$if(!!f.areaPrefix, (q) => q.where('k.area_code', 'like', `${f.areaPrefix}%`))
      .select([
        sql<number>`count(*) FILTER (WHERE k.created_at >= ${f.first}::date AND k.created_at < ${f.last}::date + 1)::int`.as('opened'),
        sql<number>`count(*) FILTER (WHERE k.closed_on BETWEEN ${f.first} AND ${f.last})::int`.as('closed'),
        sql<number>`count(*) FILTER (WHERE k.status = 'open' AND k.deadline < ${f.today})::int`.as('overdue'),
      ])
      .executeTakeFirstOrThrow();
    const unitExtra: Cond[] = access.unitOrgId ? [() => sql`uv.unit_org_id = ${access.unitOrgId}`] : [];
    const units = await db
      .selectFrom('unit_village as uv')
      .where('uv.end_date', 'is', null)
      .where((eb) => areaVisible(access, 'uv.village_code', 'uv.county_code', unitExtra)(eb))
      .$if(!!f.areaPrefix, (q) => q.where('uv.village_code', 'like', `${f.areaPrefix}%`))
      .select(sql<number>`count(DISTINCT uv.unit_org_id)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const members = await db
      .selectFrom('resident_member as m')
      .innerJoin('resident_team as t', (j) => j.onRef('t.county_code', '=', 'm.county_code').onRef('t.id', '=', 'm.team_id'))
      .where('m.end_date', 'is', null)
      .where((eb) => areaVisible(access, 't.village_code', 't.county_code', access.unitOrgId ? [() => sql`t.sent_by_org_id = ${access.unitOrgId}`] : [])(eb))
      .$if(!!f.areaPrefix, (q) => q.where('t.village_code', 'like', `${f.areaPrefix}%`))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return {
      pairedHouseholds: Number(p.households),
      cadres: Number(p.cadres),
      householdsToRepair: Number(p.to_repair),
      unitsOnVillages: Number(units.n),
      residentMembers: Number(members.n),
      visitsThisYear: Number(visits.all),
      homeVisitsThisYear: Number(visits.home),
      visitsWithProblems: Number(visits.problems),
      tasksOpened: Number(tasks.opened),
      tasksClosed: Number(tasks.closed),
      tasksOverdue: Number(tasks.overdue),
    };
  },
};
