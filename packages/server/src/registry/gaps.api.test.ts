import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, createCalendar, todayInChina } from '@fupin/shared';
import { createUser } from '../test/system-fixtures';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { householdBody, member, newId, ok, REGION, seedRegistryWorld, type RegistryWorld } from './test-fixtures';

// Issue 3's gaps: member edits through PATCH, the poverty lines through the current year, the
// monitoring case's overall deadline, the cadre's own households, cancelled households' IDs.

let t: TestApp;
let w: RegistryWorld;
beforeAll(async () => {
  t = await startTestApp();
  w = await seedRegistryWorld(t);
});
afterAll(async () => {
  await t.close();
});

const day = todayInChina();
const ago = (n: number) => addDays(day, -n);
const newHousehold = (c: Client = w.clerkA, over: Record<string, unknown> = {}) => ok(c.post('/api/registry/households', householdBody(over)));

describe('editing a member', () => {
  it('refuses an ID with a wrong check digit in Chinese, saves a good edit with the audit before/after and re-runs the quality rules', async () => {
    const h = await newHousehold();
    const wife = h.members.find((m: any) => m.relation === 'spouse');
    const good = newId('1977-06-08', true);
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r = await w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: wife.version, idNumber: bad });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('E2001');
    expect(r.body.error.message).toMatch(/^身份证号码：.*校验/);

    // sex entered against the ID: a woman's new ID with 男 is refused
    const sex = await w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: wife.version, idNumber: good, sex: 'M' });
    expect(sex.status).toBe(400);
    expect(sex.body.error.message).toContain('性别');

    const saved = await ok(w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: wife.version, idNumber: good, workStatus: 'county', workMonths: 6, phone: '13907781111' }));
    expect(saved.idNumberMasked).toBe(`${good.slice(0, 4)}**********${good.slice(14)}`);
    expect(saved.phoneMasked).not.toContain('7781111');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'person').where('entity_id', '=', String(wife.id)).where('action', '=', 'update').executeTakeFirstOrThrow();
    expect(audit.summary).toContain('身份证号码');
    expect(JSON.stringify(audit.before)).not.toContain(good);
    expect(audit.after).toBeTruthy();

    // months worked without work: the save goes in and the household page shows the problem at once
    await ok(w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: saved.version, workStatus: 'none', workMonths: 6 }));
    const page = await ok(w.clerkA.get(`/api/registry/households/${h.id}/page`));
    expect(page.qualityIssues.map((i: any) => i.rule)).toContain('age_labour');
  });
});

