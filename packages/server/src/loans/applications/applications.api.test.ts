import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { todayInChina } from '@fupin/shared/date';
import { startTestApp, type TestApp } from '../../test/harness';
import { as, COUNTY, EAST, EAST_V1, EAST_V2, makeHousehold, seedCounty, WEST, WEST_V1 } from '../test-fixtures';
import { recordDeadlineEvents } from './service';

let t: TestApp;
const TODAY = todayInChina();
const YEAR = Number(TODAY.slice(0, 4));
const cal = createCalendar();

beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  const c = await as(t, 'xfpb');
  expect((await c.post('/api/loans/schemes', { countyCode: COUNTY, year: YEAR, name: `${YEAR} 年扶贫到户贷款` })).status).toBe(200);
  expect((await c.put('/api/loans/quotas', { countyCode: COUNTY, year: YEAR, townshipCode: EAST, amountFen: 50_000_000, loanCount: 30 })).status).toBe(200);
  expect((await c.put('/api/loans/quotas', { countyCode: COUNTY, year: YEAR, townshipCode: WEST, amountFen: 1_000_000, loanCount: 1 })).status).toBe(200);
});
afterAll(async () => {
  await t.close();
});

/** A household holding an issued, valid certificate (inserted directly: the certificate flow has its own tests). */
async function certified(opts: Parameters<typeof makeHousehold>[1] = {}) {
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
      valid_from: `${YEAR}-01-01`,
      valid_to: `${YEAR + 1}-12-31`,
    })
    .execute();
  return h;
}

const project = (over: Record<string, unknown> = {}) => ({
  projectName: '养殖肉牛 5 头',
  industry: 'livestock',
  production: true,
  amountFen: 1_000_000,
  termMonths: 12,
  purpose: '购买架子牛和饲料',
  expectedBenefit: '年增收 8000 元',
  attachments: [{ name: '项目申请书.pdf' }],
  ...over,
});

async function apply(householdId: number, over: Record<string, unknown> = {}, user = 'cun1') {
  const r = await (await as(t, user)).post('/api/loans/applications', { householdId, ...project(over) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function step(user: string, path: string, app: { id: number; version: number }, decision = 'approve', opinion?: string) {
  const r = await (await as(t, user)).post(`/api/loans/applications/${app.id}/${path}`, { version: app.version, decision, opinion });
  return r;
}

describe('loan certificates (贷款证)', () => {
  it('coop registers, village committee reviews income and integrity, coop issues with a grade and validity', async () => {
    const h = await makeHousehold(t);
    const coop = await as(t, 'xys1');
    const a = await coop.post('/api/loans/certificates', { householdId: h.householdId });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'applied', statusLabel: '已申请待村委会审查', valid: false });
    expect(a.body.certNo).toMatch(new RegExp(`^DKZ${COUNTY}-${YEAR}-\\d{5}$`));
    const dup = await coop.post('/api/loans/certificates', { householdId: h.householdId });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('E3102');

    // the wrong village's committee cannot see it; the coop cannot review in the village's place
    expect((await (await as(t, 'cun2')).post(`/api/loans/certificates/${a.body.id}/village-review`, { version: 1, approve: true, incomeChecked: true, integrityChecked: true, opinion: '同意' })).status).toBe(404);
    expect((await coop.post(`/api/loans/certificates/${a.body.id}/village-review`, { version: 1, approve: true, incomeChecked: true, integrityChecked: true, opinion: '同意' })).status).toBe(403);

    const half = await (await as(t, 'cun1')).post(`/api/loans/certificates/${a.body.id}/village-review`, { version: 1, approve: true, incomeChecked: true, integrityChecked: false, opinion: '同意' });
    expect(half.status).toBe(400);
    const v = await (await as(t, 'cun1')).post(`/api/loans/certificates/${a.body.id}/village-review`, { version: 1, approve: true, incomeChecked: true, integrityChecked: true, opinion: '收入属实，诚实守信' });
    expect(v.body).toMatchObject({ status: 'village_reviewed', villageOpinion: '收入属实，诚实守信' });

    expect((await (await as(t, 'zhan1')).post(`/api/loans/certificates/${a.body.id}/coop-decision`, { version: 2, decision: 'issue', creditGrade: 'AA', validFrom: TODAY, validTo: `${YEAR + 1}-12-31` })).status).toBe(403);
    const bad = await coop.post(`/api/loans/certificates/${a.body.id}/coop-decision`, { version: 2, decision: 'issue', creditGrade: 'B', validFrom: TODAY, validTo: TODAY });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/信用等级/);
    const i = await coop.post(`/api/loans/certificates/${a.body.id}/coop-decision`, { version: 2, decision: 'issue', creditGrade: 'AA', creditLimitFen: 2_000_000, validFrom: TODAY, validTo: `${YEAR + 1}-12-31` });
    expect(i.body).toMatchObject({ status: 'issued', creditGradeLabel: '较好', valid: true, creditLimitFen: 2_000_000 });

    const rv = await coop.post(`/api/loans/certificates/${a.body.id}/revoke`, { version: 3, reason: '骗取贷款' });
    expect(rv.body).toMatchObject({ status: 'revoked', valid: false });
    expect((await coop.post(`/api/loans/certificates/${a.body.id}/revoke`, { version: 4, reason: 'x' })).body.error.code).toBe('E3101');
    const list = await coop.get(`/api/loans/certificates?householdId=${h.householdId}`);
    expect(list.body.total).toBe(1);
  });

  it('a village refusal ends the application with its reason', async () => {
    const h = await makeHousehold(t);
    const a = await (await as(t, 'cun1')).post('/api/loans/certificates', { householdId: h.householdId });
    const v = await (await as(t, 'cun1')).post(`/api/loans/certificates/${a.body.id}/village-review`, { version: 1, approve: false, incomeChecked: true, integrityChecked: false, opinion: '有不良信用记录' });
    expect(v.body).toMatchObject({ status: 'rejected', rejectReason: '有不良信用记录' });
  });
});

