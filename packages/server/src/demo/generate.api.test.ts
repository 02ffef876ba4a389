import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageOn, parseIdNumber } from '@fupin/shared/idcard';
import { verifyAuditChain } from '../audit/verify';
import { recheckHouseholds } from '../registry/quality/check';
import { startTestApp, type TestApp } from '../test/harness';
import { DEMO_AS_OF } from './households';
import { DEMO_PASSWORD, USERNAME_PREFIX, loadDemo, type LoadDemoResult } from './generate';

const SEED = 7;

/** What "the same data" means: every person's identity and place, every household's figures. */
async function digest(t: TestApp): Promise<{ persons: string; households: string; users: string }> {
  const p = await t.pool.query(`
    SELECT md5(string_agg(concat_ws('|', id_number, name, sex, birth_date, relation, education, schooling, health, labour, phone, area_code), E'\\n' ORDER BY id_number)) AS d
    FROM person`);
  const h = await t.pool.query(`
    SELECT md5(string_agg(concat_ws('|', household_no, area_code, address, head_name, category, status, status_since, main_cause,
                                    secondary_causes::text, net_income_per_capita_fen, member_count, bank_account), E'\\n' ORDER BY household_no)) AS d
    FROM household`);
  const u = await t.pool.query(`SELECT md5(string_agg(username || '|' || name || '|' || area_code, E'\\n' ORDER BY username)) AS d FROM app_user WHERE username <> 'admin'`);
  return { persons: p.rows[0].d, households: h.rows[0].d, users: u.rows[0].d };
}

