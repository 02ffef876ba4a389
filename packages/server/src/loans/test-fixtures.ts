/**
 * A small county for the loans API tests: areas, the organisations of seed §1, one user per
 * role, and households built directly in the database (the registry's own API is another
 * module's; these tests only need rows to point at).
 */
import { todayInChina } from '@fupin/shared/date';
import { makeIdNumber } from '@fupin/shared/idcard';
import { hashPassword } from '../auth/password';
import type { Client, TestApp } from '../test/harness';

export const PW = 'Loan#Test2026';
export const COUNTY = '341202';
export const EAST = '341202001';
export const WEST = '341202002';
export const EAST_V1 = '341202001001';
export const EAST_V2 = '341202001002';
export const WEST_V1 = '341202002001';

const AREAS: [code: string, parent: string | null, name: string, level: number, prefix: string, county: string | null][] = [
  ['340000', null, '安徽省', 1, '34', null],
  ['341200', '340000', '阜阳市', 2, '3412', null],
  [COUNTY, '341200', '颍泉区', 3, COUNTY, COUNTY],
  [EAST, COUNTY, '东乡镇', 4, EAST, COUNTY],
  [WEST, COUNTY, '西乡镇', 4, WEST, COUNTY],
  [EAST_V1, EAST, '东一村', 5, EAST_V1, COUNTY],
  [EAST_V2, EAST, '东二村', 5, EAST_V2, COUNTY],
  [WEST_V1, WEST, '西一村', 5, WEST_V1, COUNTY],
];

/** username → [role, org kind, org name, area] */
export const USERS: Record<string, [role: string, orgKind: string, orgName: string, area: string]> = {
  xfpb: ['county_office', 'poverty_office', '颍泉区扶贫办', COUNTY],
  lingdao: ['county_office', 'leading_group', '颍泉区扶贫开发领导组', COUNTY],
  xlls: ['credit_union', 'credit_union', '颍泉区农村信用联社', COUNTY],
  czj: ['finance_bureau', 'finance_bureau', '颍泉区财政局', COUNTY],
  zhan1: ['station', 'station', '东乡镇扶贫工作站', EAST],
  zhan1b: ['station', 'station', '东乡镇扶贫工作站', EAST],
  xys1: ['coop', 'coop', '东乡镇信用社', EAST],
  xys1b: ['coop', 'coop', '东乡镇信用社', EAST],
  czs1: ['finance_office', 'finance_office', '东乡镇财政所', EAST],
  cun1: ['village_clerk', 'village_committee', '东一村村委会', EAST_V1],
  cun2: ['village_clerk', 'village_committee', '东二村村委会', EAST_V2],
  zhan2: ['station', 'station', '西乡镇扶贫工作站', WEST],
  xys2: ['coop', 'coop', '西乡镇信用社', WEST],
  czs2: ['finance_office', 'finance_office', '西乡镇财政所', WEST],
  cun3: ['village_clerk', 'village_committee', '西一村村委会', WEST_V1],
  ducha: ['inspector', 'inspection', '颍泉区督查组', COUNTY],
};