describe('eligibility (第五条, 第三条, 第七条)', () => {
  it('lists one Chinese reason per failed rule and refuses the application', async () => {
    const h = await makeHousehold(t, { category: 'tekun', members: [{ civilCapacity: 'limited', labour: 'none' }] });
    const pre = await (await as(t, 'cun1')).get(`/api/loans/eligibility?householdId=${h.householdId}&amountFen=1000000&termMonths=18&production=true&industry=livestock`);
    expect(pre.status).toBe(200);
    expect(pre.body.eligible).toBe(false);
    expect(pre.body.failures.map((f: { rule: string }) => f.rule).sort()).toEqual(['certificate', 'civil_capacity', 'production_ability', 'term', 'wubao_no_labour']);
    const r = await (await as(t, 'cun1')).post('/api/loans/applications', { householdId: h.householdId, ...project({ termMonths: 18 }) });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('E3110');
    expect(r.body.error.details.failures).toHaveLength(5);
    expect(r.body.error.message).toMatch(/不具备完全民事行为能力/);
    expect(r.body.error.message).toMatch(/没有已发放的贷款证/);
  });

  it('the township precondition flag (第五条1) blocks lending in that township', async () => {
    const h = await certified({ village: WEST_V1 });
    await t.db.updateTable('area').set({ loan_precondition_met: false }).where('code', '=', WEST).execute();
    const r = await (await as(t, 'cun3')).post('/api/loans/applications', { householdId: h.householdId, ...project() });
    await t.db.updateTable('area').set({ loan_precondition_met: true }).where('code', '=', WEST).execute();
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/领导重视、组织机构健全、工作人员到位/);
  });

  it('non-production is lendable without subsidy; over the cap needs the county', async () => {
    const h = await certified();
    const a = await apply(h.householdId, { production: false, industry: 'non_production', amountFen: 2_500_000 });
    expect(a).toMatchObject({ subsidyEligible: false, needsCounty: true });
    expect(a.eligibility.notes.map((n: { rule: string }) => n.rule).sort()).toEqual(['non_production', 'over_cap']);
    // one application at a time
    const again = await (await as(t, 'cun1')).post('/api/loans/applications', { householdId: h.householdId, ...project() });
    expect(again.body.error.message).toMatch(/已有在审或已批准未放款的申请/);
  });

  it('validates the body with Chinese field names', async () => {
    const r = await (await as(t, 'cun1')).post('/api/loans/applications', { householdId: 1, ...project({ amountFen: -5, termMonths: 0 }) });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/申请金额/);
    expect(r.body.error.message).toMatch(/贷款期限/);
  });
});

