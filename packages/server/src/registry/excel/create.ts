/**
 * New households of an import, written set-wise: one statement per table for a whole batch, every
 * row complete on its first write.
 *
 * The ids come from the tables' own sequences before anything is inserted, so the household row
 * already carries its head, member count, per-capita income and quality-issue count, and the
 * resident-ID claims already point at their person. The former design inserted and then UPDATEd
 * (head, counts, ID index): each of those updates rewrote every index entry of the fresh rows —
 * household has ten indexes, three of them ICU-collated — and cost as much as the inserts.
 *
 * The data-quality rules run in memory on exactly the values being written (the same pure
 * `householdIssues` the nightly run and every save use), instead of reading the batch back; the one
 * rule that needs the database — the same resident active in another household — is one indexed
 * query per batch. The issues are written in the same transaction, so a household and its verdict
 * commit together.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { maskIdNumber } from '@fupin/shared';
import type { Tx } from '../../db/db';
import type { Ctx } from '../../http/context';
import { AppError } from '../../http/errors';
import { householdIssues, perCapitaFen, type HouseholdIssue, type PersonFacts } from '../rules';
import type { Phases } from './phases';
import type { HouseholdDraft } from './importer';

type Plan = { draft: HouseholdDraft; prepared?: PreparedHousehold };

/** The household columns an import may fill, with their SQL types (for unnest). */
const HOUSEHOLD_FILE_COLUMNS: [string, string][] = [
  ['address', 'text'],
  ['phone', 'text'],
  ['bank_name', 'text'],
  ['bank_account', 'text'],
  ['category', 'text'],
  ['identification_standard', 'text'],
  ['identification_year', 'smallint'],
  ['main_cause', 'text'],
  ['housing_safety', 'text'],
  ['water_safe', 'boolean'],
  ['electricity', 'boolean'],
  ['food_clothing_secured', 'boolean'],
  ['education_secured', 'boolean'],
  ['medical_secured', 'boolean'],
  ['income_year', 'smallint'],
  ['income_wages_fen', 'bigint'],
  ['income_business_fen', 'bigint'],
  ['income_transfer_fen', 'bigint'],
  ['income_property_fen', 'bigint'],
  ['pref_family_planning', 'boolean'],
  ['pref_veteran', 'boolean'],
];

const PERSON_COLUMNS: [string, string][] = [
  ['county_code', 'text'],
  ['id', 'bigint'],
  ['household_id', 'bigint'],
  ['area_code', 'text'],
  ['name', 'text'],
  ['sex', 'text'],
  ['id_kind', 'text'],
  ['id_number', 'text'],
  ['birth_date', 'date'],
  ['relation', 'text'],
  ['ethnicity', 'text'],
  ['education', 'text'],
  ['schooling', 'text'],
  ['health', 'text'],
  ['disability_grade', 'smallint'],
  ['disability_category', 'smallint'],
  ['labour', 'text'],
  ['work_status', 'text'],
  ['work_months', 'smallint'],
  ['civil_capacity', 'text'],
  ['medical_insurance', 'boolean'],
  ['pension_insurance', 'boolean'],
  ['phone', 'text'],
  ['status', 'text'],
  ['joined_date', 'date'],
  ['joined_reason', 'text'],
];

/**
 * `INSERT INTO t (cols) OVERRIDING SYSTEM VALUE SELECT … FROM unnest(one array per column)`; a
 * column typed `text[]` travels as one array literal per row (unnest would flatten a 2-D array).
 */
function insertArrays(tx: Tx, table: string, columns: [string, string][], rows: Record<string, unknown>[]) {
  return insertColumns(tx, table, columns, Object.fromEntries(columns.map(([c]) => [c, rows.map((r) => (r[c] === undefined ? null : r[c]))])));
}

const NEEDS_ESCAPE = /["\\]/;
/**
 * A column's values as one array literal (`{"a","b",NULL,3}`), sent as a text parameter. The driver
 * would build the same literal, but with two regular-expression replacements per element; here an
 * element is only escaped when it holds a quote or backslash (the CPU profile showed the driver's
 * array building at ≈ 0.4 s per 20,000 households, inside the write transaction).
 */
export function arrayLiteral(values: unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (typeof v === 'number' || typeof v === 'boolean') out += String(v);
    else {
      const x = String(v);
      out += NEEDS_ESCAPE.test(x) ? `"${x.replace(/["\\]/g, '\\$&')}"` : `"${x}"`;
    }
  }
  return out + '}';
}