describe('poverty lines', () => {
  it('has a national default for every year through the current one, and the 2025 income year gets a real exit verdict', async () => {
    const lines = (await ok(w.county.get('/api/registry/poverty-lines'))).items as { provinceCode: string; year: number; lineFen: number }[];
    const national = new Map(lines.filter((l) => l.provinceCode === '000000').map((l) => [l.year, l.lineFen]));
    for (let y = 2014; y <= Number(day.slice(0, 4)); y++) expect(national.get(y), String(y)).toBeGreaterThan(0);
    expect(national.get(2025)).toBe(600_000);

    const rich = await newHousehold();
    const v = await ok(w.clerkA.get(`/api/registry/households/${rich.id}/exit-check`));
    expect(v).toMatchObject({ eligible: true, lineFen: 600_000, year: 2025 });
    const poor = await newHousehold(w.clerkA, { incomeWagesFen: 500_000, incomeBusinessFen: 0, incomeTransferFen: 100_000 });
    const pv = await ok(w.clerkA.get(`/api/registry/households/${poor.id}/exit-check`));
    expect(pv.eligible).toBe(false);
    expect(pv.criteria.find((c: any) => c.key === 'income' || /收入/.test(c.message))?.ok).toBe(false);
  });

  it('a province line set by an administrator wins over the national default; others may not set lines', async () => {
    const province = `${REGION.county.slice(0, 2)}0000`;
    const denied = await w.county.put(`/api/registry/poverty-lines/${province}/2025`, { lineFen: 700_000 });
    expect(denied.status).toBe(403);
    await ok(w.admin.put(`/api/registry/poverty-lines/${province}/2025`, { lineFen: 900_000, note: '本省2025年监测范围' }));
    const h = await newHousehold();
    const v = await ok(w.clerkA.get(`/api/registry/households/${h.id}/exit-check`));
    expect(v).toMatchObject({ eligible: false, lineFen: 900_000 });
  });

  it("lets a county administrator set the county's own line, which wins over the province's, and nobody else's", async () => {
    const role = await ok(w.admin.post('/api/roles', { code: 'county_params', name: '县参数管理', permissions: ['system:param:edit', 'registry:household:view'] }));
    expect(role.code).toBe('county_params');
    const { client: countyAdmin } = await createUser(t, w.admin, { username: 'county_params', name: '县参数管理员', areaCode: REGION.county, dataScope: 'area_below', roleCodes: ['county_params'] });
    const province = `${REGION.county.slice(0, 2)}0000`;
    expect((await countyAdmin.put('/api/registry/poverty-lines/000000/2025', { lineFen: 100 })).status).toBe(403);
    expect((await countyAdmin.put(`/api/registry/poverty-lines/${province}/2025`, { lineFen: 100 })).status).toBe(403);
    expect((await countyAdmin.put('/api/registry/poverty-lines/110105/2025', { lineFen: 100 })).status).toBe(403);
    const notCounty = await w.admin.put(`/api/registry/poverty-lines/${REGION.county.slice(0, 4)}00/2025`, { lineFen: 100 });
    expect(notCounty.status).toBe(400);
    expect(notCounty.body.error.message).toContain('不是县级区划代码');
    const saved = await ok(countyAdmin.put(`/api/registry/poverty-lines/${REGION.county}/2025`, { lineFen: 650_000, note: '县定监测范围' }));
    expect(saved).toMatchObject({ provinceCode: REGION.county, lineFen: 650_000 });
    const h = await newHousehold();
    const v = await ok(w.clerkA.get(`/api/registry/households/${h.id}/exit-check`));
    expect(v).toMatchObject({ eligible: true, lineFen: 650_000 });
    const audit = await t.db.selectFrom('audit_log').select(['summary', 'area_code']).where('action', '=', 'poverty-line').where('entity_id', '=', `${REGION.county}:2025`).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ area_code: REGION.county });
    expect(audit.summary).toContain('县级');
  });
});

describe('the monitoring case’s 15-working-day overall deadline', () => {
  it('is set from the first clue, caps every step’s due date before county approval, and makes the case overdue', async () => {
    const cal = createCalendar();
    const h = await newHousehold();
    const start = ago(40);
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'monitoring', origin: 'cadre_check', date: start }));
    const overall = cal.addWorkingDays(start, 15);
    expect(wf.overallDueDate).toBe(overall);
    expect(wf.dueDate).toBe(cal.addWorkingDays(start, 10)); // appraisal's own limit is earlier
    expect(wf).toMatchObject({ overdue: true, overallOverdue: true });

    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(35) }));
    expect(wf.dueDate).toBe(overall); // 评议通过、待公示 has no limit of its own
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(34) }));
    expect(wf.dueDate <= overall).toBe(true);

    const list = await ok(w.stationA.get('/api/registry/workflows?kind=monitoring&overdue=true'));
    expect(list.items.map((x: any) => x.id)).toContain(wf.id);

    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(20) }));
    expect(wf.dueDate).toBe(overall);
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(18) }));
    // approved: the overall limit is met; the announcement has its own
    expect(wf.state).toBe('announcement');
    expect(wf.overallOverdue).toBe(false);
    expect(wf.dueDate).toBe(cal.addWorkingDays(ago(18), 5));
  });

  it('other kinds have no overall deadline', async () => {
    const h = await newHousehold();
    const wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: day }));
    expect(wf).toMatchObject({ overallDueDate: null, overallOverdue: false });
  });
});

