import { sql, type Insertable } from 'kysely';
import type { DbOrTx } from '../../db/db';
import type { VisitTable } from '../../db/schema';
import { householdRowVisible, type VisitAccess } from '../access';

type Page = { page: number; pageSize: number };
const offset = (p: Page) => (p.page - 1) * p.pageSize;

/** Households by id, without any scope: the service decides what the caller may write. */
export function householdsByIds(db: DbOrTx, ids: number[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom('household')
    .select(['county_code', 'id', 'household_no', 'head_name', 'area_code', 'village_code', 'version', 'phone', 'address', 'status'])
    .where('id', 'in', ids)
    .execute();
}
export type HouseholdRow = Awaited<ReturnType<typeof householdsByIds>>[number];

/** Pairings of the given households overlapping [from, to], with their cadres. */
export function pairingsOf(db: DbOrTx, county: string, householdIds: number[], from: string, to: string) {
  if (!householdIds.length) return Promise.resolve([]);
  return db
    .selectFrom('pairing as p')
    .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
    .select(['p.household_id', 'p.cadre_id', 'c.user_id', 'c.name as cadre_name', 'p.start_date', 'p.end_date'])
    .where('p.county_code', '=', county)
    .where('p.household_id', 'in', householdIds)
    .where('p.start_date', '<=', to)
    .where((eb) => eb.or([eb('p.end_date', 'is', null), eb('p.end_date', '>=', from)]))
    .where(sql<boolean>`(p.end_date IS NULL OR p.end_date >= p.start_date)`)
    .execute();
}

function visitBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('visit as v')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'v.county_code').onRef('h.id', '=', 'v.household_id'))
    .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'v.county_code').onRef('c.id', '=', 'v.cadre_id'))
    .innerJoin('org as u', 'u.id', 'c.unit_org_id')
    .leftJoin('area as a', 'a.code', 'h.village_code')
    .where((eb) => householdRowVisible(access, 'v', 'cadre_id')(eb));
}

const visitCols = [
  'v.county_code',
  'v.id',
  'v.client_id',
  'v.household_id',
  'h.household_no',
  'h.head_name',
  'h.village_code',
  'a.name as village_name',
  'v.area_code',
  'v.cadre_id',
  'c.name as cadre_name',
  'c.user_id as cadre_user_id',
  'u.name as unit_name',
  'v.visit_date',
  'v.kind',
  'v.food_ok',
  'v.clothing_ok',
  'v.schooling_ok',
  'v.medical_ok',
  'v.housing_ok',
  'v.water_ok',
  'v.income_change',
  'v.income_note',
  'v.problems',
  'v.help_given',
  'v.policies_explained',
  'v.satisfaction',
  'v.gps_lat',
  'v.gps_lng',
  'v.gps_accuracy_m',
  'v.source',
  'v.household_conflict',
  'v.changes_status',
  'v.version',
  'v.created_at',
] as const;