/** The same with the values already in one array per column. */
function insertColumns(tx: Tx, table: string, columns: [string, string][], values: Record<string, unknown[]>) {
  const cols = columns.map(([c]) => sql.ref(c));
  const arrays = columns.map(([c, t]) => sql`${arrayLiteral(values[c])}::${sql.raw(t === 'text[]' ? 'text' : t)}[]`);
  const select = columns.map(([, t], i) => sql.raw(t === 'text[]' ? `c${i}::text[]` : `c${i}`));
  const alias = sql.raw(`t(${columns.map((_, i) => `c${i}`).join(', ')})`);
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(cols)}) OVERRIDING SYSTEM VALUE SELECT ${sql.join(select)} FROM unnest(${sql.join(arrays)}) AS ${alias}`.execute(tx);
}

/** A value in COPY's text format: \\N for NULL; backslash, tab and line ends escaped. */
function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  const x = String(v);
  return COPY_ESCAPE.test(x) ? x.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : x;
}
const COPY_ESCAPE = /[\\\t\n\r]/;

/**
 * Rows by COPY on the transaction's own connection (so inside the batch's transaction): no
 * function scan of one unnested array per column, and PostgreSQL inserts the rows in groups
 * (heap_multi_insert) — the indexes and the foreign-key check cost the same as for INSERT.
 */
async function copyColumns(client: pg.PoolClient, table: string, columns: [string, string][], values: unknown[][], n: number) {
  const lines: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    let line = copyValue(values[0][r]);
    for (let c = 1; c < columns.length; c++) line += '\t' + copyValue(values[c][r]);
    lines[r] = line;
  }
  await pipeline(Readable.from([lines.join('\n') + '\n']), client.query(copyFrom(`COPY ${table} (${columns.map(([c]) => c).join(', ')}) FROM STDIN`)));
}

// The sequences' names, looked up once per process: passed to nextval() as a constant.
let sequences: Promise<{ h: string; p: string }> | null = null;
const sequenceNames = (tx: Tx) =>
  (sequences ??= sql<{ h: string; p: string }>`SELECT pg_get_serial_sequence('household', 'id') AS h, pg_get_serial_sequence('person', 'id') AS p`
    .execute(tx)
    .then((r) => r.rows[0])
    .catch((e) => {
      sequences = null;
      throw e;
    }));

/**
 * `h` household ids and `p` person ids from the tables' identity sequences, in one round trip.
 * The sequence is named as a constant: written as `nextval(pg_get_serial_sequence(…))` the name
 * was looked up in the catalogue once per row, which was three quarters of the cost (90,000 ids:
 * 430 ms → 120 ms, measured). Plain nextval — the sequences keep cache 1 — stays correct under
 * concurrent imports and saves with no lock of ours; see docs/registry-import.md.
 */
async function allocIds(tx: Tx, h: number, p: number): Promise<[number[], number[]]> {
  const seq = await sequenceNames(tx);
  const r = await sql<{ h: number[]; p: number[] }>`
    SELECT ARRAY(SELECT nextval(${sql.lit(seq.h)}::regclass) FROM generate_series(1, ${h}::int)) AS h,
           ARRAY(SELECT nextval(${sql.lit(seq.p)}::regclass) FROM generate_series(1, ${p}::int)) AS p`.execute(tx);
  return [r.rows[0].h.map(Number), r.rows[0].p.map(Number)];
}

/**
 * The next free number of each village, for all villages of a batch in one statement: the
 * villages' numbering locks (taken in a fixed order, so two imports cannot deadlock) and a
 * backward range read of the unique (county_code, household_no) index per village.
 */
async function nextNumbers(tx: Tx, county: string, villages: string[]): Promise<Map<string, number>> {
  const sorted = [...villages].sort();
  await sql`SELECT pg_advisory_xact_lock(hashtext('hhno:' || v)) FROM unnest(${sorted}::text[]) AS v ORDER BY v`.execute(tx);
  const r = await sql<{ v: string; max: string | null }>`
    SELECT v, (SELECT household_no FROM household
               WHERE county_code = ${county} AND household_no >= v || '0000' AND household_no <= v || '9999' AND length(household_no) = length(v) + 4
               ORDER BY household_no DESC LIMIT 1) AS max
    FROM unnest(${sorted}::text[]) AS v`.execute(tx);
  return new Map(r.rows.map((x) => [x.v, x.max ? Number(x.max.slice(x.v.length)) + 1 : 1]));
}

/** A text[] literal (dictionary codes; quoted so any text survives). */
const textArray = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/** A new household's rows and data-quality verdict, computed before its write transaction. */
export type PreparedHousehold = {
  household: Record<string, unknown>;
  /** person ids are the members' places in the household (1, 2, …) until the real ids are known */
  issues: HouseholdIssue[];
  headLocal: number | null;
};

/**
 * The JavaScript of a new household's write — the data-quality rules on exactly the values to be
 * written, and its rows — done ahead: the importer runs it for batch n+1 while batch n's
 * statements run in the database, so the write transaction only fills in ids and numbers. (Done
 * inside the transaction it was 1.0–2.0 s of the 20,000-household import during which the
 * database waited.) The rules need person ids only to tell members apart and to name them in an
 * issue: the members' places stand in for them.
 */
export function prepareHousehold(d: HouseholdDraft, day: string): PreparedHousehold {
  const f = d.fields;
  const income = { wagesFen: f.income_wages_fen as number, businessFen: f.income_business_fen as number, transferFen: f.income_transfer_fen as number, propertyFen: f.income_property_fen as number };
  const n = d.members.length;
  const pc = perCapitaFen(income, n);
  const headIdx = d.members.findIndex((m) => m.relation === 'head');
  const headLocal = headIdx >= 0 ? headIdx + 1 : null;
  const people: PersonFacts[] = d.members.map((m, j) => ({
    id: j + 1,
    name: m.name,
    relation: m.relation,
    birthDate: m.birthDate,
    sex: m.sex,
    idKind: m.idKind,
    idNumber: m.idNumber,
    status: 'active',
    ethnicity: m.ethnicity,
    education: m.education,
    schooling: m.schooling,
    health: m.health,
    disabilityGrade: m.disabilityGrade,
    labour: m.labour,
    workStatus: m.workStatus,
    workMonths: m.workMonths,
  }));
  const issues: HouseholdIssue[] = householdIssues(
    {
      status: d.status,
      address: (f.address as string) ?? null,
      category: (f.category as string) ?? null,
      mainCause: (f.main_cause as string) ?? null,
      identificationYear: (f.identification_year as number) ?? null,
      housingSafety: (f.housing_safety as string) ?? null,
      waterSafe: (f.water_safe as boolean) ?? null,
      incomeYear: (f.income_year as number) ?? null,
      memberCount: n,
      headPersonId: headLocal,
      income,
      netIncomePerCapitaFen: pc,
    },
    people,
    day,
  );
  const household: Record<string, unknown> = {
    county_code: null,
    id: null,
    household_no: null,
    head_person_id: null,
    quality_issue_count: 0,
    ...f,
    secondary_causes: textArray((f.secondary_causes as string[]) ?? []),
    area_code: d.place.areaCode,
    township_code: d.place.townshipCode,
    village_code: d.place.villageCode,
    head_name: headIdx >= 0 ? d.members[headIdx].name : null,
    member_count: n,
    net_income_per_capita_fen: pc,
    status: d.status,
    status_since: day,
  };
  return { household, issues, headLocal };
}

/** A household number taken in the meantime (household's unique key) as the import's own error. */
function numberConflict(e: unknown): AppError | null {
  const x = e as { code?: string; constraint?: string; detail?: string };
  if (x?.code !== '23505' || x.constraint !== 'household_county_code_household_no_key') return null;
  const no = /=\([^,]*, ([^)]*)\)/.exec(x.detail ?? '')?.[1] ?? '';
  return new AppError(409, 'E2005', `户编号 ${no} 已被使用`);
}

/** A resident ID claimed in the meantime (person_id_index's unique key) as the import's own error. */
function claimConflict(e: unknown): AppError | null {
  const x = e as { code?: string; constraint?: string; detail?: string };
  if (x?.code !== '23505' || x.constraint !== 'person_id_index_pkey') return null;
  const id = /\(id_number\)=\(([^)]*)\)/.exec(x.detail ?? '')?.[1] ?? '';
  return new AppError(409, 'E2002', `身份证号码 ${maskIdNumber(id)} 已在另一户中在册`);
}

export async function createHouseholds(tx: Tx, ctx: Ctx, plans: Plan[], day: string, ph: Phases, copyClient: pg.PoolClient | null = null): Promise<number[]> {
  if (!plans.length) return [];
  const byCounty = new Map<string, Plan[]>();
  for (const p of plans) {
    const list = byCounty.get(p.draft.place.countyCode);
    if (list) list.push(p);
    else byCounty.set(p.draft.place.countyCode, [p]);
  }
  const ids: number[] = [];
  for (const [county, list] of byCounty) {
    const nPersons = list.reduce((n, p) => n + p.draft.members.length, 0);
    const [hIds, pIds] = await ph.time('write.ids', () => allocIds(tx, list.length, nPersons));
    // person ids in file order, household by household
    const personIds: number[][] = [];
    let k = 0;
    for (const p of list) personIds.push(p.draft.members.map(() => pIds[k++]));

    // 1. the resident-ID claims, pointing at their person at once. The batch was matched against
    // the ID index just before, so a claim can only collide with a concurrent save: then the
    // unique key fails the batch (and, household by household, the one concerned) with the
    // import's own message. A plain INSERT is half the cost of `ON CONFLICT DO NOTHING RETURNING`
    // (70,000 claims: 0.54–0.67 s against 1.0–1.4 s, measured alternately on one database).
    const claimIds = list.flatMap((p) => p.draft.members.map((m) => m.residentId));
    await ph.time('write.claimIds', () =>
      sql`
        INSERT INTO person_id_index (id_number, county_code, person_id)
        SELECT x, ${county}, pid FROM unnest(${claimIds}::text[], ${pIds}::bigint[]) AS t(x, pid)`
        .execute(tx)
        .catch((e) => {
          throw claimConflict(e) ?? e;
        }),
    );

    // 2. numbers: the same lock per village as a single save takes (householdRepo.nextHouseholdNo)
    const byVillage = new Map<string, Plan[]>();
    for (const p of list) {
      if (p.draft.householdNo) continue;
      const vs = byVillage.get(p.draft.place.villageCode);
      if (vs) vs.push(p);
      else byVillage.set(p.draft.place.villageCode, [p]);
    }
    const next = byVillage.size ? await ph.time('write.numbering', () => nextNumbers(tx, county, [...byVillage.keys()])) : new Map<string, number>();
    for (const [village, vs] of byVillage) {
      let n = next.get(village)!;
      for (const p of vs) p.draft.householdNo = village + String(n++).padStart(4, '0');
    }
    // A number already in the database (given in the file and taken since it was matched — also by
    // an earlier batch of this file, matched while that one was being written) fails the household
    // INSERT on the unique key (county_code, household_no), reported as E2005 below; a query for
    // clashes beforehand cost one more statement per batch.
    const nos = list.map((p) => p.draft.householdNo!);
    if (new Set(nos).size !== nos.length) throw new AppError(409, 'E2005', `户编号 ${nos.find((x, i) => nos.indexOf(x) !== i)} 已被使用`);

    // 3. data quality, in memory, on the values about to be written
    const residentKeys = [...new Set(claimIds)];
    const elsewhere = await ph.time('write.quality.dupQuery', () =>
      // per key (LATERAL … OFFSET 0): joined as a set, the planner hashed all of the county's
      // households for every batch (1.5 s per batch at 200,000 households, EXPLAIN ANALYZE)
      sql<{ k: string; village: string | null }>`
        SELECT k.k, x.village FROM unnest(${residentKeys}::text[]) AS k(k)
        CROSS JOIN LATERAL (
          SELECT v.name AS village
          FROM person p JOIN household h ON h.county_code = p.county_code AND h.id = p.household_id
          LEFT JOIN area v ON v.code = h.village_code
          WHERE p.status = 'active' AND h.status <> 'cancelled' AND left(p.id_number, 18) = k.k
          OFFSET 0) x`.execute(tx),
    );
    const villagesOf = new Map<string, string[]>();
    for (const e of elsewhere.rows) villagesOf.set(e.k, [...(villagesOf.get(e.k) ?? []), e.village ?? '其他村']);
    const issues: (HouseholdIssue & { householdId: number; place: HouseholdDraft['place'] })[] = [];
    const householdRows: Record<string, unknown>[] = [];
    // person rows straight into one array per column: 70,000 row objects fewer for the garbage
    // collector, which took a quarter of the import's JavaScript time (CPU profile)
    const P = PERSON_COLUMNS.map(() => new Array<unknown>(nPersons));
    let row = 0;
    const tq = performance.now();
    list.forEach((p, i) => {
      const d = p.draft;
      const r = p.prepared ?? prepareHousehold(d, day);
      const hid = hIds[i];
      // the prepared rows and verdict know members by their place in the household (1, 2, …)
      const idOf = (local: number | null) => (local == null ? null : personIds[i][local - 1]);
      const found = r.issues.map((x) => ({ ...x, personId: idOf(x.personId) }));
      d.members.forEach((m, j) => {
        const other = villagesOf.get(m.idNumber.slice(0, 18));
        if (other) found.push({ personId: personIds[i][j], rule: 'duplicate_active', severity: 'error', message: `${m.name}：同一身份证号码还在 ${[...new Set(other)].join('、')} 的另一户中在册` });
      });
      for (const x of found) issues.push({ ...x, householdId: hid, place: d.place });
      r.household.county_code = county;
      r.household.id = hid;
      r.household.household_no = d.householdNo;
      r.household.head_person_id = idOf(r.headLocal);
      r.household.quality_issue_count = found.length;
      householdRows.push(r.household);
      // by index, in PERSON_COLUMNS' order
      d.members.forEach((m, j) => {
        P[0][row] = county;
        P[1][row] = personIds[i][j];
        P[2][row] = hid;
        P[3][row] = d.place.areaCode;
        P[4][row] = m.name;
        P[5][row] = m.sex;
        P[6][row] = m.idKind;
        P[7][row] = m.idNumber;
        P[8][row] = m.birthDate;
        P[9][row] = m.relation;
        P[10][row] = m.ethnicity;
        P[11][row] = m.education;
        P[12][row] = m.schooling;
        P[13][row] = m.health;
        P[14][row] = m.disabilityGrade;
        P[15][row] = m.disabilityCategory;
        P[16][row] = m.labour;
        P[17][row] = m.workStatus;
        P[18][row] = m.workMonths;
        P[19][row] = m.civilCapacity;
        P[20][row] = m.medicalInsurance;
        P[21][row] = m.pensionInsurance;
        P[22][row] = m.phone;
        P[23][row] = 'active';
        P[24][row] = day;
        P[25][row] = 'import';
        row++;
      });
    });
    ph.add('write.rulesAndRows', performance.now() - tq);

    // 4. the rows, one statement per table
    await ph.time('write.household', () =>
      insertArrays(
        tx,
        'household',
        [
          ['county_code', 'text'],
          ['id', 'bigint'],
          ['household_no', 'text'],
          ['area_code', 'text'],
          ['township_code', 'text'],
          ['village_code', 'text'],
          ...HOUSEHOLD_FILE_COLUMNS,
          ['secondary_causes', 'text[]'],
          ['head_person_id', 'bigint'],
          ['head_name', 'text'],
          ['member_count', 'smallint'],
          ['net_income_per_capita_fen', 'bigint'],
          ['status', 'text'],
          ['status_since', 'date'],
          ['quality_issue_count', 'int'],
        ],
        householdRows,
      ).catch((e) => {
        throw numberConflict(e) ?? e;
      }),
    );
    await ph.time('write.person', () =>
      copyClient
        ? copyColumns(copyClient, 'person', PERSON_COLUMNS, P, nPersons)
        : insertColumns(tx, 'person', PERSON_COLUMNS, Object.fromEntries(PERSON_COLUMNS.map(([c], k) => [c, P[k]]))).then(() => {}),
    );
    const actorId = ctx.user.id || null;
    await ph.time('write.history', () =>
      sql`
        INSERT INTO household_status_history (county_code, household_id, from_status, to_status, changed_on, reason, actor_id, actor_name)
        SELECT ${county}, hid, NULL, st, ${day}::date, '导入建档', ${actorId}::bigint, ${ctx.user.name}
        FROM unnest(${hIds}::bigint[], ${list.map((p) => p.draft.status)}::text[]) AS t(hid, st)`.execute(tx),
    );
    await ph.time('write.event', () =>
      sql`
        INSERT INTO household_event (county_code, household_id, kind, event_date, summary, actor_id, actor_name)
        SELECT ${county}, hid, 'import', ${day}::date, '导入建档：家庭成员 ' || n || ' 人', ${actorId}::bigint, ${ctx.user.name}
        FROM unnest(${hIds}::bigint[], ${list.map((p) => p.draft.members.length)}::int[]) AS t(hid, n)`.execute(tx),
    );
    if (issues.length)
      await ph.time('write.quality.insert', () =>
        sql`
          INSERT INTO registry_quality_issue (county_code, household_id, person_id, rule, severity, message, area_code, township_code, village_code)
          SELECT ${county}, * FROM unnest(
            ${issues.map((x) => x.householdId)}::bigint[], ${issues.map((x) => x.personId)}::bigint[], ${issues.map((x) => x.rule)}::text[],
            ${issues.map((x) => x.severity)}::text[], ${issues.map((x) => x.message)}::text[], ${issues.map((x) => x.place.areaCode)}::text[],
            ${issues.map((x) => x.place.townshipCode)}::text[], ${issues.map((x) => x.place.villageCode)}::text[])`.execute(tx),
      );
    ids.push(...hIds);
  }
  return ids;
}