describe('routing: village → station (5 working days) → coop (10) → county for over-cap', () => {
  it('a household loan within the cap, every step with its deadline and history', async () => {
    const h = await certified();
    const a = await apply(h.householdId);
    expect(a).toMatchObject({ status: 'submitted', stage: 'village', stageLabel: '村委会初审', lifecycleStatus: 'submitted', needsCounty: false });
    expect(a.deadline).toMatchObject({ dueDate: cal.addWorkingDays(TODAY, 5), overdue: false });
    expect(a.scheme.version).toBe(1);

    const q1 = await (await as(t, 'cun1')).get('/api/loans/applications/queue');
    expect(q1.body.items.map((i: { id: number }) => i.id)).toContain(a.id);
    expect(q1.body.stages).toEqual([expect.objectContaining({ stage: 'village', label: '村委会初审' })]);

    // the station cannot act before the village; its endpoint answers with the stage
    const early = await step('zhan1', 'station-review', a);
    expect(early.status).toBe(403);
    expect(early.body.error.code).toBe('E3112');
    expect(early.body.error.message).toMatch(/村委会初审/);

    const v = await step('cun1', 'village-review', a, 'approve', '情况属实');
    expect(v.status).toBe(200);
    expect(v.body).toMatchObject({ stage: 'station', deadline: { dueDate: cal.addWorkingDays(TODAY, 5) } });
    const s = await step('zhan1', 'station-review', v.body, 'approve', '同意推荐');
    expect(s.body).toMatchObject({ stage: 'coop', deadline: { dueDate: cal.addWorkingDays(TODAY, 10) } });
    // a station has no coop permission
    expect((await step('zhan1', 'coop-decision', s.body)).status).toBe(403);
    const c = await step('xys1', 'coop-decision', s.body, 'approve', '资信良好，同意放贷');
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 'approved', stage: null, lifecycleStatus: 'approved', lifecycleLabel: '已批准待放款', decidedOn: TODAY, decisionReason: '资信良好，同意放贷' });
    expect(c.body.events.map((e: { action: string; stage: string | null }) => `${e.action}:${e.stage ?? ''}`)).toEqual([
      'submit:',
      'approve:village',
      'approve:station',
      'approve:coop',
    ]);
    expect(c.body.events[2]).toMatchObject({ opinion: '同意推荐', actorOrg: '东乡镇扶贫工作站' });
    // decided: no more decisions
    expect((await step('xys1', 'coop-decision', c.body)).body.error.code).toBe('E3113');
    const log = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'loan_application').where('entity_id', '=', String(a.id)).execute();
    expect(log).toHaveLength(4);
    expect(log[3].summary).toMatch(/乡镇信用社调查决定.*同意，审批通过/);
  });

  it('return for more information keeps the history and goes back to the step that returned it', async () => {
    const h = await certified();
    const a = await apply(h.householdId);
    const v = (await step('cun1', 'village-review', a)).body;
    const noReason = await step('zhan1', 'station-review', v, 'return');
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('E3115');
    const r = await step('zhan1', 'station-review', v, 'return', '请补充养殖场地证明');
    expect(r.body).toMatchObject({ status: 'returned', stage: 'station', lifecycleLabel: '退回补充材料', deadline: null });
    const ret = await (await as(t, 'cun1')).get('/api/loans/applications/queue?stage=returned');
    expect(ret.body.items.map((i: { id: number }) => i.id)).toContain(a.id);
    expect((await step('zhan1', 'station-review', r.body)).body.error.code).toBe('E3113');
    const again = await (await as(t, 'cun1')).post(`/api/loans/applications/${a.id}/resubmit`, {
      version: r.body.version,
      note: '已补充场地租赁合同',
      amountFen: 800_000,
      attachments: [{ name: '项目申请书.pdf' }, { name: '场地租赁合同.jpg' }],
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'submitted', stage: 'station', amountFen: 800_000 });
    expect(again.body.attachments).toHaveLength(2);
    expect(again.body.events.map((e: { action: string }) => e.action)).toEqual(['submit', 'approve', 'return', 'resubmit']);
    expect(again.body.events[2].opinion).toBe('请补充养殖场地证明');
  });

  it('reject with reasons; withdraw by the applicant', async () => {
    const h = await certified();
    const a = await apply(h.householdId);
    const rj = await (await as(t, 'cun1')).post(`/api/loans/applications/${a.id}/village-review`, { version: a.version, decision: 'reject', opinion: '项目不可行', reasons: ['无养殖场地', '无养殖经验'] });
    expect(rj.body).toMatchObject({ status: 'rejected', lifecycleLabel: '已拒绝', decisionReason: '项目不可行' });
    expect(rj.body.events[1].reasons).toEqual(['无养殖场地', '无养殖经验']);

    const h2 = await certified();
    const b = await apply(h2.householdId);
    expect((await (await as(t, 'zhan1')).post(`/api/loans/applications/${b.id}/withdraw`, { version: b.version, reason: 'x' })).status).toBe(403);
    const w = await (await as(t, 'cun1')).post(`/api/loans/applications/${b.id}/withdraw`, { version: b.version, reason: '农户改变主意' });
    expect(w.body).toMatchObject({ status: 'withdrawn', lifecycleLabel: '已撤回' });
  });

  it('over the cap: after the coop, the county poverty office and then the credit union must both approve', async () => {
    const h = await certified();
    const a = await apply(h.householdId, { amountFen: 3_000_000 });
    let cur = (await step('cun1', 'village-review', a)).body;
    cur = (await step('zhan1', 'station-review', cur)).body;
    cur = (await step('xys1', 'coop-decision', cur, 'approve', '同意，报县审批')).body;
    expect(cur).toMatchObject({ status: 'submitted', stage: 'county_office', deadline: { dueDate: cal.addWorkingDays(TODAY, 10) } });
    // the credit union's turn has not come; the coop cannot decide for the county
    const cu = await step('xlls', 'county-review', cur);
    expect(cu.status).toBe(403);
    expect(cu.body.error.message).toMatch(/县扶贫办审批/);
    expect((await step('xys1', 'county-review', cur)).status).toBe(403);
    const q = await (await as(t, 'xfpb')).get('/api/loans/applications/queue');
    expect(q.body.stages.map((s: { stage: string }) => s.stage)).toEqual(['county_office']);
    expect(q.body.items.map((i: { id: number }) => i.id)).toContain(a.id);
    cur = (await step('xfpb', 'county-review', cur, 'approve', '同意')).body;
    expect(cur.stage).toBe('credit_union');
    expect((await step('xfpb', 'county-review', cur)).status).toBe(403);
    cur = (await step('xlls', 'county-review', cur, 'approve', '同意放贷')).body;
    expect(cur).toMatchObject({ status: 'approved' });
    expect(cur.events.map((e: { stage: string | null }) => e.stage)).toEqual([null, 'village', 'station', 'coop', 'county_office', 'credit_union']);
  });

  it('enterprise: county poverty office review → credit union decision', async () => {
    const c = await as(t, 'xfpb');
    const body = {
      enterpriseName: '颍泉区东乡镇富民养殖有限公司',
      enterpriseCreditCode: '91341202MA2N1234X7',
      legalRep: '李四',
      areaCode: EAST,
      ...project({ amountFen: 30_000_000, termMonths: 12, industry: 'led_industry' }),
    };
    expect((await (await as(t, 'cun1')).post('/api/loans/enterprise-applications', body)).status).toBe(403);
    const r = await c.post('/api/loans/enterprise-applications', body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ kind: 'enterprise', kindLabel: '企业贷款', stage: 'county_office', needsCounty: true, borrowerName: '颍泉区东乡镇富民养殖有限公司' });
    const x = (await step('xfpb', 'county-review', r.body, 'approve', '审核通过，推荐联社')).body;
    expect(x.stage).toBe('credit_union');
    const y = (await step('xlls', 'county-review', x, 'approve', '同意放贷')).body;
    expect(y.status).toBe('approved');
    // a township coop never sees a county-handled enterprise outside its township
    const bad = await c.post('/api/loans/enterprise-applications', {
      enterpriseName: 'x',
      enterpriseCreditCode: 'bad',
      legalRep: 'y',
      areaCode: EAST,
      ...project(),
    });
    expect(bad.body.error.message).toMatch(/统一社会信用代码/);
  });
});