export const visitRepo = {
  async list(
    db: DbOrTx,
    access: VisitAccess,
    f: { householdId?: number; cadreId?: number; unitOrgId?: number; areaPrefix?: string; from?: string; to?: string; kind?: string; withProblems?: boolean } & Page,
  ) {
    let q = visitBase(db, access);
    if (f.householdId) q = q.where('v.household_id', '=', f.householdId);
    if (f.cadreId) q = q.where('v.cadre_id', '=', f.cadreId);
    if (f.unitOrgId) q = q.where('c.unit_org_id', '=', f.unitOrgId);
    if (f.areaPrefix) q = q.where('v.area_code', 'like', `${f.areaPrefix}%`);
    if (f.from) q = q.where('v.visit_date', '>=', f.from);
    if (f.to) q = q.where('v.visit_date', '<=', f.to);
    if (f.kind) q = q.where('v.kind', '=', f.kind as 'home');
    if (f.withProblems) q = q.where(sql<boolean>`coalesce(v.problems, '') <> ''`);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([...visitCols])
      .orderBy('v.visit_date', 'desc')
      .orderBy('v.id', 'desc')
      .limit(f.pageSize)
      .offset(offset(f))
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return visitBase(db, access).select([...visitCols]).where('v.id', '=', id).executeTakeFirst();
  },
  /** The caller's visits by client id (after a batch), for the full items. */
  byIds(db: DbOrTx, access: VisitAccess, ids: number[]) {
    if (!ids.length) return Promise.resolve([]);
    return visitBase(db, access).select([...visitCols]).where('v.id', 'in', ids).execute();
  },
  /** The last `n` visits of each household, newest visit date first (the phone's bounded cache). */
  lastPerHousehold(db: DbOrTx, access: VisitAccess, county: string, householdIds: number[], n: number) {
    if (!householdIds.length || n <= 0) return Promise.resolve([]);
    // Per household, the newest n by one range of visit_household_date_idx (LATERAL … LIMIT):
    // a window over the households' visits read every visit they ever had, and its row
    // estimate sent the planner to hash the whole county's cadres.
    const newest = visitBase(db, access)
      .select([...visitCols])
      .where('v.county_code', '=', county)
      .where(sql<boolean>`v.household_id = x.hid`)
      .orderBy('v.visit_date', 'desc')
      .orderBy('v.id', 'desc')
      .limit(n);
    type Row = Awaited<ReturnType<(typeof newest)['execute']>>[number];
    // (the embedded query compiles in parentheses)
    return sql<Row>`SELECT r.* FROM unnest(${householdIds}::bigint[]) WITH ORDINALITY AS x(hid, ord)
      CROSS JOIN LATERAL ${newest} r
      ORDER BY x.ord, r.visit_date DESC, r.id DESC`
      .execute(db)
      .then((r) => r.rows);
  },
  byClientIds(db: DbOrTx, county: string, clientIds: string[]) {
    if (!clientIds.length) return Promise.resolve([]);
    return db
      .selectFrom('visit')
      .select(['county_code', 'id', 'client_id', 'household_id', 'version', 'household_conflict'])
      .where('county_code', '=', county)
      .where('client_id', 'in', clientIds)
      .execute();
  },
  insertMany(db: DbOrTx, rows: Insertable<VisitTable>[]) {
    if (!rows.length) return Promise.resolve([]);
    return db
      .insertInto('visit')
      .values(rows)
      .onConflict((oc) => oc.columns(['county_code', 'client_id']).doNothing())
      .returning(['county_code', 'id', 'client_id', 'version'])
      .execute();
  },
  update(db: DbOrTx, county: string, id: number, version: number, patch: Partial<Insertable<VisitTable>>) {
    return db
      .updateTable('visit')
      .set({ ...patch, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
  },
  /** Applies a contact change the visit found, only if nobody changed the household meanwhile. */
  updateHouseholdPhone(db: DbOrTx, county: string, id: number, seenVersion: number, phone: string) {
    return db
      .updateTable('household')
      .set({ phone, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', seenVersion)
      .executeTakeFirst();
  },
};

export type VisitRow = NonNullable<Awaited<ReturnType<typeof visitRepo.find>>>;

// ------------------------------------------------------------------------------------------
// photos

export const photoRepo = {
  ofVisits(db: DbOrTx, keys: { county: string; clientId: string }[]) {
    if (!keys.length) return Promise.resolve([]);
    const counties = [...new Set(keys.map((k) => k.county))];
    return db
      .selectFrom('visit_photo')
      .select(['county_code', 'id', 'client_id', 'visit_client_id', 'mime', 'size_bytes'])
      .where('county_code', 'in', counties)
      .where(
        'visit_client_id',
        'in',
        keys.map((k) => k.clientId),
      )
      .orderBy('id')
      .execute();
  },
  byClientId(db: DbOrTx, county: string, clientId: string) {
    return db.selectFrom('visit_photo').selectAll().where('county_code', '=', county).where('client_id', '=', clientId).executeTakeFirst();
  },
  async countOfVisit(db: DbOrTx, county: string, visitClientId: string) {
    const r = await db
      .selectFrom('visit_photo')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('county_code', '=', county)
      .where('visit_client_id', '=', visitClientId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  },
  insert(
    db: DbOrTx,
    v: {
      county_code: string;
      client_id: string;
      visit_client_id: string;
      household_id: number;
      area_code: string;
      mime: 'image/jpeg' | 'image/png' | 'image/webp';
      size_bytes: number;
      sha256: string;
      storage_key: string;
      uploaded_by: number;
    },
  ) {
    return db
      .insertInto('visit_photo')
      .values(v)
      .onConflict((oc) => oc.columns(['county_code', 'client_id']).doNothing())
      .returning(['id'])
      .executeTakeFirst();
  },
  /**
   * A photo the caller may download: through its visit when the visit has arrived (so a unit
   * sees its cadres' photos), otherwise through the household.
   */
  findVisible(db: DbOrTx, access: VisitAccess, id: number) {
    return db
      .selectFrom('visit_photo as p')
      .leftJoin('visit as v', (j) => j.onRef('v.county_code', '=', 'p.county_code').onRef('v.client_id', '=', 'p.visit_client_id'))
      .select(['p.county_code', 'p.id', 'p.mime', 'p.size_bytes', 'p.storage_key', 'p.client_id'])
      .where('p.id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('v.id', 'is not', null), householdRowVisible(access, 'v', 'cadre_id')(eb)]),
          eb.and([eb('v.id', 'is', null), householdRowVisible(access, 'p', null)(eb)]),
        ]),
      )
      .executeTakeFirst();
  },
};

// ------------------------------------------------------------------------------------------
// 问题整改

function taskBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('visit_task as k')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'k.county_code').onRef('h.id', '=', 'k.household_id'))
    .leftJoin('area as a', 'a.code', 'h.village_code')
    .leftJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'k.county_code').onRef('c.id', '=', 'k.owner_cadre_id'))
    .leftJoin('app_user as ou', 'ou.id', 'k.owner_user_id')
    .where((eb) => householdRowVisible(access, 'k', 'owner_cadre_id')(eb));
}

