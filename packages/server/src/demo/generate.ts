import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import { writeAudit } from '../audit/audit';
import { hashPassword } from '../auth/password';
import type { Db, Tx } from '../db/db';
import type { Database } from '../db/schema';
import { systemCtx } from '../http/context';
import { bool, codeArray, copyLines, num, txt } from './copy';
import { DEMO_AS_OF, IdAllocator, generateVillage, type DemoHousehold } from './households';
import { HELPING_UNITS, chineseNumber, givenName, mobile, placeName, SURNAMES } from './names';
import { Rng } from './prng';
import { loadVisitDemo, visitDemoMonths } from '../visits/demo';
import { loadLoanDemo } from '../loans/demo';

/**
 * Deterministic synthetic region for demonstrations, training and benchmarks
 * (docs/demo-data.md): areas down to village groups, the organisations of every level, one
 * user per role and area, and registered households with their members.
 *
 * Loading strategy: one transaction per county. Households and persons get ids from a block
 * reserved on the identity sequence (the tables are locked against other writers for the
 * duration, so nobody else draws from the sequence meanwhile) and go in with COPY, which
 * writes the given values into GENERATED ALWAYS columns; organisations and users are few and
 * use ordinary inserts.
 */

export type DemoScale = 'township' | 'county' | 'province';

export const DEMO_PASSWORD = 'Demo#2026';

export type DemoUser = { username: string; password: string; role: string; areaCode: string };

export type LoadDemoResult = {
  summary: Record<string, number | string>;
  loginHint: string;
  users: DemoUser[];
};

type Named = { code: string; name: string };
type VillagePlan = Named & { groups: Named[]; households: number };
type TownshipPlan = Named & { villages: VillagePlan[] };
type CountyPlan = Named & { townships: TownshipPlan[] };
export type RegionPlan = { province: Named; city: Named; counties: CountyPlan[] };

// Each scale has its own city and county codes, so a township-scale region (loaded by
// `npm start`) and a county- or province-scale one can sit side by side. 4596–4598 are not
// used by GB/T 2260, so no real Guangxi data can ever clash with them.
const SHAPE: Record<DemoScale, { city: string; counties: string[]; townships: [number, number]; villages: [number, number]; households: number; groups: [number, number] }> = {
  township: { city: '459800', counties: ['459821'], townships: [1, 1], villages: [10, 10], households: 250, groups: [4, 8] },
  county: { city: '459700', counties: ['459721'], townships: [20, 20], villages: [13, 17], households: 667, groups: [5, 12] },
  province: {
    city: '459600',
    counties: Array.from({ length: 10 }, (_, i) => String(459621 + i)),
    townships: [20, 20],
    villages: [13, 17],
    households: 667,
    groups: [5, 12],
  },
};

