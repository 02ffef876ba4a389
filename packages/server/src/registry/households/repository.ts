import { sql, type Expression, type ExpressionBuilder, type Insertable, type Selectable, type SqlBool } from 'kysely';
import { normalizeIdInput } from '@fupin/shared';
import type { DbOrTx } from '../../db/db';
import type { Database, HouseholdTable, PersonTable } from '../../db/schema';
import { containsPattern } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';
import { inScope } from '../scope';
import type { HouseholdFilters, ListPersonsQuery } from './schemas';

 
type AnyEb = ExpressionBuilder<any, any>;

export type HouseholdRow = Selectable<HouseholdTable> & {
  village_name: string | null;
  township_name: string | null;
  group_name: string | null;
  head_id_number: string | null;
};
export type PersonRow = Selectable<PersonTable>;


/** The 18-character resident ID a search term or document number stands for. */
export function residentKey(raw: string): string {
  const s = normalizeIdInput(raw);
  return s.length === 20 ? s.slice(0, 18) : s;
}

/**
 * The names and the head's ID are looked up per listed household by primary key, as scalar
 * subqueries rather than LEFT JOINs: joined, their plan followed the statistics, and right after an
 * import those are stale (household analyzed after its first 1,000 rows, person not at all until
 * autovacuum), so for villages the stale statistics call common the planner joined the head by
 * reading and materializing every person of the county and filtering 0.6–1 million pairs —
 * 30–50 ms for a 20-row page at 20,000 households, growing with the county (bench/notes.md).
 * A subquery on a primary key is always an index probe, whatever the statistics say.
 * `h` is household or a derived table of its rows.
 */
function lookups(eb: AnyEb) {
  return [
    eb.selectFrom('area as v').select('v.name').whereRef('v.code', '=', 'h.village_code').as('village_name'),
    eb.selectFrom('area as t').select('t.name').whereRef('t.code', '=', 'h.township_code').as('township_name'),
    eb.selectFrom('area as g').select('g.name').whereRef('g.code', '=', 'h.area_code').where('g.level', '=', 6).as('group_name'),
    eb
      .selectFrom('person as hp')
      .select('hp.id_number')
      .whereRef('hp.county_code', '=', 'h.county_code')
      .whereRef('hp.id', '=', 'h.head_person_id')
      .as('head_id_number'),
  ];
}

function householdSelect(db: DbOrTx) {
  return db
    .selectFrom('household as h')
    .selectAll('h')
    .select((eb) => lookups(eb as AnyEb));
}

function filterHouseholds(f: HouseholdFilters, withStatus: boolean) {
  return (eb: AnyEb): Expression<SqlBool> => {
    const parts: Expression<SqlBool>[] = [];
    if (f.countyCode) parts.push(eb('h.county_code', '=', f.countyCode));
    if (f.townshipCode) parts.push(eb('h.township_code', '=', f.townshipCode));
    if (f.villageCode) parts.push(eb('h.village_code', '=', f.villageCode));
    if (f.areaCode) parts.push(sql<SqlBool>`h.area_code LIKE ${f.areaCode + '%'}`);
    if (withStatus && f.status?.length) parts.push(eb('h.status', 'in', f.status));
    if (f.category) parts.push(eb('h.category', '=', f.category));
    if (f.cause) parts.push(eb.or([eb('h.main_cause', '=', f.cause), sql<SqlBool>`${f.cause} = ANY(h.secondary_causes)`]));
    if (f.hasIssues === true) parts.push(eb('h.quality_issue_count', '>', 0));
    if (f.hasIssues === false) parts.push(eb('h.quality_issue_count', '=', 0));
    if (f.keyword) {
      const k = f.keyword;
      parts.push(eb.or([eb('h.head_name', 'like', containsPattern(k)), eb('h.household_no', 'like', `${k.replace(/\D/g, '') || '-'}%`)]));
    }
    const member = (col: 'health' | 'labour', v: string) =>
      sql<SqlBool>`EXISTS (SELECT 1 FROM person p WHERE p.county_code = h.county_code AND p.household_id = h.id AND p.status = 'active' AND ${sql.ref('p.' + col)} = ${v})`;
    if (f.health) parts.push(member('health', f.health));
    if (f.labour) parts.push(member('labour', f.labour));
    // an exact ID is resolved to its household first (householdOfId): one index look-up, not a
    // check per household
    if (f.idNumber) {
      const hit = (f as HouseholdFilters & { idHousehold?: { county: string; id: number } | null }).idHousehold;
      parts.push(hit ? eb.and([eb('h.county_code', '=', hit.county), eb('h.id', '=', hit.id)]) : sql<SqlBool>`false`);
    }
    return parts.length ? eb.and(parts) : sql<SqlBool>`true`;
  };
}