export async function seedCounty(t: TestApp) {
  for (const [code, parent, name, level, prefix, county] of AREAS) {
    await t.db
      .insertInto('area')
      .values({ code, parent_code: parent, name, level, prefix, county_code: county })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
  const hash = await hashPassword(PW);
  const orgIds = new Map<string, number>();
  for (const [username, [role, orgKind, orgName, area]] of Object.entries(USERS)) {
    let orgId = orgIds.get(orgName);
    if (!orgId) {
      const o = await t.db
        .insertInto('org')
        .values({ name: orgName, kind: orgKind, area_code: area, county_code: COUNTY })
        .returning('id')
        .executeTakeFirstOrThrow();
      orgId = o.id;
      orgIds.set(orgName, orgId);
    }
    const u = await t.db
      .insertInto('app_user')
      .values({
        username,
        name: `${orgName.slice(-4)}${username}`,
        password_hash: hash,
        org_id: orgId,
        area_code: area,
        county_code: COUNTY,
        data_scope: 'area_below',
        must_change_password: false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await t.db.selectFrom('role').select('id').where('code', '=', role).executeTakeFirstOrThrow();
    await t.db.insertInto('user_role').values({ user_id: u.id, role_id: r.id }).execute();
  }
}

const clients = new WeakMap<TestApp, Map<string, Client>>();
/** A logged-in client per username (cached per app). */
export async function as(t: TestApp, username: string): Promise<Client> {
  let m = clients.get(t);
  if (!m) clients.set(t, (m = new Map()));
  const hit = m.get(username);
  if (hit) return hit;
  const c = t.client();
  await c.login(username, PW);
  m.set(username, c);
  return c;
}

let serial = 0;
export type MemberSpec = {
  name?: string;
  relation?: string;
  civilCapacity?: 'full' | 'limited' | 'none';
  labour?: string | null;
  birthDate?: string;
  status?: 'active' | 'deceased' | 'moved_out';
};

/** A household with members (the first is the head); returns the household id and person ids. */
export async function makeHousehold(
  t: TestApp,
  opts: { village?: string; category?: string; prefFamilyPlanning?: boolean; prefVeteran?: boolean; members?: MemberSpec[]; status?: string } = {},
) {
  const village = opts.village ?? EAST_V1;
  const members = opts.members ?? [{}];
  serial++;
  const headName = members[0].name ?? `户主${serial}`;
  const h = await t.db
    .insertInto('household')
    .values({
      county_code: COUNTY,
      household_no: `${village}${String(serial).padStart(4, '0')}`,
      area_code: village,
      township_code: village.slice(0, 9),
      village_code: village,
      head_name: headName,
      category: opts.category ?? 'general',
      status: opts.status ?? 'identified',
      pref_family_planning: opts.prefFamilyPlanning ?? false,
      pref_veteran: opts.prefVeteran ?? false,
      member_count: members.length,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const personIds: number[] = [];
  for (const [i, m] of members.entries()) {
    const birth = m.birthDate ?? '1980-05-01';
    const p = await t.db
      .insertInto('person')
      .values({
        county_code: COUNTY,
        household_id: h.id,
        area_code: village,
        name: i === 0 ? headName : (m.name ?? `成员${serial}-${i}`),
        sex: 'M',
        id_number: makeIdNumber(COUNTY, birth, (serial * 10 + i) % 1000),
        birth_date: birth,
        relation: i === 0 ? 'head' : (m.relation ?? 'spouse'),
        labour: m.labour === undefined ? 'ordinary' : m.labour,
        civil_capacity: m.civilCapacity ?? 'full',
        status: m.status ?? 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    personIds.push(p.id);
  }
  await t.db.updateTable('household').set({ head_person_id: personIds[0] }).where('id', '=', h.id).execute();
  return { householdId: h.id, personIds, headName };
}

export const TODAY = todayInChina();
export const YEAR = Number(TODAY.slice(0, 4));

/** This year's scheme (the seed's figures) and generous quotas for both townships. */
export async function setupYear(t: TestApp, quotas: Record<string, [amountFen: number, count: number]> = { [EAST]: [500_000_000, 500], [WEST]: [500_000_000, 500] }) {
  const c = await as(t, 'xfpb');
  const s = await c.post('/api/loans/schemes', { countyCode: COUNTY, year: YEAR, name: `${YEAR} 年扶贫到户贷款` });
  if (s.status !== 200) throw new Error(JSON.stringify(s.body));
  for (const [townshipCode, [amountFen, loanCount]] of Object.entries(quotas)) {
    const q = await c.put('/api/loans/quotas', { countyCode: COUNTY, year: YEAR, townshipCode, amountFen, loanCount });
    if (q.status !== 200) throw new Error(JSON.stringify(q.body));
  }
  return s.body as { id: number; version: number };
}

/** A household holding an issued, valid certificate (inserted directly: the certificate flow has its own tests). */
export async function certified(t: TestApp, opts: Parameters<typeof makeHousehold>[1] = {}) {
  const h = await makeHousehold(t, opts);
  const village = opts.village ?? EAST_V1;
  await t.db
    .insertInto('loan_certificate')
    .values({
      county_code: COUNTY,
      cert_no: `T-${h.householdId}`,
      household_id: h.householdId,
      area_code: village,
      township_code: village.slice(0, 9),
      status: 'issued',
      applied_on: TODAY,
      credit_grade: 'AA',
      valid_from: `${YEAR - 2}-01-01`,
      valid_to: `${YEAR + 1}-12-31`,
    })
    .execute();
  return h;
}

const VILLAGE_USER: Record<string, [village: string, station: string, coop: string]> = {
  [EAST_V1]: ['cun1', 'zhan1', 'xys1'],
  [EAST_V2]: ['cun2', 'zhan1', 'xys1'],
  [WEST_V1]: ['cun3', 'zhan2', 'xys2'],
};

/**
 * A household application taken through village, station and coop approval. `decidedOn` backdates
 * the decision so a loan can be disbursed (and repaid) in the past.
 */
export async function approvedApplication(
  t: TestApp,
  opts: { village?: string; amountFen?: number; termMonths?: number; production?: boolean; industry?: string; decidedOn?: string; household?: Parameters<typeof makeHousehold>[1] } = {},
) {
  const village = opts.village ?? EAST_V1;
  const [vu, su, cu] = VILLAGE_USER[village];
  const h = await certified(t, { ...opts.household, village });
  const body = {
    householdId: h.householdId,
    projectName: '种植烤烟 10 亩',
    industry: opts.industry ?? (opts.production === false ? 'non_production' : 'tobacco'),
    production: opts.production ?? true,
    amountFen: opts.amountFen ?? 2_000_000,
    termMonths: opts.termMonths ?? 12,
    purpose: '购买烟苗、化肥',
  };
  let r = await (await as(t, vu)).post('/api/loans/applications', body);
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  for (const [u, path] of [
    [vu, 'village-review'],
    [su, 'station-review'],
    [cu, 'coop-decision'],
  ] as const) {
    r = await (await as(t, u)).post(`/api/loans/applications/${r.body.id}/${path}`, { version: r.body.version, decision: 'approve', opinion: '同意' });
    if (r.status !== 200) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
  }
  if (r.body.status !== 'approved') throw new Error(`not approved: ${r.body.stage}`);
  if (opts.decidedOn) {
    await t.db.updateTable('loan_application').set({ decided_on: opts.decidedOn, submitted_on: opts.decidedOn }).where('id', '=', r.body.id).execute();
  }
  return { ...h, application: r.body as { id: number; version: number; amountFen: number; appNo: string } };
}

/** Approve and disburse in one go; returns the loan detail. */
export async function disbursedLoan(
  t: TestApp,
  opts: Parameters<typeof approvedApplication>[1] & { disbursedOn: string; schedule?: 'bullet' | 'instalments'; instalmentCount?: number },
) {
  const a = await approvedApplication(t, { ...opts, decidedOn: opts.decidedOn ?? opts.disbursedOn });
  const coop = VILLAGE_USER[opts.village ?? EAST_V1][2];
  const r = await (await as(t, coop)).post(`/api/loans/applications/${a.application.id}/disburse`, {
    version: a.application.version,
    contractNo: `HT-${a.application.appNo}`,
    contractDate: opts.disbursedOn,
    disbursedOn: opts.disbursedOn,
    coopRateBp: 720,
    schedule: opts.schedule ?? 'bullet',
    instalmentCount: opts.instalmentCount,
  });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
  return { ...a, loan: r.body };
}
