import { sql } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { containsPattern, pinyin } from '../../db/sql-helpers';
import { areaVisible, cadreVisible, countyVisible, householdVisible, type VisitAccess } from '../access';
import { monthRange } from '../rules';

type Page = { page: number; pageSize: number };
const offset = (p: Page) => (p.page - 1) * p.pageSize;

/** The household facts this module needs, only when the caller may see the household. */
export function findHousehold(db: DbOrTx, access: VisitAccess, id: number) {
  return db
    .selectFrom('household as h')
    .leftJoin('area as v', 'v.code', 'h.village_code')
    .select([
      'h.county_code',
      'h.id',
      'h.household_no',
      'h.head_name',
      'h.area_code',
      'h.village_code',
      'h.township_code',
      'h.status',
      'h.version',
      'h.phone',
      'h.address',
      'v.name as village_name',
    ])
    .where('h.id', '=', id)
    .where((eb) => householdVisible(access, 'h')(eb))
    .executeTakeFirst();
}
export type HouseholdFacts = NonNullable<Awaited<ReturnType<typeof findHousehold>>>;

export function findOrg(db: DbOrTx, id: number) {
  return db.selectFrom('org').select(['id', 'name', 'kind', 'county_code', 'area_code', 'status']).where('id', '=', id).executeTakeFirst();
}

export function findUser(db: DbOrTx, id: number) {
  return db.selectFrom('app_user').select(['id', 'name', 'username', 'county_code', 'status', 'phone']).where('id', '=', id).executeTakeFirst();
}

export function findArea(db: DbOrTx, code: string) {
  return db.selectFrom('area').select(['code', 'name', 'level', 'county_code', 'parent_code']).where('code', '=', code).executeTakeFirst();
}

// ------------------------------------------------------------------------------------------
// 单位包村

function unitVillageBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('unit_village as uv')
    .innerJoin('org as u', 'u.id', 'uv.unit_org_id')
    .innerJoin('area as v', 'v.code', 'uv.village_code')
    .leftJoin('area as t', 't.code', 'v.parent_code')
    .where((eb) =>
      areaVisible(access, 'uv.village_code', 'uv.county_code', access.unitOrgId ? [() => sql`uv.unit_org_id = ${access.unitOrgId}`] : [])(eb),
    );
}

const unitVillageCols = [
  'uv.county_code',
  'uv.id',
  'uv.unit_org_id',
  'u.name as unit_name',
  'uv.village_code',
  'v.name as village_name',
  't.name as township_name',
  'uv.is_lead',
  'uv.start_date',
  'uv.end_date',
  'uv.end_reason',
  'uv.note',
  'uv.version',
] as const;