/** The whole region's areas and household counts, from the seed alone. */
export function planRegion(scale: DemoScale, seed: number): RegionPlan {
  const shape = SHAPE[scale];
  const rng = new Rng(seed, `plan:${scale}`);
  const unique = (used: Set<string>, suffix: string) => {
    for (;;) {
      const n = placeName(rng) + suffix;
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
  const cityName = unique(new Set(), '市');
  const countyNames = new Set<string>();
  const counties: CountyPlan[] = shape.counties.map((code) => {
    const townshipNames = new Set<string>();
    const nT = rng.int(...shape.townships);
    const townships: TownshipPlan[] = [];
    for (let t = 1; t <= nT; t++) {
      const tCode = code + String(t).padStart(3, '0');
      const villageNames = new Set<string>();
      const nV = rng.int(...shape.villages);
      const villages: VillagePlan[] = [];
      for (let v = 1; v <= nV; v++) {
        const vCode = tCode + String(v).padStart(3, '0');
        const nG = rng.int(...shape.groups);
        villages.push({
          code: vCode,
          name: unique(villageNames, '村'),
          groups: Array.from({ length: nG }, (_, g) => ({ code: vCode + String(g + 1).padStart(3, '0'), name: `第${chineseNumber(g + 1)}组` })),
          households: Math.round(rng.around(shape.households, shape.households * 0.5, shape.households * 0.4, shape.households * 1.6)),
        });
      }
      townships.push({ code: tCode, name: unique(townshipNames, rng.chance(0.6) ? '乡' : '镇'), villages });
    }
    return { code, name: unique(countyNames, '县'), townships };
  });
  return { province: { code: '450000', name: '广西壮族自治区' }, city: { code: shape.city, name: cityName }, counties };
}

/** Demo usernames: role prefix + the area code (docs/demo-data.md). */
export const USERNAME_PREFIX: Record<string, string> = {
  county_office: 'co',
  finance_bureau: 'fb',
  credit_union: 'cu',
  inspector: 'in',
  station: 'st',
  finance_office: 'fo',
  coop: 'cp',
  village_clerk: 'vc',
  cadre: 'cd',
};

/** A paired cadre (帮扶责任人) sees only the households paired to them (data scope 本人, issue 5
 * "my households (only mine)"); every other demo user sees their area and below. */
export function demoDataScope(role: string): 'self' | 'area_below' {
  return role === 'cadre' ? 'self' : 'area_below';
}

export async function loadDemo(
  db: Db,
  pool: pg.Pool,
  opts: { scale: DemoScale; seed: number; log?: (m: string) => void; visitMonths?: number; loans?: boolean },
): Promise<LoadDemoResult> {
  const log = opts.log ?? (() => {});
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) throw new Error('种子（--seed）必须是 0 到 4294967295 之间的整数');
  const started = performance.now();
  const plan = planRegion(opts.scale, opts.seed);
  await refuseExisting(db, plan);

  const roles = new Map((await db.selectFrom('role').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
  const missing = Object.keys(USERNAME_PREFIX).filter((c) => !roles.has(c));
  if (missing.length) throw new Error(`缺少内置角色 ${missing.join('、')}：请先启动一次服务或执行初始化（bootstrap）`);
  // argon2 costs ~7 ms a hash: every demo user shares the one known password, so hash it once.
  const passwordHash = await hashPassword(DEMO_PASSWORD);

  const totals = { townships: 0, villages: 0, groups: 0, orgs: 0, users: 0, households: 0, persons: 0, statusChanges: 0 };
  const users: DemoUser[] = [];
  for (const county of plan.counties) {
    const t0 = performance.now();
    const r = await withOneConnection(pool, (client, cdb) =>
      cdb.transaction().execute((tx) => loadCounty(tx, client, plan, county, { seed: opts.seed, scale: opts.scale, passwordHash, roles, log })),
    );
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r.counts[k];
    users.push(...r.users);
    log(`${county.name}（${county.code}）已加载：${r.counts.households.toLocaleString('en-US')} 户 ${r.counts.persons.toLocaleString('en-US')} 人，用时 ${((performance.now() - t0) / 1000).toFixed(1)} 秒`);
  }
  // Fresh statistics, or the first queries plan as if the tables were still empty.
  await sql`ANALYZE area, org, app_user, household, person, person_id_index, household_status_history`.execute(db);
  // 结对帮扶: cadres (the cd… logins among them) paired to households, teams, this year's visits.
  await loadVisitDemo(db, { seed: opts.seed, counties: plan.counties.map((c) => c.code), months: opts.visitMonths ?? visitDemoMonths(opts.scale), log });
  // 扶贫到户贷款: schemes, quotas, certificates, applications at every step, five quarters of loans and a settled quarter.
  if (opts.loans !== false) await loadLoanDemo(db, { seed: opts.seed, counties: plan.counties.map((c) => c.code), log });

  const seconds = (performance.now() - started) / 1000;
  const first = plan.counties[0];
  const t1 = first.townships[0];
  const v1 = t1.villages[0];
  return {
    summary: {
      scale: opts.scale,
      seed: opts.seed,
      province: `${plan.province.name}（${plan.province.code}）`,
      city: `${plan.city.name}（${plan.city.code}）`,
      counties: plan.counties.length,
      ...totals,
      asOf: DEMO_AS_OF,
      password: DEMO_PASSWORD,
      seconds: Math.round(seconds * 10) / 10,
    },
    loginHint:
      `演示账号（密码均为 ${DEMO_PASSWORD}）：县扶贫办 co${first.code}，${t1.name}工作站 st${t1.code}，` +
      `${v1.name}村级扶贫专干 vc${v1.code}，信用社 cp${t1.code}；账号规则见 docs/demo-data.md`,
    users,
  };
}

async function refuseExisting(db: Db, plan: RegionPlan) {
  const codes = plan.counties.map((c) => c.code);
  const found = await db.selectFrom('area').select(['code', 'name']).where('code', 'in', codes).orderBy('code').execute();
  if (found.length) {
    throw new Error(
      `演示数据已存在：行政区划 ${found.map((f) => `${f.name}（${f.code}）`).join("、")}已在数据库中。` +
        '同一规模的演示区域只能加载一次；请换一个规模（--scale），或使用新的数据库。',
    );
  }
  // Someone may have created an account that happens to follow the demo naming rule.
  const names: string[] = [];
  for (const c of plan.counties) {
    names.push(`co${c.code}`, `fb${c.code}`, `cu${c.code}`, `in${c.code}`);
    for (const t of c.townships) {
      names.push(`st${t.code}`, `fo${t.code}`, `cp${t.code}`);
      for (const v of t.villages) names.push(`vc${v.code}`, `cd${v.code}`);
    }
  }
  const taken = await sql<{ username: string }>`SELECT username FROM app_user WHERE lower(username) = ANY(${names}::text[]) ORDER BY 1`.execute(db);
  if (taken.rows.length) {
    const list = taken.rows.slice(0, 5).map((t) => t.username).join('、');
    throw new Error(`演示账号 ${list}${taken.rows.length > 5 ? ` 等 ${taken.rows.length} 个` : ''}已被占用，无法加载演示数据`);
  }
}

/**
 * A Kysely bound to one pooled connection, so that Kysely statements and raw COPY streams
 * run inside the same transaction.
 */
async function withOneConnection<T>(pool: pg.Pool, fn: (client: pg.PoolClient, db: Kysely<Database>) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const handle = { query: client.query.bind(client), release: () => {} };
  const one = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: { connect: async () => handle as never, end: async () => {} } }),
  });
  try {
    return await fn(client, one);
  } finally {
    await one.destroy();
    client.release();
  }
}