describe('quota (第六条)', () => {
  it('an application past the township quota is flagged and cannot be approved without a recorded decision', async () => {
    const h = await certified({ village: WEST_V1 });
    const a = await apply(h.householdId, { amountFen: 1_500_000 }, 'cun3');
    expect(a.overQuota).toBe(true);
    expect(a.quota).toMatchObject({ quotaFen: 1_000_000, remainingFen: 1_000_000, over: true });
    expect(a.quota.message).toMatch(/超出本乡镇年度计划指标/);
    let cur = (await step('cun3', 'village-review', a)).body;
    cur = (await step('zhan2', 'station-review', cur)).body;
    const q = await (await as(t, 'zhan2')).get('/api/loans/applications?stage=coop');
    expect(q.body.items.find((i: { id: number }) => i.id === a.id).overQuota).toBe(true);
    const blocked = await step('xys2', 'coop-decision', cur);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('E3012');
    expect((await (await as(t, 'zhan2')).post(`/api/loans/applications/${a.id}/quota-decision`, { documentNo: 'x', reason: 'y' })).status).toBe(403);
    const d = await (await as(t, 'lingdao')).post(`/api/loans/applications/${a.id}/quota-decision`, { documentNo: '颍扶组〔2026〕9号', reason: '养殖示范户，特批' });
    expect(d.status).toBe(200);
    expect(d.body.quota.decision).toMatchObject({ documentNo: '颍扶组〔2026〕9号' });
    expect((await (await as(t, 'lingdao')).post(`/api/loans/applications/${a.id}/quota-decision`, { documentNo: 'x', reason: 'y' })).body.error.code).toBe('E3013');
    const ok = await step('xys2', 'coop-decision', d.body);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('approved');
    const list = await (await as(t, 'xfpb')).get(`/api/loans/quotas?countyCode=${COUNTY}&year=${YEAR}`);
    expect(list.body.items.find((i: { townshipCode: string }) => i.townshipCode === WEST)).toMatchObject({ usedFen: 1_500_000, usedCount: 1, remainingFen: -500_000 });
  });
});