const SORTS: Record<string, string> = {
  householdNo: 'h.household_no',
  memberCount: 'h.member_count',
  netIncomePerCapita: 'h.net_income_per_capita_fen',
  updatedAt: 'h.updated_at',
  status: 'h.status',
};

export const householdRepo = {
  find(db: DbOrTx, scope: Scope, id: number): Promise<HouseholdRow | undefined> {
    return householdSelect(db)
      .where('h.id', '=', id)
      .where((eb) => inScope(scope, 'h')(eb))
      .executeTakeFirst() as Promise<HouseholdRow | undefined>;
  },

  /** Locks the household row for a command; scope applied, so out of scope is "not found". */
  async lock(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('household as h')
      .selectAll('h')
      .where('h.id', '=', id)
      .where((eb) => inScope(scope, 'h')(eb))
      .forUpdate()
      .executeTakeFirst();
  },

  async list(db: DbOrTx, scope: Scope, f: HouseholdFilters, page: { page: number; pageSize: number; sort?: string; order?: 'asc' | 'desc' }) {
    const dir = page.order === 'desc' ? 'desc' : 'asc';
    const key = !page.sort || page.sort === 'name' ? sql`h.head_name COLLATE "zh-x-icu"` : sql.ref(SORTS[page.sort]);
    // The page's households first, the look-ups for those rows only: in one level they ran for
    // every row the OFFSET skips as well (4 probes each).
    const pageRows = db
      .selectFrom('household as h')
      .selectAll('h')
      .where((eb) => inScope(scope, 'h')(eb))
      .where((eb) => filterHouseholds(f, true)(eb))
      .orderBy(key, dir)
      .orderBy('h.id', dir)
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize);
    return (await db
      .selectFrom(pageRows.as('h'))
      .selectAll('h')
      .select((eb) => lookups(eb as AnyEb))
      .orderBy(key, dir)
      .orderBy('h.id', dir)
      .execute()) as HouseholdRow[];
  },

  /** One page of a filtered export, in household-number order (so villages stay together), by keyset. */
  exportPage(db: DbOrTx, scope: Scope, f: HouseholdFilters, after: { county: string; no: string } | null, limit: number) {
    let q = householdSelect(db)
      .where((eb) => inScope(scope, 'h')(eb))
      .where((eb) => filterHouseholds(f, true)(eb));
    if (after) q = q.where(sql<SqlBool>`(h.county_code, h.household_no) > (${after.county}, ${after.no})`);
    return q.orderBy('h.county_code').orderBy('h.household_no').limit(limit).execute() as Promise<HouseholdRow[]>;
  },

  /** The active members of one export page's households, by household then birth date. */
  exportMembers(db: DbOrTx, countyCode: string, householdIds: number[]) {
    return db
      .selectFrom('person')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('household_id', 'in', householdIds)
      .where('status', '=', 'active')
      .orderBy('household_id')
      .orderBy('birth_date')
      .execute();
  },

  /** Households per status under the filters other than status (the counts above a list). */
  async statusCounts(db: DbOrTx, scope: Scope, f: HouseholdFilters): Promise<Record<string, number>> {
    const rows = await db
      .selectFrom('household as h')
      .select(['h.status', sql<number>`count(*)::int`.as('n')])
      .where((eb) => inScope(scope, 'h')(eb))
      .where((eb) => filterHouseholds(f, false)(eb))
      .groupBy('h.status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  },

  async nextHouseholdNo(db: DbOrTx, countyCode: string, villageCode: string): Promise<string> {
    // Serialises numbering within one village; other villages never wait.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${'hhno:' + villageCode}))`.execute(db);
    // A range on the unique (county_code, household_no) index, read backwards: LIKE 'village%'
    // cannot use that index under a non-C collation and would scan the county.
    const width = villageCode.length + 4;
    const r = await db
      .selectFrom('household')
      .select('household_no as max')
      .where('county_code', '=', countyCode)
      .where('household_no', '>=', `${villageCode}0000`)
      .where('household_no', '<=', `${villageCode}9999`)
      .where(sql<boolean>`length(household_no) = ${width}`)
      .orderBy('household_no', 'desc')
      .limit(1)
      .executeTakeFirst();
    const next = r?.max ? Number(r.max.slice(villageCode.length)) + 1 : 1;
    return villageCode + String(next).padStart(4, '0');
  },

  householdNoTaken(db: DbOrTx, countyCode: string, no: string, exceptId?: number) {
    let q = db.selectFrom('household').select('id').where('county_code', '=', countyCode).where('household_no', '=', no);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return q.executeTakeFirst();
  },

  insert(db: DbOrTx, row: Insertable<Database['household']>) {
    return db.insertInto('household').values(row).returning(['id', 'county_code']).executeTakeFirstOrThrow();
  },

  members(db: DbOrTx, countyCode: string, householdId: number, opts: { activeOnly?: boolean; forUpdate?: boolean } = {}) {
    let q = db.selectFrom('person').selectAll().where('county_code', '=', countyCode).where('household_id', '=', householdId);
    if (opts.activeOnly) q = q.where('status', '=', 'active');
    q = q.orderBy(sql`CASE status WHEN 'active' THEN 0 ELSE 1 END`).orderBy(sql`CASE relation WHEN 'head' THEN 0 ELSE 1 END`).orderBy('birth_date').orderBy('id');
    if (opts.forUpdate) q = q.forUpdate();
    return q.execute();
  },

  findPerson(db: DbOrTx, scope: Scope, id: number, opts: { forUpdate?: boolean } = {}) {
    let q = db
      .selectFrom('person as p')
      .selectAll('p')
      .where('p.id', '=', id)
      .where((eb) => inScope(scope, 'p')(eb));
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  },

  async listPersons(db: DbOrTx, scope: Scope, f: ListPersonsQuery, today: string) {
    const where = (eb: AnyEb): Expression<SqlBool> => {
      const parts: Expression<SqlBool>[] = [inScope(scope, 'p')(eb)];
      if (f.countyCode) parts.push(eb('p.county_code', '=', f.countyCode));
      if (f.townshipCode) parts.push(eb('h.township_code', '=', f.townshipCode));
      if (f.villageCode) parts.push(eb('h.village_code', '=', f.villageCode));
      if (f.name) parts.push(eb('p.name', 'like', containsPattern(f.name)));
      if (f.idNumber) {
        const key = residentKey(f.idNumber);
        parts.push(sql<SqlBool>`(p.id_number = ${key} OR left(p.id_number, 18) = ${key})`);
      }
      if (f.sex) parts.push(eb('p.sex', '=', f.sex));
      if (f.relation) parts.push(eb('p.relation', '=', f.relation));
      if (f.health) parts.push(eb('p.health', '=', f.health));
      if (f.labour) parts.push(eb('p.labour', '=', f.labour));
      if (f.schooling) parts.push(eb('p.schooling', '=', f.schooling));
      if (f.status !== 'all') parts.push(eb('p.status', '=', f.status ?? 'active'));
      if (f.householdStatus?.length) parts.push(eb('h.status', 'in', f.householdStatus));
      if (f.ageMin != null) parts.push(eb('p.birth_date', '<=', yearsBefore(today, f.ageMin)));
      if (f.ageMax != null) parts.push(eb('p.birth_date', '>', yearsBefore(today, f.ageMax + 1)));
      return eb.and(parts);
    };
    const base = db
      .selectFrom('person as p')
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
      .where((eb) => where(eb));
    const dir = f.order === 'desc' ? 'desc' : 'asc';
    let q = base
      .leftJoin('area as v', 'v.code', 'h.village_code')
      .leftJoin('area as t', 't.code', 'h.township_code')
      .selectAll('p')
      .select(['h.household_no', 'h.status as household_status', 'h.head_name', 'v.name as village_name', 't.name as township_name']);
    if (f.sort === 'birthDate') q = q.orderBy('p.birth_date', dir);
    else if (f.sort === 'householdNo') q = q.orderBy('h.household_no', dir);
    else q = q.orderBy(sql`p.name COLLATE "zh-x-icu"`, dir);
    const [rows, total] = await Promise.all([
      q.orderBy('p.id', dir).limit(f.pageSize).offset((f.page - 1) * f.pageSize).execute(),
      base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: total.n };
  },

  /**
   * The exact-ID search in one statement: the ID index (primary key), its person (primary key) and
   * the household (primary key), with scope and the other filters applied — all but status, which
   * the caller applies so the status counts stay those of the filters without it.
   */
  findByResidentId(db: DbOrTx, scope: Scope, f: HouseholdFilters & { idNumber: string }): Promise<HouseholdRow | undefined> {
    const key = residentKey(f.idNumber);
    return householdSelect(db)
      .where(
        sql<SqlBool>`(h.county_code, h.id) = (SELECT p.county_code, p.household_id FROM person_id_index i
          JOIN person p ON p.county_code = i.county_code AND p.id = i.person_id WHERE i.id_number = ${key})`,
      )
      .where((eb) => inScope(scope, 'h')(eb))
      .where((eb) => filterHouseholds({ ...f, idNumber: undefined }, false)(eb))
      .executeTakeFirst() as Promise<HouseholdRow | undefined>;
  },

  /** The household where a resident ID (or a document number containing it) is active. */
  async householdOfId(db: DbOrTx, raw: string): Promise<{ county: string; id: number } | null> {
    const r = await db
      .selectFrom('person_id_index as i')
      .innerJoin('person as p', (j) => j.onRef('p.county_code', '=', 'i.county_code').onRef('p.id', '=', 'i.person_id'))
      .select(['p.county_code', 'p.household_id'])
      .where('i.id_number', '=', residentKey(raw))
      .executeTakeFirst();
    return r ? { county: r.county_code, id: r.household_id } : null;
  },

  /** The active person (anywhere) holding this resident ID, with where they live — for the 409. */
  holderOf(db: DbOrTx, residentId: string) {
    return db
      .selectFrom('person_id_index as i')
      .innerJoin('person as p', (j) => j.onRef('p.county_code', '=', 'i.county_code').onRef('p.id', '=', 'i.person_id'))
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
      .leftJoin('area as v', 'v.code', 'h.village_code')
      .leftJoin('area as t', 't.code', 'h.township_code')
      .select(['p.id as person_id', 'p.household_id', 'p.county_code', 'h.household_no', 'v.name as village_name', 't.name as township_name'])
      .where('i.id_number', '=', residentId)
      .executeTakeFirst();
  },

  /**
   * Claims resident IDs for new active persons, first thing in the transaction, so a duplicate
   * fails before anything else is written. Returns the IDs already held by someone.
   */
  async claimIds(db: DbOrTx, countyCode: string, ids: string[]): Promise<string[]> {
    if (!ids.length) return [];
    const r = await sql<{ id_number: string }>`
      INSERT INTO person_id_index (id_number, county_code, person_id)
      SELECT x, ${countyCode}, 0 FROM unnest(${ids}::text[]) AS x
      ON CONFLICT (id_number) DO NOTHING
      RETURNING id_number`.execute(db);
    const got = new Set(r.rows.map((x) => x.id_number));
    return ids.filter((i) => !got.has(i));
  },

  /**
   * The `= ANY(keys)` beside the join is for the planner: without it an UPDATE … FROM unnest()
   * hash-joins against a sequential scan of the whole table, so every batch of an import would
   * cost as much as the table (the same pattern is used wherever rows are updated from arrays).
   */
  async pointIds(db: DbOrTx, pairs: { residentId: string; personId: number }[]) {
    if (!pairs.length) return;
    await sql`
      UPDATE person_id_index i SET person_id = x.pid
      FROM unnest(${pairs.map((p) => p.residentId)}::text[], ${pairs.map((p) => p.personId)}::bigint[]) AS x(idn, pid)
      WHERE i.id_number = x.idn AND i.id_number = ANY(${pairs.map((p) => p.residentId)}::text[])`.execute(db);
  },

  /** Frees the resident IDs held by the active members of one household (its cancellation). */
  releaseHouseholdIds(db: DbOrTx, countyCode: string, householdId: number) {
    // by the index's key (id_number): person_id has no index of its own
    return sql`
      DELETE FROM person_id_index i USING person p
      WHERE p.county_code = ${countyCode} AND p.household_id = ${householdId} AND p.status = 'active'
        AND i.id_number = left(p.id_number, 18) AND i.county_code = p.county_code AND i.person_id = p.id`.execute(db);
  },

  releaseIds(db: DbOrTx, ids: string[]) {
    if (!ids.length) return Promise.resolve();
    return db.deleteFrom('person_id_index').where('id_number', 'in', ids).execute();
  },

  insertPersons(db: DbOrTx, rows: Insertable<Database['person']>[]) {
    return db.insertInto('person').values(rows).returning(['id', 'id_number']).execute();
  },
};

/** The date `years` years before `date` (29 February falls back to the 28th). */
export function yearsBefore(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) - years;
  let md = date.slice(5);
  if (md === '02-29' && !((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) md = '02-28';
  return `${String(y).padStart(4, '0')}-${md}`;
}