describe('demo data, township scale', () => {
  let t: TestApp;
  let result: LoadDemoResult;

  beforeAll(async () => {
    t = await startTestApp();
    result = await loadDemo(t.db, t.pool, { scale: 'township', seed: SEED });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('builds one county with one township of about ten villages and 2,000–3,000 households', async () => {
    const levels = await t.pool.query<{ level: number; n: number }>(`SELECT level, count(*)::int AS n FROM area GROUP BY level ORDER BY level`);
    const byLevel = Object.fromEntries(levels.rows.map((r) => [r.level, r.n]));
    expect(byLevel[1]).toBe(1);
    expect(byLevel[2]).toBe(1);
    expect(byLevel[3]).toBe(1);
    expect(byLevel[4]).toBe(1);
    expect(byLevel[5]).toBe(10);
    expect(byLevel[6]).toBeGreaterThanOrEqual(40);
    expect(result.summary.households).toBeGreaterThanOrEqual(2000);
    expect(result.summary.households).toBeLessThanOrEqual(3000);
    const mean = Number(result.summary.persons) / Number(result.summary.households);
    expect(mean).toBeGreaterThan(3.2);
    expect(mean).toBeLessThan(3.9);
    // Codes extend their parent by three digits; names carry the level's suffix.
    const bad = await t.pool.query(`
      SELECT a.code FROM area a JOIN area p ON p.code = a.parent_code
      WHERE a.level >= 4 AND (length(a.code) <> length(p.code) + 3 OR left(a.code, length(p.code)) <> p.code)
         OR (a.level = 4 AND a.name !~ '[乡镇]$') OR (a.level = 5 AND a.name !~ '村$') OR (a.level = 6 AND a.name !~ '^第.+组$')`);
    expect(bad.rows).toEqual([]);
  });

  it('gives every person a valid resident ID that agrees with their birth date, sex and county, unique everywhere', async () => {
    const rows = await t.pool.query<{ id_number: string; birth_date: string; sex: string; county_code: string; id: number }>(
      `SELECT id, id_number, birth_date, sex, county_code FROM person`,
    );
    expect(rows.rows.length).toBe(Number(result.summary.persons));
    const seen = new Set<string>();
    for (const p of rows.rows) {
      const parsed = parseIdNumber(p.id_number);
      expect(parsed, p.id_number).toMatchObject({ ok: true, birthDate: p.birth_date, sex: p.sex, areaCode: p.county_code });
      expect(seen.has(p.id_number)).toBe(false);
      seen.add(p.id_number);
    }
    const index = await t.pool.query(`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE p.id IS NULL OR p.county_code <> i.county_code)::int AS bad
      FROM person_id_index i LEFT JOIN person p ON p.id = i.person_id AND p.id_number = i.id_number`);
    expect(index.rows[0]).toEqual({ n: rows.rows.length, bad: 0 });
  });

  it('keeps each household consistent: one head, head fields, member count, income arithmetic, places', async () => {
    const bad = await t.pool.query(`
      SELECT h.household_no
      FROM household h
      JOIN LATERAL (
        SELECT count(*) AS n, count(*) FILTER (WHERE relation = 'head') AS heads,
               max(id) FILTER (WHERE relation = 'head') AS head_id, max(name) FILTER (WHERE relation = 'head') AS head_name
        FROM person p WHERE p.county_code = h.county_code AND p.household_id = h.id) m ON true
      JOIN area g ON g.code = h.area_code
      WHERE m.heads <> 1 OR m.head_id <> h.head_person_id OR m.head_name <> h.head_name OR m.n <> h.member_count
         OR h.member_count NOT BETWEEN 1 AND 7
         OR h.net_income_per_capita_fen <> round((h.income_wages_fen + h.income_business_fen + h.income_transfer_fen + h.income_property_fen)::numeric / h.member_count)
         OR h.income_year IS NULL
         OR g.level <> 6 OR g.parent_code <> h.village_code OR left(h.household_no, 12) <> h.village_code OR left(h.village_code, 9) <> h.township_code
         OR (h.phone IS NOT NULL AND h.phone !~ '^1[3-9][0-9]{9}$')
         OR h.status NOT IN ('identified', 'exited', 'monitored', 'returned')
         OR h.status_since > DATE '${DEMO_AS_OF}'`);
    expect(bad.rows).toEqual([]);
    const persons = await t.pool.query(`SELECT count(*)::int AS n FROM person p JOIN household h ON h.county_code = p.county_code AND h.id = p.household_id WHERE p.area_code <> h.area_code OR (p.phone IS NOT NULL AND p.phone !~ '^1[3-9][0-9]{9}$')`);
    expect(persons.rows[0].n).toBe(0);
    // Every coded value comes from its dictionary.
    const codes = await t.pool.query(`
      SELECT 'main_cause' AS col, main_cause AS v FROM household WHERE main_cause NOT IN (SELECT code FROM dict_item WHERE type_code = 'poverty_cause')
      UNION ALL SELECT 'secondary', c FROM household, unnest(secondary_causes) c WHERE c NOT IN (SELECT code FROM dict_item WHERE type_code = 'poverty_cause')
      UNION ALL SELECT 'category', category FROM household WHERE category NOT IN (SELECT code FROM dict_item WHERE type_code = 'household_category')
      UNION ALL SELECT 'housing', housing_safety FROM household WHERE housing_safety NOT IN (SELECT code FROM dict_item WHERE type_code = 'housing_safety')
      UNION ALL SELECT 'relation', relation FROM person WHERE relation NOT IN (SELECT code FROM dict_item WHERE type_code = 'relation')
      UNION ALL SELECT 'education', education FROM person WHERE education NOT IN (SELECT code FROM dict_item WHERE type_code = 'education')
      UNION ALL SELECT 'schooling', schooling FROM person WHERE schooling NOT IN (SELECT code FROM dict_item WHERE type_code = 'schooling')
      UNION ALL SELECT 'health', health FROM person WHERE health NOT IN (SELECT code FROM dict_item WHERE type_code = 'health')
      UNION ALL SELECT 'labour', labour FROM person WHERE labour NOT IN (SELECT code FROM dict_item WHERE type_code = 'labour')
      UNION ALL SELECT 'ethnicity', ethnicity FROM person WHERE ethnicity NOT IN (SELECT code FROM dict_item WHERE type_code = 'ethnicity')
      UNION ALL SELECT 'work_status', work_status FROM person WHERE work_status NOT IN (SELECT code FROM dict_item WHERE type_code = 'work_status')`);
    expect(codes.rows).toEqual([]);
    const flags = await t.pool.query(`SELECT count(*) FILTER (WHERE pref_family_planning)::int AS fp, count(*) FILTER (WHERE pref_veteran)::int AS vet, count(DISTINCT status)::int AS statuses FROM household`);
    expect(flags.rows[0].fp).toBeGreaterThan(0);
    expect(flags.rows[0].vet).toBeGreaterThan(0);
    expect(flags.rows[0].statuses).toBe(4);
    // The status history ends in the current status, on status_since, and runs forward in time.
    const history = await t.pool.query(`
      SELECT h.household_no FROM household h
      JOIN LATERAL (SELECT array_agg(to_status ORDER BY id) AS s, array_agg(changed_on ORDER BY id) AS d
                    FROM household_status_history x WHERE x.county_code = h.county_code AND x.household_id = h.id) x ON true
      WHERE x.s IS NULL OR x.s[array_length(x.s, 1)] <> h.status OR x.d[array_length(x.d, 1)] <> h.status_since
         OR x.s[1] <> 'identified'
         OR EXISTS (SELECT 1 FROM generate_subscripts(x.d, 1) i WHERE i > 1 AND x.d[i] < x.d[i - 1])`);
    expect(history.rows).toEqual([]);
  });

  it("passes the registry's own data-quality rules without a single error", async () => {
    const ids = (await t.pool.query<{ id: number }>(`SELECT id FROM household ORDER BY id`)).rows.map((r) => Number(r.id));
    const county = String(result.users[0].areaCode).slice(0, 6);
    const rolledBack = new Error('rollback');
    let issues: { rule: string; severity: string; message: string }[] = [];
    await t.db
      .transaction()
      .execute(async (tx) => {
        await recheckHouseholds(tx, county, ids, DEMO_AS_OF);
        issues = await tx.selectFrom('registry_quality_issue').select(['rule', 'severity', 'message']).execute();
        throw rolledBack; // the check writes its findings; leave the demo data as loaded
      })
      .catch((e) => {
        if (e !== rolledBack) throw e;
      });
    expect(issues.filter((i) => i.severity === 'error').slice(0, 10)).toEqual([]);
    // Warnings are rare (a 15-year-old who left school is one the 控辍保学 list should show).
    expect(issues.length).toBeLessThan(ids.length * 0.01);
  });

  it('makes relations, sexes and ages fit together, and schooling, labour and work fit the age', async () => {
    const rows = await t.pool.query<{
      household_id: number; relation: string; sex: string; birth_date: string; schooling: string; education: string;
      labour: string; work_status: string | null; work_months: number | null; disability_grade: number | null; health: string; name: string;
    }>(`SELECT household_id, relation, sex, birth_date, schooling, education, labour, work_status, work_months, disability_grade, health, name FROM person ORDER BY household_id, id`);
    const byHousehold = new Map<number, typeof rows.rows>();
    for (const r of rows.rows) {
      const list = byHousehold.get(r.household_id) ?? [];
      list.push(r);
      byHousehold.set(r.household_id, list);
    }
    const problems: string[] = [];
    const sexOf: Record<string, string> = { son: 'M', daughter: 'F', father: 'M', mother: 'F', grandson: 'M', granddaughter: 'F', daughter_in_law: 'F' };
    let childrenWithHeadSurname = 0;
    let children = 0;
    for (const [hid, members] of byHousehold) {
      const head = members.find((m) => m.relation === 'head')!;
      const headAge = ageOn(head.birth_date, DEMO_AS_OF);
      for (const m of members) {
        const age = ageOn(m.birth_date, DEMO_AS_OF);
        const older = headAge - age; // how much older the head is
        const say = (why: string) => problems.push(`${hid} ${m.relation} ${age}/${headAge}: ${why}`);
        if (sexOf[m.relation] && sexOf[m.relation] !== m.sex) say('sex does not fit the relation');
        if (m.relation === 'spouse' && (m.sex === head.sex || Math.abs(older) > 10)) say('spouse');
        if ((m.relation === 'son' || m.relation === 'daughter') && (older < 16 || older > 50)) say('child age');
        if ((m.relation === 'grandson' || m.relation === 'granddaughter') && older < 36) say('grandchild age');
        if ((m.relation === 'father' || m.relation === 'mother') && (-older < 16 || -older > 50)) say('parent age');
        if (m.relation === 'daughter_in_law' && (older < 14 || older > 45)) say('daughter-in-law age');
        if (m.relation === 'son' || m.relation === 'daughter') {
          children++;
          if (head.sex === 'M' && m.name[0] === head.name[0]) childrenWithHeadSurname++;
        }
        // Age against schooling, labour and work.
        const schoolAges: Record<string, [number, number]> = { preschool: [3, 5], primary: [6, 11], junior: [12, 15], senior: [15, 17], vocational: [15, 17], higher: [18, 21] };
        if (m.schooling !== 'not_in_school' && (age < schoolAges[m.schooling][0] || age > schoolAges[m.schooling][1])) say(`schooling ${m.schooling}`);
        if (age < 3 && m.education !== 'preschool') say('education of a toddler');
        if (age >= 6 && m.education === 'preschool') say('preschool education past six');
        if (age < 16 && (m.work_status !== null || m.labour !== 'none')) say('child working');
        if (age >= 70 && m.labour !== 'none') say('labour past seventy');
        if (m.schooling !== 'not_in_school' && m.labour !== 'none') say('student counted as labour');
        if (m.work_status && m.work_status !== 'none' && !(m.work_months! >= 1)) say('working without months');
        if ((m.work_status === 'none' || m.work_status === null) && m.work_months) say('months without work');
        if ((m.health === 'disabled') !== (m.disability_grade !== null)) say('disability grade');
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // Children mostly carry the father's surname.
    expect(childrenWithHeadSurname / children).toBeGreaterThan(0.75);
  });

  it('gives every role a user in every area it serves, scoped to that area, with the demo password', async () => {
    const users = await t.pool.query<{ username: string; area_code: string; level: number; role: string; data_scope: string; must_change_password: boolean; org_area: string; org_kind: string }>(`
      SELECT u.username, u.area_code, a.level, r.code AS role, u.data_scope, u.must_change_password, o.area_code AS org_area, o.kind AS org_kind
      FROM app_user u JOIN user_role ur ON ur.user_id = u.id JOIN role r ON r.id = ur.role_id
      JOIN area a ON a.code = u.area_code JOIN org o ON o.id = u.org_id
      WHERE u.username <> 'admin'`);
    const levelOfRole: Record<string, number> = {
      county_office: 3, finance_bureau: 3, credit_union: 3, inspector: 3, station: 4, finance_office: 4, coop: 4, village_clerk: 5, cadre: 5,
    };
    const areas = await t.pool.query<{ code: string; level: number }>(`SELECT code, level FROM area WHERE level BETWEEN 3 AND 5`);
    for (const [role, level] of Object.entries(levelOfRole)) {
      expect(Object.keys(USERNAME_PREFIX)).toContain(role);
      for (const a of areas.rows.filter((x) => x.level === level)) {
        const u = users.rows.filter((x) => x.role === role && x.area_code === a.code);
        expect(u.map((x) => x.username), `${role} @ ${a.code}`).toEqual([USERNAME_PREFIX[role] + a.code]);
      }
    }
    for (const u of users.rows) {
      expect(u.data_scope).toBe(u.role === 'cadre' ? 'self' : 'area_below');
      expect(u.must_change_password).toBe(false);
      // The user's org sits in the user's area, except a cadre, who works for a county unit.
      if (u.role === 'cadre') expect([u.org_kind, u.org_area]).toEqual(['unit', u.area_code.slice(0, 6)]);
      else expect(u.org_area).toBe(u.area_code);
    }
    expect(result.users.length).toBe(users.rows.length);
    const orgKinds = await t.pool.query<{ kind: string; n: number }>(`SELECT kind, count(*)::int AS n FROM org GROUP BY kind`);
    const kinds = Object.fromEntries(orgKinds.rows.map((r) => [r.kind, r.n]));
    expect(kinds).toMatchObject({ leading_group: 1, poverty_office: 1, finance_bureau: 1, credit_union: 1, township_gov: 1, station: 1, finance_office: 1, coop: 1, village_committee: 10 });
    expect(kinds.unit).toBeGreaterThanOrEqual(3);
  });

  it('lets a demo village clerk log in, scoped to their village', async () => {
    const clerk = result.users.find((u) => u.role === 'village_clerk')!;
    const c = t.client();
    const r = await c.post('/api/auth/login', { username: clerk.username, password: DEMO_PASSWORD });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ username: clerk.username, areaCode: clerk.areaCode, mustChangePassword: false, dataScope: 'area_below' });
    expect(r.body.user.roles.map((x: { code: string }) => x.code)).toEqual(['village_clerk']);
    expect(result.loginHint).toContain(DEMO_PASSWORD);
    const wrong = await t.client().post('/api/auth/login', { username: clerk.username, password: 'Wrong#2026' });
    expect(wrong.status).toBe(401);
  });

  it('fills the loans too: the county has a scheme, loans and a settled quarter', async () => {
    const n = async (table: string) => (await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    expect(await n('loan_scheme')).toBeGreaterThan(0);
    expect(await n('loan')).toBeGreaterThan(0);
    expect(await n('loan_settlement')).toBeGreaterThan(0);
  });

  it('lets a demo cadre see in the register only the households paired to them', async () => {
    const cadreUser = result.users.find((u) => u.role === 'cadre')!;
    const paired = await t.pool.query<{ id: string }>(
      `SELECT p.household_id AS id FROM pairing p JOIN cadre c ON c.county_code = p.county_code AND c.id = p.cadre_id
         JOIN app_user u ON u.id = c.user_id
        WHERE u.username = $1 AND p.end_date IS NULL ORDER BY 1`,
      [cadreUser.username],
    );
    expect(paired.rows.length).toBeGreaterThan(0);
    const village = await t.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM household WHERE area_code LIKE $1`, [cadreUser.areaCode + '%']);
    expect(village.rows[0].n).toBeGreaterThan(paired.rows.length);
    const c = t.client();
    expect((await c.post('/api/auth/login', { username: cadreUser.username, password: DEMO_PASSWORD })).status).toBe(200);
    const list = await c.get('/api/registry/households?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(paired.rows.length);
    expect(list.body.items.map((x: { id: number }) => String(x.id)).sort()).toEqual(paired.rows.map((r) => String(r.id)).sort());
  });

  it('writes one audit row for the load and keeps the chain valid', async () => {
    const rows = await t.pool.query(`SELECT county_code, summary, username FROM audit_log WHERE module = 'demo'`);
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0].username).toBe('demo-data');
    expect(rows.rows[0].summary).toContain(`${result.summary.households} 户`);
    expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
  });

  it('refuses to load the same region twice and leaves the data untouched', async () => {
    const before = await digest(t);
    await expect(loadDemo(t.db, t.pool, { scale: 'township', seed: SEED })).rejects.toThrow(/演示数据已存在.*459821/);
    await expect(loadDemo(t.db, t.pool, { scale: 'township', seed: SEED + 1 })).rejects.toThrow(/已在数据库中/);
    expect(await digest(t)).toEqual(before);
  });

  it('refuses, before writing anything, when an existing account already has a demo username', async () => {
    const other = await startTestApp();
    try {
      await other.pool.query(`INSERT INTO app_user (username, name, password_hash) VALUES ('VC459821001003', '同名用户', 'x')`);
      await expect(loadDemo(other.db, other.pool, { scale: 'township', seed: SEED })).rejects.toThrow(/VC459821001003.*已被占用/);
      expect((await other.pool.query(`SELECT count(*)::int AS n FROM area`)).rows[0].n).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('is deterministic: the same seed gives the same people in a fresh database, another seed does not', async () => {
    const first = await digest(t);
    const again = await startTestApp();
    const other = await startTestApp();
    try {
      await loadDemo(again.db, again.pool, { scale: 'township', seed: SEED });
      await loadDemo(other.db, other.pool, { scale: 'township', seed: SEED + 1 });
      expect(await digest(again)).toEqual(first);
      const d = await digest(other);
      expect(d.persons).not.toEqual(first.persons);
      expect(d.households).not.toEqual(first.households);
    } finally {
      await again.close();
      await other.close();
    }
    // two whole demo loads (register, visits, loans) into fresh databases; slow on a shared machine
  }, 300_000);
});