describe("a cadre's own households (data scope 'self')", () => {
  it('sees in the register only the households currently paired to them, not their neighbours in the same village', async () => {
    const admin = w.admin;
    const cadreUser = await createUser(t, admin, { username: 'cadre_wei', name: '韦帮扶', areaCode: REGION.villageA, dataScope: 'self', roleCodes: ['cadre'] });
    const mine = await newHousehold();
    const theirs = await newHousehold();
    const org = await t.db.selectFrom('org').select('id').executeTakeFirstOrThrow();
    const cadre = await t.db
      .insertInto('cadre')
      .values({ county_code: REGION.county, user_id: cadreUser.id, name: '韦帮扶', unit_org_id: org.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db.insertInto('pairing').values({ county_code: REGION.county, household_id: mine.id, cadre_id: cadre.id, start_date: ago(30), start_reason: '测试结对' }).execute();

    const c = cadreUser.client;
    const list = await ok(c.get(`/api/registry/households?villageCode=${REGION.villageA}`));
    expect(list.items.map((x: any) => x.id)).toEqual([mine.id]);
    expect(list.total).toBe(1);
    expect((await c.get(`/api/registry/households/${mine.id}/page`)).status).toBe(200);
    expect((await c.get(`/api/registry/households/${theirs.id}`)).status).toBe(404);
    expect((await c.get(`/api/registry/households/${theirs.id}/page`)).status).toBe(404);
    const theirMember = theirs.members[0];
    expect((await c.get(`/api/registry/persons/${theirMember.id}`)).status).toBe(404);
    const persons = await ok(c.get(`/api/registry/persons?villageCode=${REGION.villageA}`));
    expect(new Set(persons.items.map((p: any) => p.householdId))).toEqual(new Set([mine.id]));

    // the pairing ends: the household leaves the cadre's register
    await t.db.updateTable('pairing').set({ end_date: day, end_reason: '调整' }).where('household_id', '=', mine.id).execute();
    expect((await c.get(`/api/registry/households/${mine.id}`)).status).toBe(404);
  });
});

describe('cancelled households', () => {
  it('release their members’ IDs: the person can be registered in another household, without a duplicate warning', async () => {
    const h = await newHousehold();
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'cancellation', cancelReason: 'misidentified', reason: '重复建档', date: ago(5) }));
    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(4) }));
    const headId = h.members.find((m: any) => m.relation === 'head').id;
    const head = await t.db.selectFrom('person').select('id_number').where('id', '=', headId).executeTakeFirstOrThrow();

    // still claimed while the case is open
    const early = await w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB, members: [member({ idNumber: head.id_number })] }));
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('E2002');

    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(3) }));
    expect(wf.state).toBe('done');
    expect(await t.db.selectFrom('person_id_index').select('id_number').where('id_number', '=', head.id_number).executeTakeFirst()).toBeUndefined();

    const again = await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB, members: [member({ idNumber: head.id_number })] })));
    const page = await ok(w.clerkB.get(`/api/registry/households/${again.id}/page`));
    expect(page.qualityIssues.filter((i: any) => ['duplicate_active', 'index_mismatch'].includes(i.rule))).toEqual([]);
    const old = await ok(w.admin.get(`/api/registry/households/${h.id}/page`));
    expect(old.household.status).toBe('cancelled');
    expect(old.household.members.some((m: any) => m.id === headId)).toBe(true);
    expect(old.qualityIssues.filter((i: any) => ['duplicate_active', 'index_mismatch'].includes(i.rule))).toEqual([]);

    // the cancelled household's members are closed: editing would claim the ID again
    const oldHead = old.household.members.find((m: any) => m.id === headId);
    const edit = await w.clerkA.patch(`/api/registry/persons/${headId}`, { version: oldHead.version, name: '改名' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('E2007');
  });
});