type CountyOpts = {
  seed: number;
  scale: DemoScale;
  passwordHash: string;
  roles: Map<string, number>;
  log: (m: string) => void;
};

async function loadCounty(tx: Tx, client: pg.PoolClient, plan: RegionPlan, county: CountyPlan, o: CountyOpts) {
  const rng = new Rng(o.seed, `county:${county.code}`);
  // Two loads at once would race for the same codes and sequence blocks.
  await sql`SELECT pg_advisory_xact_lock(hashtext('fupin:demo-data'))`.execute(tx);
  const exists = await tx.selectFrom('area').select('code').where('code', '=', county.code).executeTakeFirst();
  if (exists) throw new Error(`演示数据已存在：行政区划 ${county.code} 已在数据库中`);

  // Areas: the province and city may already be there (a real deployment, or another county).
  const provincePrefix = plan.province.code.slice(0, 2);
  await tx
    .insertInto('area')
    .values([
      { code: plan.province.code, parent_code: null, name: plan.province.name, level: 1, prefix: provincePrefix, county_code: null },
    ])
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  await tx
    .insertInto('area')
    .values({ code: plan.city.code, parent_code: plan.province.code, name: plan.city.name, level: 2, prefix: plan.city.code.slice(0, 4), county_code: null })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const areas: { code: string; parent: string; name: string; level: number; sort: number }[] = [
    { code: county.code, parent: plan.city.code, name: county.name, level: 3, sort: Number(county.code.slice(4)) },
  ];
  for (const [ti, t] of county.townships.entries()) {
    areas.push({ code: t.code, parent: county.code, name: t.name, level: 4, sort: ti + 1 });
    for (const [vi, v] of t.villages.entries()) {
      areas.push({ code: v.code, parent: t.code, name: v.name, level: 5, sort: vi + 1 });
      for (const [gi, g] of v.groups.entries()) areas.push({ code: g.code, parent: v.code, name: g.name, level: 6, sort: gi + 1 });
    }
  }
  await sql`
    INSERT INTO area (code, parent_code, name, level, prefix, county_code, sort)
    SELECT c, p, n, l, c, ${county.code}, s
    FROM unnest(${areas.map((a) => a.code)}::text[], ${areas.map((a) => a.parent)}::text[], ${areas.map((a) => a.name)}::text[],
                ${areas.map((a) => a.level)}::smallint[], ${areas.map((a) => a.sort)}::int[]) AS t(c, p, n, l, s)`.execute(tx);

  // Organisations of every level (domain.md), each with a landline of the 0778 area.
  const phone = () => `0778-${rng.int(2, 8)}${String(rng.int(0, 999999)).padStart(6, '0')}`;
  const cn = county.name;
  type OrgRow = { key: string; name: string; kind: string; area: string; parentKey: string | null };
  const orgRows: OrgRow[] = [
    { key: 'leading_group', name: `${cn}扶贫开发领导小组`, kind: 'leading_group', area: county.code, parentKey: null },
    { key: 'poverty_office', name: `${cn}扶贫开发办公室`, kind: 'poverty_office', area: county.code, parentKey: 'leading_group' },
    { key: 'finance_bureau', name: `${cn}财政局`, kind: 'finance_bureau', area: county.code, parentKey: null },
    { key: 'credit_union', name: `${cn}农村信用合作联社`, kind: 'credit_union', area: county.code, parentKey: null },
    { key: 'inspection', name: `${cn}扶贫督查组`, kind: 'inspection', area: county.code, parentKey: 'leading_group' },
  ];
  const unitCount = Math.min(HELPING_UNITS.length, 4 + Math.floor(county.townships.length / 4));
  const unitNames = HELPING_UNITS.slice(0, unitCount);
  for (const [i, u] of unitNames.entries()) orgRows.push({ key: `unit:${i}`, name: `${cn}${u}`, kind: 'unit', area: county.code, parentKey: null });
  for (const t of county.townships) {
    orgRows.push({ key: `township_gov:${t.code}`, name: `${t.name}人民政府`, kind: 'township_gov', area: t.code, parentKey: null });
    orgRows.push({ key: `station:${t.code}`, name: `${t.name}扶贫工作站`, kind: 'station', area: t.code, parentKey: 'poverty_office' });
    orgRows.push({ key: `finance_office:${t.code}`, name: `${t.name}财政所`, kind: 'finance_office', area: t.code, parentKey: 'finance_bureau' });
    orgRows.push({ key: `coop:${t.code}`, name: `${t.name}信用社`, kind: 'coop', area: t.code, parentKey: 'credit_union' });
    for (const v of t.villages) {
      orgRows.push({ key: `village_committee:${v.code}`, name: `${v.name}村民委员会`, kind: 'village_committee', area: v.code, parentKey: `township_gov:${t.code}` });
    }
  }
  const orgIds = new Map<string, number>();
  // Parents first: rows without a parent, then the rest (their parents are all top-level).
  for (const pass of [orgRows.filter((r) => !r.parentKey), orgRows.filter((r) => r.parentKey)]) {
    const res = await sql<{ id: number; area_code: string; name: string }>`
      INSERT INTO org (name, kind, area_code, county_code, parent_id, phone)
      SELECT n, k, a, ${county.code}, p, ph
      FROM unnest(${pass.map((r) => r.name)}::text[], ${pass.map((r) => r.kind)}::text[], ${pass.map((r) => r.area)}::text[],
                  ${pass.map((r) => (r.parentKey ? orgIds.get(r.parentKey)! : null))}::bigint[], ${pass.map(() => phone())}::text[]) AS t(n, k, a, p, ph)
      RETURNING id, area_code, name`.execute(tx);
    // (area_code, name) is unique, so ids are matched by it rather than by row order.
    const byName = new Map(res.rows.map((row) => [`${row.area_code}|${row.name}`, Number(row.id)]));
    for (const r of pass) orgIds.set(r.key, byName.get(`${r.area}|${r.name}`)!);
  }

  // One user per role and area, named by rule (docs/demo-data.md).
  type UserRow = { username: string; role: string; area: string; orgKey: string };
  const userRows: UserRow[] = [
    { username: `co${county.code}`, role: 'county_office', area: county.code, orgKey: 'poverty_office' },
    { username: `fb${county.code}`, role: 'finance_bureau', area: county.code, orgKey: 'finance_bureau' },
    { username: `cu${county.code}`, role: 'credit_union', area: county.code, orgKey: 'credit_union' },
    { username: `in${county.code}`, role: 'inspector', area: county.code, orgKey: 'inspection' },
  ];
  let villageIndex = 0;
  for (const t of county.townships) {
    userRows.push({ username: `st${t.code}`, role: 'station', area: t.code, orgKey: `station:${t.code}` });
    userRows.push({ username: `fo${t.code}`, role: 'finance_office', area: t.code, orgKey: `finance_office:${t.code}` });
    userRows.push({ username: `cp${t.code}`, role: 'coop', area: t.code, orgKey: `coop:${t.code}` });
    for (const v of t.villages) {
      userRows.push({ username: `vc${v.code}`, role: 'village_clerk', area: v.code, orgKey: `village_committee:${v.code}` });
      // A paired cadre works for a county unit but is posted to the village it helps (单位包村).
      userRows.push({ username: `cd${v.code}`, role: 'cadre', area: v.code, orgKey: `unit:${villageIndex++ % unitCount}` });
    }
  }
  const personName = () => {
    const sex = rng.chance(0.6) ? 'M' : 'F';
    return SURNAMES.draw(rng) + givenName(rng, sex, rng.int(1966, 1998));
  };
  const inserted = await sql<{ id: number; username: string }>`
    INSERT INTO app_user (username, name, phone, password_hash, org_id, area_code, county_code, data_scope, must_change_password, password_changed_at)
    SELECT u, n, ph, ${o.passwordHash}, org, a, ${county.code}, ds, false, now()
    FROM unnest(${userRows.map((u) => u.username)}::text[], ${userRows.map(() => personName())}::text[], ${userRows.map(() => mobile(rng))}::text[],
                ${userRows.map((u) => orgIds.get(u.orgKey)!)}::bigint[], ${userRows.map((u) => u.area)}::text[],
                ${userRows.map((u) => demoDataScope(u.role))}::text[]) AS t(u, n, ph, org, a, ds)
    RETURNING id, username`.execute(tx);
  const userIdByName = new Map(inserted.rows.map((r) => [r.username, Number(r.id)]));
  const userIds = userRows.map((u) => userIdByName.get(u.username)!);
  await sql`
    INSERT INTO user_role (user_id, role_id)
    SELECT * FROM unnest(${userIds}::bigint[], ${userRows.map((u) => o.roles.get(u.role)!)}::bigint[])`.execute(tx);

  // Households and persons, township by township, in id blocks reserved on the sequences.
  await sql`LOCK TABLE household, person, person_id_index, household_status_history IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
  const taken = new Set(
    (
      await client.query<{ id_number: string }>(`SELECT id_number FROM person_id_index WHERE id_number LIKE $1`, [county.code + '%'])
    ).rows.map((r) => r.id_number),
  );
  const ids = new IdAllocator(county.code, taken);
  let households = 0;
  let persons = 0;
  let statusChanges = 0;
  // Pipelined: while PostgreSQL takes one township's COPY, the next township is generated
  // (yielding to the event loop after each village so the COPY stream keeps flowing). Ids are
  // reserved only once the previous COPY is done, as the connection is busy until then.
  const generate = async (t: TownshipPlan) => {
    const hh: DemoHousehold[] = [];
    for (const v of t.villages) {
      const input = { countyCode: county.code, townshipCode: t.code, townshipName: t.name, villageCode: v.code, villageName: v.name, groups: v.groups, households: v.households };
      hh.push(...generateVillage(rng.fork(`village:${v.code}`), input, ids));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return hh;
  };
  let copying: Promise<void> = Promise.resolve();
  let next = county.townships.length ? generate(county.townships[0]) : null;
  for (const [ti, t] of county.townships.entries()) {
    const hh = await next!;
    await copying;
    const nPersons = hh.reduce((s, h) => s + h.members.length, 0);
    const nHistory = hh.reduce((s, h) => s + h.history.length, 0);
    const lines = encodeTownship(county.code, hh, {
      household: await reserveIds(client, 'household', hh.length),
      person: await reserveIds(client, 'person', nPersons),
      history: await reserveIds(client, 'household_status_history', nHistory),
    });
    copying = (async () => {
      await copyLines(client, HOUSEHOLD_COPY, lines.households);
      await copyLines(client, PERSON_COPY, lines.persons);
      await copyLines(client, PERSON_INDEX_COPY, lines.index);
      await copyLines(client, HISTORY_COPY, lines.history);
    })();
    copying.catch(() => {}); // awaited below; this only keeps a failure from being "unhandled" meanwhile
    next = ti + 1 < county.townships.length ? generate(county.townships[ti + 1]) : null;
    households += hh.length;
    persons += nPersons;
    statusChanges += nHistory;
    if (county.townships.length > 1) {
      o.log(`  ${ti + 1}/${county.townships.length} ${t.name}：${t.villages.length} 个村，${hh.length.toLocaleString('en-US')} 户，${nPersons.toLocaleString('en-US')} 人`);
    }
  }
  await copying;

  const counts = {
    townships: county.townships.length,
    villages: county.townships.reduce((s, t) => s + t.villages.length, 0),
    groups: county.townships.reduce((s, t) => s + t.villages.reduce((x, v) => x + v.groups.length, 0), 0),
    orgs: orgRows.length,
    users: userRows.length,
    households,
    persons,
    statusChanges,
  };
  await writeAudit(tx, systemCtx('demo-data'), {
    module: 'demo',
    action: 'load',
    entity: 'area',
    entityId: county.code,
    areaCode: county.code,
    countyCode: county.code,
    summary:
      `加载演示数据：${plan.city.name}${county.name}（${county.code}），${counts.townships} 个乡镇、${counts.villages} 个村、` +
      `${counts.orgs} 个机构、${counts.users} 个用户、${households} 户 ${persons} 人（规模 ${o.scale}，种子 ${o.seed}）`,
    after: { scale: o.scale, seed: o.seed, asOf: DEMO_AS_OF, ...counts },
  });
  return {
    counts,
    users: userRows.map((u) => ({ username: u.username, password: DEMO_PASSWORD, role: u.role, areaCode: u.area })),
  };
}

/** COPY text lines of one township, with ids taken from the reserved blocks. */
function encodeTownship(countyCode: string, hh: DemoHousehold[], first: { household: number; person: number; history: number }) {
  const out = { households: [] as string[], persons: [] as string[], index: [] as string[], history: [] as string[] };
  let personId = first.person;
  let historyId = first.history;
  for (const [i, h] of hh.entries()) {
    const householdId = first.household + i;
    const headId = personId;
    for (const p of h.members) {
      out.persons.push(
        [
          countyCode, personId, householdId, h.areaCode, txt(p.name), p.sex, p.idNumber, p.birthDate, p.relation, p.ethnicity,
          p.education, p.schooling, p.health, num(p.disabilityGrade), p.labour, txt(p.workStatus), num(p.workMonths),
          p.civilCapacity, bool(p.medicalInsurance), bool(p.pensionInsurance), txt(p.phone), num(p.disabilityCategory), p.joinedDate,
          p.joinedReason,
        ].join('\t'),
      );
      out.index.push(`${p.idNumber}\t${countyCode}\t${personId}`);
      personId++;
    }
    out.households.push(
      [
        countyCode, householdId, h.householdNo, h.areaCode, h.townshipCode, h.villageCode, txt(h.address), txt(h.members[0].name), headId,
        txt(h.phone), txt(h.bankName), txt(h.bankAccount), h.category, h.identificationStandard, h.identificationYear, h.mainCause,
        codeArray(h.secondaryCauses), h.housingSafety, bool(h.waterSafe), bool(h.electricity), h.incomeWagesFen, h.incomeBusinessFen,
        h.incomeTransferFen, h.incomePropertyFen, h.netIncomePerCapitaFen, h.members.length, h.status, h.statusSince,
        bool(h.prefFamilyPlanning), bool(h.prefVeteran), h.incomeYear, bool(h.foodClothingSecured), bool(h.educationSecured),
        bool(h.medicalSecured),
      ].join('\t'),
    );
    for (const c of h.history) out.history.push(`${countyCode}\t${historyId++}\t${householdId}\t${txt(c.from)}\t${c.to}\t${c.on}\t${c.reason}\t${DEMO_ACTOR}`);
  }
  return out;
}

const HOUSEHOLD_COPY = `COPY household (county_code, id, household_no, area_code, township_code, village_code, address, head_name, head_person_id,
  phone, bank_name, bank_account, category, identification_standard, identification_year, main_cause, secondary_causes, housing_safety,
  water_safe, electricity, income_wages_fen, income_business_fen, income_transfer_fen, income_property_fen, net_income_per_capita_fen,
  member_count, status, status_since, pref_family_planning, pref_veteran, income_year, food_clothing_secured, education_secured,
  medical_secured) FROM STDIN`;
const PERSON_COPY = `COPY person (county_code, id, household_id, area_code, name, sex, id_number, birth_date, relation, ethnicity, education,
  schooling, health, disability_grade, labour, work_status, work_months, civil_capacity, medical_insurance, pension_insurance, phone,
  disability_category, joined_date, joined_reason) FROM STDIN`;
const PERSON_INDEX_COPY = `COPY person_id_index (id_number, county_code, person_id) FROM STDIN`;
const HISTORY_COPY = `COPY household_status_history (county_code, id, household_id, from_status, to_status, changed_on, reason, actor_name) FROM STDIN`;
// Shown as "who" in a household's status history: these changes were never made by a person.
const DEMO_ACTOR = '演示数据';

/**
 * Takes `n` consecutive ids from a table's identity sequence and returns the first. Safe
 * because the caller holds a lock that keeps every other writer of the table waiting.
 */
async function reserveIds(client: pg.PoolClient, table: 'household' | 'person' | 'household_status_history', n: number): Promise<number> {
  if (n === 0) return 0;
  const r = await client.query<{ last: string }>(
    `SELECT setval(pg_get_serial_sequence($1, 'id'), nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1) AS last`,
    [table, n],
  );
  return Number(r.rows[0].last) - n + 1;
}