describe('concurrency, scope, preference, deadlines', () => {
  it('two officers deciding at once: one wins, the other gets 409 with a clear Chinese message', async () => {
    const h = await certified();
    const a = await apply(h.householdId);
    const v = (await step('cun1', 'village-review', a)).body;
    const [x, y] = await Promise.all([step('zhan1', 'station-review', v, 'approve', '同意'), step('zhan1b', 'station-review', v, 'return', '材料不全')]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const loser = x.status === 409 ? x : y;
    expect(loser.body.error.code).toBe('E3114');
    expect(loser.body.error.message).toMatch(/已被他人处理/);
    const events = (await (await as(t, 'zhan1')).get(`/api/loans/applications/${a.id}`)).body.events;
    expect(events.filter((e: { stage: string }) => e.stage === 'station')).toHaveLength(1);
  });

  it('a township coop sees only its township; a village only its village', async () => {
    const h = await certified({ village: EAST_V2 });
    const a = await apply(h.householdId, {}, 'cun2');
    expect((await (await as(t, 'xys2')).get(`/api/loans/applications/${a.id}`)).status).toBe(404);
    expect((await (await as(t, 'cun1')).get(`/api/loans/applications/${a.id}`)).status).toBe(404);
    expect((await step('cun1', 'village-review', a)).status).toBe(404);
    const west = await (await as(t, 'xys2')).get('/api/loans/applications?pageSize=200');
    expect(west.body.items.every((i: { townshipCode: string }) => i.townshipCode === WEST)).toBe(true);
    // a household outside the clerk's village is "not found", not "forbidden"
    expect((await (await as(t, 'cun3')).post('/api/loans/applications', { householdId: h.householdId, ...project() })).status).toBe(404);
  });

  it('the station queue ranks family-planning and veteran households first', async () => {
    const plain = await certified();
    const veteran = await certified({ prefVeteran: true });
    const a = await apply(plain.householdId);
    const b = await apply(veteran.householdId);
    expect(b).toMatchObject({ preferential: true, prefReasons: ['复员退伍军人户'] });
    await step('cun1', 'village-review', a);
    await step('cun1', 'village-review', b);
    const q = await (await as(t, 'zhan1')).get('/api/loans/applications/queue?stage=station&pageSize=200');
    const ids = q.body.items.map((i: { id: number }) => i.id);
    expect(ids.indexOf(b.id)).toBeLessThan(ids.indexOf(a.id));
    expect(q.body.items[0].preferential).toBe(true);
  });

  it('overdue items show red in the queue, are listed for supervisors, and are escalated once', async () => {
    const h = await certified();
    const a = await apply(h.householdId);
    const v = (await step('cun1', 'village-review', a)).body;
    const past = cal.addWorkingDays(TODAY, -3);
    await t.db.updateTable('loan_application').set({ stage_due_on: past }).where('id', '=', v.id).execute();
    const q = await (await as(t, 'zhan1')).get('/api/loans/applications/queue?stage=station&pageSize=200');
    const item = q.body.items.find((i: { id: number }) => i.id === v.id);
    expect(item.deadline).toMatchObject({ dueDate: past, overdue: true });
    expect(item.deadline.workingDaysLeft).toBeLessThan(0);
    expect(q.body.stages[0].overdue).toBeGreaterThanOrEqual(1);
    const sup = await (await as(t, 'xfpb')).get('/api/loans/applications?overdue=true&pageSize=200');
    expect(sup.body.items.map((i: { id: number }) => i.id)).toContain(v.id);
    const first = await recordDeadlineEvents(t.db, TODAY);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    const second = await recordDeadlineEvents(t.db, TODAY);
    expect(second.escalated).toBe(0);
    const d = await (await as(t, 'zhan1')).get(`/api/loans/applications/${v.id}`);
    expect(d.body.events.filter((e: { action: string }) => e.action === 'escalate')).toHaveLength(1);
    expect(d.body.events.at(-1).opinion).toMatch(/已超过期限/);
  });

  it('a loan keeps the scheme version it was made under', async () => {
    const h = await certified();
    const a = await apply(h.householdId);
    const c = await as(t, 'xfpb');
    const cur = (await c.get(`/api/loans/schemes/current?countyCode=${COUNTY}&year=${YEAR}`)).body;
    const rev = await c.post(`/api/loans/schemes/${cur.id}/revise`, { version: cur.version, changeReason: '提高上限', householdCapFen: 3_000_000 });
    expect(rev.status).toBe(200);
    const d = await (await as(t, 'cun1')).get(`/api/loans/applications/${a.id}`);
    expect(d.body.scheme).toMatchObject({ id: cur.id, version: cur.version });
    const h2 = await certified();
    const b = await apply(h2.householdId, { amountFen: 2_500_000 });
    expect(b.scheme.version).toBe(cur.version + 1);
    expect(b.needsCounty).toBe(false);
  });
});

describe('every step by every role', () => {
  const ENDPOINTS = ['village-review', 'station-review', 'coop-decision', 'county-review'];
  const USERS = ['cun1', 'cun2', 'cun3', 'zhan1', 'zhan2', 'xys1', 'xys2', 'czs1', 'xfpb', 'lingdao', 'xlls', 'czj', 'ducha'];
  const RIGHT: [stage: string, user: string, endpoint: string][] = [
    ['village', 'cun1', 'village-review'],
    ['station', 'zhan1', 'station-review'],
    ['coop', 'xys1', 'coop-decision'],
    ['county_office', 'xfpb', 'county-review'],
    ['credit_union', 'xlls', 'county-review'],
  ];

  it('at each step only the right organisation may decide; everyone else is refused (403, or 404 out of scope) and nothing changes', async () => {
    const h = await certified();
    let app = await apply(h.householdId, { amountFen: 3_500_000 }); // over the (revised) cap: both county steps
    for (const [stage, rightUser, rightEndpoint] of RIGHT) {
      expect(app.stage).toBe(stage);
      for (const user of USERS) {
        for (const ep of ENDPOINTS) {
          if (user === rightUser && ep === rightEndpoint) continue;
          const r = await step(user, ep, app);
          expect([403, 404], `${stage}: ${user} ${ep} → ${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
        }
      }
      const same = await (await as(t, rightUser)).get(`/api/loans/applications/${app.id}`);
      expect(same.body.version).toBe(app.version);
      const ok = await step(rightUser, rightEndpoint, app, 'approve', '同意');
      expect(ok.status, `${stage}: ${JSON.stringify(ok.body)}`).toBe(200);
      app = ok.body;
    }
    expect(app.status).toBe('approved');
  });
});