const taskCols = [
  'k.county_code',
  'k.id',
  'k.household_id',
  'h.household_no',
  'h.head_name',
  'a.name as village_name',
  'k.area_code',
  'k.visit_id',
  'k.problem',
  'k.category',
  'k.owner_cadre_id',
  'c.name as owner_cadre_name',
  'c.user_id as owner_cadre_user_id',
  'k.owner_user_id',
  'ou.name as owner_user_name',
  'k.deadline',
  'k.status',
  'k.evidence',
  'k.evidence_visit_id',
  'k.closed_on',
  'k.version',
] as const;

export const taskRepo = {
  async list(
    db: DbOrTx,
    access: VisitAccess,
    f: { status?: 'open' | 'closed'; householdId?: number; ownerCadreId?: number; areaPrefix?: string; overdueBefore?: string } & Page,
  ) {
    let q = taskBase(db, access);
    if (f.status) q = q.where('k.status', '=', f.status);
    if (f.householdId) q = q.where('k.household_id', '=', f.householdId);
    if (f.ownerCadreId) q = q.where('k.owner_cadre_id', '=', f.ownerCadreId);
    if (f.areaPrefix) q = q.where('k.area_code', 'like', `${f.areaPrefix}%`);
    if (f.overdueBefore) q = q.where('k.status', '=', 'open').where('k.deadline', '<', f.overdueBefore);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([...taskCols])
      .orderBy(sql`CASE WHEN k.status = 'open' THEN 0 ELSE 1 END`)
      .orderBy('k.deadline')
      .orderBy('k.id')
      .limit(f.pageSize)
      .offset(offset(f))
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return taskBase(db, access).select([...taskCols]).where('k.id', '=', id).executeTakeFirst();
  },
  insert(
    db: DbOrTx,
    v: {
      county_code: string;
      household_id: number;
      area_code: string;
      visit_id: number | null;
      problem: string;
      category: 'food' | 'clothing' | 'schooling' | 'medical' | 'housing' | 'water' | 'income' | 'other';
      owner_cadre_id: number | null;
      owner_user_id: number | null;
      deadline: string;
      created_by: number;
    },
  ) {
    return db.insertInto('visit_task').values(v).returning(['county_code', 'id']).executeTakeFirstOrThrow();
  },
  close(db: DbOrTx, county: string, id: number, version: number, v: { evidence: string; evidence_visit_id: number | null; closed_on: string; closed_by: number }) {
    return db
      .updateTable('visit_task')
      .set({ ...v, status: 'closed', version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', version)
      .where('status', '=', 'open')
      .executeTakeFirst();
  },
};
export type TaskRow = NonNullable<Awaited<ReturnType<typeof taskRepo.find>>>;