export const unitVillageRepo = {
  async list(db: DbOrTx, access: VisitAccess, f: { areaPrefix?: string; unitOrgId?: number; current: boolean } & Page) {
    let q = unitVillageBase(db, access);
    if (f.areaPrefix) q = q.where('uv.village_code', 'like', `${f.areaPrefix}%`);
    if (f.unitOrgId) q = q.where('uv.unit_org_id', '=', f.unitOrgId);
    if (f.current) q = q.where('uv.end_date', 'is', null);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([...unitVillageCols])
      .orderBy('uv.village_code')
      .orderBy('uv.is_lead', 'desc')
      .orderBy(pinyin('u.name'))
      .limit(f.pageSize)
      .offset(offset(f))
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return unitVillageBase(db, access).select([...unitVillageCols]).where('uv.id', '=', id).executeTakeFirst();
  },
  currentLead(db: DbOrTx, county: string, villageCode: string) {
    return db
      .selectFrom('unit_village as uv')
      .innerJoin('org as u', 'u.id', 'uv.unit_org_id')
      .select(['uv.id', 'u.name as unit_name'])
      .where('uv.county_code', '=', county)
      .where('uv.village_code', '=', villageCode)
      .where('uv.is_lead', '=', true)
      .where('uv.end_date', 'is', null)
      .executeTakeFirst();
  },
  current(db: DbOrTx, county: string, villageCode: string, unitOrgId: number) {
    return db
      .selectFrom('unit_village')
      .select(['id'])
      .where('county_code', '=', county)
      .where('village_code', '=', villageCode)
      .where('unit_org_id', '=', unitOrgId)
      .where('end_date', 'is', null)
      .executeTakeFirst();
  },
  insert(
    db: DbOrTx,
    v: { county_code: string; unit_org_id: number; village_code: string; is_lead: boolean; start_date: string; note: string | null; created_by: number },
  ) {
    return db.insertInto('unit_village').values(v).returning(['county_code', 'id']).executeTakeFirstOrThrow();
  },
  update(db: DbOrTx, county: string, id: number, version: number, v: { is_lead?: boolean; note?: string | null }) {
    return db
      .updateTable('unit_village')
      .set({ ...v, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
  },
  end(db: DbOrTx, county: string, id: number, endDate: string, reason: string) {
    return db
      .updateTable('unit_village')
      .set({ end_date: endDate, end_reason: reason, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('end_date', 'is', null)
      .executeTakeFirst();
  },
};

// ------------------------------------------------------------------------------------------
// 帮扶干部

function cadreBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('cadre as c')
    .innerJoin('org as u', 'u.id', 'c.unit_org_id')
    .leftJoin('app_user as au', 'au.id', 'c.user_id')
    .where((eb) => cadreVisible(access, 'c')(eb));
}

const cadreCols = [
  'c.county_code',
  'c.id',
  'c.user_id',
  'au.username',
  'c.name',
  'c.unit_org_id',
  'u.name as unit_name',
  'c.post',
  'c.phone',
  'c.status',
  'c.status_since',
  'c.status_reason',
  'c.version',
] as const;

const pairedCount = sql<number>`(SELECT count(*)::int FROM pairing p WHERE p.county_code = c.county_code AND p.cadre_id = c.id AND p.end_date IS NULL)`;

export const cadreRepo = {
  async list(
    db: DbOrTx,
    access: VisitAccess,
    f: { countyCode?: string; unitOrgId?: number; status?: string; keyword?: string } & Page & { order: 'asc' | 'desc' },
  ) {
    let q = cadreBase(db, access);
    if (f.countyCode) q = q.where('c.county_code', '=', f.countyCode);
    if (f.unitOrgId) q = q.where('c.unit_org_id', '=', f.unitOrgId);
    if (f.status) q = q.where('c.status', '=', f.status as 'active');
    if (f.keyword) q = q.where((eb) => eb.or([eb('c.name', 'ilike', containsPattern(f.keyword!)), eb('c.post', 'ilike', containsPattern(f.keyword!))]));
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([...cadreCols, pairedCount.as('paired_count')])
      .orderBy(pinyin('u.name'), f.order)
      .orderBy(pinyin('c.name'), f.order)
      .orderBy('c.id')
      .limit(f.pageSize)
      .offset(offset(f))
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return cadreBase(db, access)
      .select([...cadreCols, pairedCount.as('paired_count')])
      .where('c.id', '=', id)
      .executeTakeFirst();
  },
  /** The cadre records of a login (one per county the person helps in). */
  ofUser(db: DbOrTx, userId: number) {
    return db.selectFrom('cadre').select(['county_code', 'id', 'name', 'status', 'unit_org_id']).where('user_id', '=', userId).execute();
  },
  byUserInCounty(db: DbOrTx, county: string, userId: number) {
    return db.selectFrom('cadre').select(['id']).where('county_code', '=', county).where('user_id', '=', userId).executeTakeFirst();
  },
  insert(
    db: DbOrTx,
    v: { county_code: string; user_id: number | null; name: string; unit_org_id: number; post: string | null; phone: string | null },
  ) {
    return db.insertInto('cadre').values(v).returning(['county_code', 'id']).executeTakeFirstOrThrow();
  },
  update(
    db: DbOrTx,
    county: string,
    id: number,
    version: number,
    v: Partial<{ user_id: number | null; name: string; unit_org_id: number; post: string | null; phone: string | null; status: 'active' | 'retired' | 'transferred'; status_since: string; status_reason: string }>,
  ) {
    return db
      .updateTable('cadre')
      .set({ ...v, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
  },
  async currentPairingCount(db: DbOrTx, county: string, cadreId: number) {
    const r = await db
      .selectFrom('pairing')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('county_code', '=', county)
      .where('cadre_id', '=', cadreId)
      .where('end_date', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
};

// ------------------------------------------------------------------------------------------
// 干部包户

function pairingBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('pairing as p')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
    .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
    .innerJoin('org as u', 'u.id', 'c.unit_org_id')
    .leftJoin('area as v', 'v.code', 'h.village_code')
    .where((eb) => householdVisible(access, 'h')(eb));
}

const pairingCols = [
  'p.county_code',
  'p.id',
  'p.household_id',
  'h.household_no',
  'h.head_name',
  'h.village_code',
  'h.area_code',
  'v.name as village_name',
  'p.cadre_id',
  'c.name as cadre_name',
  'c.status as cadre_status',
  'c.unit_org_id',
  'u.name as unit_name',
  'p.start_date',
  'p.end_date',
  'p.start_reason',
  'p.end_reason',
] as const;

export const pairingRepo = {
  async list(
    db: DbOrTx,
    access: VisitAccess,
    f: { householdId?: number; cadreId?: number; unitOrgId?: number; areaPrefix?: string; current: boolean; needsRepair?: boolean } & Page,
  ) {
    let q = pairingBase(db, access);
    if (f.householdId) q = q.where('p.household_id', '=', f.householdId);
    if (f.cadreId) q = q.where('p.cadre_id', '=', f.cadreId);
    if (f.unitOrgId) q = q.where('c.unit_org_id', '=', f.unitOrgId);
    if (f.areaPrefix) q = q.where('h.area_code', 'like', `${f.areaPrefix}%`);
    if (f.current || f.needsRepair) q = q.where('p.end_date', 'is', null);
    if (f.needsRepair) q = q.where('c.status', '<>', 'active');
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([...pairingCols])
      .orderBy('h.village_code')
      .orderBy('h.household_no')
      .orderBy('p.start_date', 'desc')
      .limit(f.pageSize)
      .offset(offset(f))
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return pairingBase(db, access).select([...pairingCols]).where('p.id', '=', id).executeTakeFirst();
  },
  /** Every pairing of a household, newest first (the history the service checks overlaps against). */
  history(db: DbOrTx, county: string, householdId: number) {
    return db
      .selectFrom('pairing as p')
      .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
      .select(['p.id', 'p.cadre_id', 'c.name as cadre_name', 'p.start_date', 'p.end_date'])
      .where('p.county_code', '=', county)
      .where('p.household_id', '=', householdId)
      .orderBy('p.start_date', 'desc')
      .orderBy('p.id', 'desc')
      .execute();
  },
  /** Was (or is) this cadre paired with the household on the date? */
  async pairedOn(db: DbOrTx, county: string, householdId: number, cadreId: number, date: string) {
    const r = await db
      .selectFrom('pairing')
      .select('id')
      .where('county_code', '=', county)
      .where('household_id', '=', householdId)
      .where('cadre_id', '=', cadreId)
      .where('start_date', '<=', date)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', date)]))
      .executeTakeFirst();
    return !!r;
  },
  insert(
    db: DbOrTx,
    v: { county_code: string; household_id: number; cadre_id: number; start_date: string; start_reason: string; created_by: number },
  ) {
    return db.insertInto('pairing').values(v).returning(['county_code', 'id']).executeTakeFirstOrThrow();
  },
  end(db: DbOrTx, county: string, id: number, endDate: string, reason: string, by: number) {
    return db
      .updateTable('pairing')
      .set({ end_date: endDate, end_reason: reason, ended_by: by, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('end_date', 'is', null)
      .executeTakeFirst();
  },
};

// ------------------------------------------------------------------------------------------
// 豁免

export const exemptionRepo = {
  async list(db: DbOrTx, access: VisitAccess, f: { householdId?: number; cadreId?: number; month?: string } & Page) {
    let q = db
      .selectFrom('visit_exemption as e')
      .leftJoin('household as h', (j) => j.onRef('h.county_code', '=', 'e.county_code').onRef('h.id', '=', 'e.household_id'))
      .leftJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'e.county_code').onRef('c.id', '=', 'e.cadre_id'))
      .where((eb) =>
        eb.or([
          eb.and([eb('e.household_id', 'is not', null), householdVisible(access, 'h')(eb)]),
          eb.and([eb('e.cadre_id', 'is not', null), cadreVisible(access, 'c')(eb)]),
        ]),
      );
    if (f.householdId) q = q.where('e.household_id', '=', f.householdId);
    if (f.cadreId) q = q.where('e.cadre_id', '=', f.cadreId);
    if (f.month) {
      const r = monthRange(f.month);
      q = q.where('e.from_date', '<=', r.last).where('e.to_date', '>=', r.first);
    }
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([
        'e.county_code',
        'e.id',
        'e.household_id',
        'h.household_no',
        'h.head_name',
        'e.cadre_id',
        'c.name as cadre_name',
        'e.from_date',
        'e.to_date',
        'e.reason',
        'e.revoked_at',
      ])
      .orderBy('e.from_date', 'desc')
      .orderBy('e.id', 'desc')
      .limit(f.pageSize)
      .offset(offset(f))
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return db
      .selectFrom('visit_exemption as e')
      .leftJoin('household as h', (j) => j.onRef('h.county_code', '=', 'e.county_code').onRef('h.id', '=', 'e.household_id'))
      .leftJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'e.county_code').onRef('c.id', '=', 'e.cadre_id'))
      .select([
        'e.county_code',
        'e.id',
        'e.household_id',
        'h.household_no',
        'h.head_name',
        'h.area_code',
        'e.cadre_id',
        'c.name as cadre_name',
        'e.from_date',
        'e.to_date',
        'e.reason',
        'e.revoked_at',
      ])
      .where('e.id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('e.household_id', 'is not', null), householdVisible(access, 'h')(eb)]),
          eb.and([eb('e.cadre_id', 'is not', null), countyVisible(access, 'e.county_code')(eb), cadreVisible(access, 'c')(eb)]),
        ]),
      )
      .executeTakeFirst();
  },
  insert(
    db: DbOrTx,
    v: { county_code: string; household_id: number | null; cadre_id: number | null; from_date: string; to_date: string; reason: string; created_by: number },
  ) {
    return db.insertInto('visit_exemption').values(v).returning(['county_code', 'id']).executeTakeFirstOrThrow();
  },
  revoke(db: DbOrTx, county: string, id: number, by: number) {
    return db
      .updateTable('visit_exemption')
      .set({ revoked_at: new Date(), revoked_by: by })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
  },
};

/**
 * 帮扶单位 a caller may pick: units of the counties the caller works in (a county bureau helps
 * villages of every township), or the caller's own unit.
 */
export function unitsReachable(db: DbOrTx, access: VisitAccess, keyword: string | undefined, limit: number) {
  let q = db
    .selectFrom('org as o')
    .innerJoin('area as a', 'a.code', 'o.area_code')
    .select(['o.id', 'o.name', 'o.county_code', 'a.name as area_name'])
    .where('o.kind', '=', 'unit')
    .where('o.status', '=', 'active')
    .where((eb) =>
      eb.or([
        countyVisible(access, 'o.county_code')(eb),
        ...(access.unitOrgId ? [eb('o.id', '=', access.unitOrgId)] : []),
      ]),
    );
  if (keyword) q = q.where('o.name', 'ilike', containsPattern(keyword));
  return q.orderBy(pinyin('o.name')).limit(limit).execute();
}
