import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, createCalendar, todayInChina } from '@fupin/shared';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { householdBody, ok, REGION, seedRegistryWorld, type RegistryWorld } from '../test-fixtures';

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

async function newHousehold(c: Client = w.clerkA, over: Record<string, unknown> = {}) {
  return ok(c.post('/api/registry/households', householdBody(over)));
}

/** Runs identification up to (not including) the township review, with the notice long over. */
async function throughNotice(hid: number, c: Client = w.clerkA) {
  let wf = await ok(c.post('/api/registry/workflows', { householdId: hid, kind: 'identification', origin: 'application', date: ago(30) }));
  wf = await ok(c.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(25), participants: 40, votesFor: 38, votesAgainst: 1 }));
  wf = await ok(c.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(20) }));
  return wf;
}

describe('identification, step by step', () => {
  it('goes application → appraisal → notice → township review → county approval → announcement, then the household is identified', async () => {
    const h = await newHousehold();
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', origin: 'cadre_check', date: ago(30), evidence: [{ name: '入户核查表' }] }));
    expect(wf).toMatchObject({ state: 'appraisal', stateLabel: '待村级民主评议', fromStatus: 'candidate', toStatus: 'identified', origin: 'cadre_check' });
    expect(wf.dueDate).toBe(createCalendar().addWorkingDays(ago(30), 10));

    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(25), participants: 40, votesFor: 38, votesAgainst: 1 }));
    expect(wf.state).toBe('notice');
    expect(wf.stateLabel).toBe('评议通过，待公示');

    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(20) }));
    expect(wf.noticeDays).toBe(7);
    expect(wf.noticeEnd).toBe(ago(14));
    expect(wf.stateLabel).toBe('公示期满，待乡镇审核');
    expect(wf.dueDate).toBe(createCalendar().addWorkingDays(ago(14), 5));

    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(10), opinion: '情况属实' }));
    expect(wf.state).toBe('county_approval');
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(5) }));
    expect(wf.state).toBe('announcement');
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/announce`, { version: wf.version, date: ago(3), documentNo: '环扶发〔2026〕12号' }));
    expect(wf.state).toBe('done');
    expect(wf.steps.map((s: any) => s.step)).toEqual(['apply', 'appraise', 'notice', 'township_review', 'county_approval', 'announce']);
    expect(wf.steps.map((s: any) => s.actorName)).toEqual(['城西村专干', '城西村专干', '城西村专干', '思恩镇工作站', '县扶贫办', '县扶贫办']);
    expect(wf.steps[0].evidence).toEqual([{ name: '入户核查表' }]);
    expect(wf.steps[1].data).toMatchObject({ participants: 40, votesFor: 38 });

    const after = await ok(w.clerkA.get(`/api/registry/households/${h.id}`));
    expect(after.status).toBe('identified');
    expect(after.statusSince).toBe(ago(3));
    const hist = await t.db.selectFrom('household_status_history').selectAll().where('household_id', '=', h.id).orderBy('id').execute();
    expect(hist.map((x) => [x.from_status, x.to_status])).toEqual([
      [null, 'candidate'],
      ['candidate', 'identified'],
    ]);
    expect(hist[1].workflow_id).toBe(wf.id);
    const audit = await t.db.selectFrom('audit_log').select('action').where('entity', '=', 'registry_workflow').where('entity_id', '=', String(wf.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(['workflow.apply', 'workflow.appraise', 'workflow.notice', 'workflow.township_review', 'workflow.county_approval', 'workflow.announce']);
  });

  it('enforces the order: no review before the notice, no approval before the review, no appraisal twice', async () => {
    const h = await newHousehold();
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: ago(10) }));
    const early = await w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: day });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'E2010', message: '当前环节为“待村级民主评议”，不能进行乡镇审核' });
    const approve = await w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: day });
    expect(approve.body.error.code).toBe('E2010');
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(9) }));
    const again = await w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(9) });
    expect(again.body.error.code).toBe('E2010');
  });

  it('refuses the township review while the notice runs (deadline), and a notice shorter than the parameter', async () => {
    const h = await newHousehold();
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: ago(3) }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(2) }));
    const short = await w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(1), days: 3 });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/公示期不少于 7 天/);
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(1) }));
    expect(wf.stateLabel).toBe('村级公示中');
    const r = await w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: day });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'E2013', message: `公示期至 ${addDays(ago(1), 6)} 止，公示期满后才能审核` });
  });

  it('lists a case whose notice is over under 待乡镇审核 (where the station looks), a running notice under 公示', async () => {
    const over = await throughNotice((await newHousehold()).id);
    let running = await ok(w.clerkA.post('/api/registry/workflows', { householdId: (await newHousehold()).id, kind: 'identification', origin: 'application', date: ago(3) }));
    running = await ok(w.clerkA.post(`/api/registry/workflows/${running.id}/appraise`, { version: running.version, decision: 'pass', date: ago(2) }));
    running = await ok(w.clerkA.post(`/api/registry/workflows/${running.id}/notice`, { version: running.version, startDate: ago(1) }));
    const ids = (l: { items: { id: number }[] }) => l.items.map((i) => i.id);

    const review = await ok(w.stationA.get('/api/registry/workflows?state=township_review&pageSize=200'));
    expect(ids(review)).toContain(over.id);
    expect(ids(review)).not.toContain(running.id);
    const notice = await ok(w.stationA.get('/api/registry/workflows?state=notice&pageSize=200'));
    expect(ids(notice)).toContain(running.id);
    expect(ids(notice)).not.toContain(over.id);
    // the tab counts agree with the lists
    expect(review.stateCounts.township_review).toBe(review.total);
    expect(notice.stateCounts.notice).toBe(notice.total);
  });

  it('takes the notice period from the parameter registry.noticeDays', async () => {
    await t.db.updateTable('sys_param').set({ value: JSON.stringify(10) }).where('key', '=', 'registry.noticeDays').execute();
    try {
      const h = await newHousehold();
      let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: ago(3) }));
      wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(2) }));
      wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(1) }));
      expect(wf.noticeDays).toBe(10);
      expect(wf.noticeEnd).toBe(addDays(ago(1), 9));
    } finally {
      await t.db.updateTable('sys_param').set({ value: JSON.stringify(7) }).where('key', '=', 'registry.noticeDays').execute();
    }
  });

  it('counts the township deadline in working days across the National Day holiday', async () => {
    // Notice 2026-09-24 … 09-30; five working days after it: 10-08, 10-09, 10-10 (adjusted Saturday), 10-12, 10-13.
    const h = await newHousehold();
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: '2026-09-20' }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: '2026-09-22' }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: '2026-09-24' }));
    expect(wf.noticeEnd).toBe('2026-09-30');
    expect(wf.dueDate).toBe('2026-10-13');
    expect(wf.overdue).toBe(day > '2026-10-13');
    const list = await ok(w.stationA.get('/api/registry/workflows?overdue=true'));
    expect(list.items.map((x: any) => x.id)).toContain(wf.id);
  });

  it('records objections, refuses the review while one is open, and sends the case back when one is upheld', async () => {
    const h = await newHousehold();
    let wf = await throughNotice(h.id);
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/objections`, { raisedOn: ago(18), raisedBy: '村民甲', content: '该户有小轿车一辆' }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/objections`, { raisedOn: ago(17), content: '收入不实' }));
    expect(wf.openObjections).toBe(2);
    const blocked = await w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(5) });
    expect(blocked.body.error).toMatchObject({ code: 'E2014', message: '还有 2 条公示异议未处理，处理完毕后才能审核' });
    const [o1, o2] = wf.objections;
    wf = await ok(w.clerkA.post(`/api/registry/objections/${o1.id}/resolve`, { version: o1.version, decision: 'dismissed', resolution: '经核实车辆为借用', date: ago(12) }));
    expect(wf.state).toBe('notice');
    wf = await ok(w.clerkA.post(`/api/registry/objections/${o2.id}/resolve`, { version: o2.version, decision: 'upheld', resolution: '经核实漏报务工收入', date: ago(11) }));
    expect(wf.state).toBe('appraisal');
    expect(wf.noticeStart).toBeNull();
    expect(wf.objections.map((o: any) => o.status)).toEqual(['dismissed', 'upheld']);
    const twice = await w.clerkA.post(`/api/registry/objections/${o1.id}/resolve`, { version: o1.version + 1, decision: 'upheld', resolution: 'x', date: ago(10) });
    expect(twice.status).toBe(409);
  });

  it('lets only one of two simultaneous county decisions win; the other gets 409', async () => {
    const h = await newHousehold();
    let wf = await throughNotice(h.id);
    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(10) }));
    const county2 = w.admin;
    const [a, b] = await Promise.all([
      w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(5) }),
      county2.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'reject', date: ago(5) }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('E2016');
    const steps = await t.db.selectFrom('registry_workflow_step').select('step').where('workflow_id', '=', wf.id).where('step', '=', 'county_approval').execute();
    expect(steps).toHaveLength(1);
  });

  it('returns from county to township and from township to village, and rejects', async () => {
    const h = await newHousehold();
    let wf = await throughNotice(h.id);
    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(10) }));
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'return', date: ago(8), opinion: '补充收入证明' }));
    expect(wf.state).toBe('township_review');
    // a notice-based case that the county returned is reviewed again by the township
    const back = await w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'return', date: ago(7) });
    expect(back.status).toBe(409);
    const h2 = await newHousehold();
    let wf2 = await throughNotice(h2.id);
    wf2 = await ok(w.stationA.post(`/api/registry/workflows/${wf2.id}/township-review`, { version: wf2.version, decision: 'return', date: ago(10) }));
    expect(wf2.state).toBe('appraisal');
    wf2 = await ok(w.clerkA.post(`/api/registry/workflows/${wf2.id}/appraise`, { version: wf2.version, decision: 'reject', date: ago(9) }));
    expect(wf2.state).toBe('rejected');
    expect((await ok(w.clerkA.get(`/api/registry/households/${h2.id}`))).status).toBe('candidate');
  });

  it('refuses dates in the future and before the previous step', async () => {
    const h = await newHousehold();
    const wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: ago(5) }));
    const before = await w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(6) });
    expect(before.body.error).toMatchObject({ code: 'E2015' });
    expect(before.body.error.message).toMatch(/不能早于上一环节的日期/);
    const future = await w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: addDays(day, 1) });
    expect(future.body.error.code).toBe('E2015');
  });

  it('allows one open case per household and withdrawal before the township decides', async () => {
    const h = await newHousehold();
    const wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification' }));
    const second = await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'cancellation', cancelReason: 'misidentified', reason: '重复建档' });
    expect(second.body.error.code).toBe('E2011');
    const wd = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/withdraw`, { version: wf.version, reason: '农户撤回申请' }));
    expect(wd.state).toBe('withdrawn');
    expect((await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification' })).status).toBe(200);
  });
});

describe('permissions and jurisdiction', () => {
  it('needs the level’s permission: a clerk cannot review, a station cannot approve, a county office cannot appraise', async () => {
    const h = await newHousehold();
    let wf = await throughNotice(h.id);
    expect((await w.clerkA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(10) })).status).toBe(403);
    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(10) }));
    expect((await w.stationA.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(5) })).status).toBe(403);
    const h2 = await newHousehold();
    expect((await w.county.post('/api/registry/workflows', { householdId: h2.id, kind: 'identification' })).status).toBe(403);
  });

  it('answers 404 to a clerk of another village, for starting, reading and deciding', async () => {
    const h = await newHousehold(w.clerkB, { areaCode: REGION.villageB });
    expect((await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification' })).status).toBe(404);
    const wf = await ok(w.clerkB.post('/api/registry/workflows', { householdId: h.id, kind: 'identification', date: ago(3) }));
    expect((await w.clerkA.get(`/api/registry/workflows/${wf.id}`)).status).toBe(404);
    expect((await w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(2) })).status).toBe(404);
    // the township-A station does not reach village B either
    expect((await w.stationA.get(`/api/registry/workflows/${wf.id}`)).status).toBe(404);
    const list = await ok(w.clerkA.get('/api/registry/workflows?pageSize=200'));
    expect(list.items.some((x: any) => x.id === wf.id)).toBe(false);
  });
});

async function identified(over: Record<string, unknown> = {}) {
  const h = await newHousehold(w.clerkA, over);
  let wf = await throughNotice(h.id);
  wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(12) }));
  wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(11) }));
  await ok(w.county.post(`/api/registry/workflows/${wf.id}/announce`, { version: wf.version, date: ago(10) }));
  return ok(w.clerkA.get(`/api/registry/households/${h.id}`));
}

describe('exit', () => {
  it('explains in Chinese why a household does not qualify and refuses to start', async () => {
    const h = await identified({ incomeYear: 2020, incomeWagesFen: 500_000, incomeBusinessFen: 0, incomeTransferFen: 100_000, housingSafety: 'C' });
    const check = await ok(w.clerkA.get(`/api/registry/households/${h.id}/exit-check`));
    expect(check.eligible).toBe(false);
    expect(check.lineFen).toBe(400_000);
    expect(check.criteria.filter((c: any) => !c.ok).map((c: any) => c.code)).toEqual(['income', 'housing']);
    expect(check.summary).toMatch(/2020 年人均纯收入 3,000\.00 元，未超过当年贫困线 4,000\.00 元/);
    const r = await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'exit', householdAgreed: true });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('E2012');
    expect(r.body.error.message).toMatch(/不符合脱贫退出标准/);
    expect(r.body.error.details.verdict.criteria).toHaveLength(6);
  });

  it("uses the province's own line when one is set", async () => {
    const h = await identified({ incomeYear: 2020, incomeWagesFen: 900_000, incomeBusinessFen: 0, incomeTransferFen: 0 }); // 4,500 per head
    expect((await ok(w.clerkA.get(`/api/registry/households/${h.id}/exit-check`))).eligible).toBe(true);
    expect((await w.clerkA.put('/api/registry/poverty-lines/450000/2020', { lineFen: 460_000 })).status).toBe(403);
    await ok(w.admin.put('/api/registry/poverty-lines/450000/2020', { lineFen: 460_000, note: '广西 2020' }));
    const v = await ok(w.clerkA.get(`/api/registry/households/${h.id}/exit-check`));
    expect(v.eligible).toBe(false);
    expect(v.lineFen).toBe(460_000);
    await t.db.deleteFrom('poverty_line').where('province_code', '=', '450000').execute();
  });

  it('exits a qualifying household through the whole chain, re-checking the rule at county approval', async () => {
    const h = await identified({ incomeYear: 2020 }); // 8,000 per head
    const noConsent = await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'exit' });
    expect(noConsent.status).toBe(400);
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'exit', householdAgreed: true, date: ago(9) }));
    expect(wf.exitCheck.eligible).toBe(true);
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(9) }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(9) }));
    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(2) }));
    // the income is corrected downwards meanwhile: the county's approval is refused
    const cur = await ok(w.clerkA.get(`/api/registry/households/${h.id}`));
    await ok(w.clerkA.patch(`/api/registry/households/${h.id}`, { version: cur.version, incomeWagesFen: 0, incomeBusinessFen: 0, incomeTransferFen: 0 }));
    const refused = await w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(1) });
    expect(refused.body.error.code).toBe('E2012');
    const cur2 = await ok(w.clerkA.get(`/api/registry/households/${h.id}`));
    await ok(w.clerkA.patch(`/api/registry/households/${h.id}`, { version: cur2.version, incomeWagesFen: 1_200_000 }));
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(1) }));
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/announce`, { version: wf.version, date: day }));
    expect((await ok(w.clerkA.get(`/api/registry/households/${h.id}`))).status).toBe('exited');
  });
});

describe('return and cancellation', () => {
  it('returns an exited household with a reason (township → county), and cancels with a reason', async () => {
    const h = await identified({ incomeYear: 2020 });
    // exit it directly in the database to set the scene
    await t.db.updateTable('household').set({ status: 'exited' }).where('id', '=', h.id).execute();
    const noReason = await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'return' });
    expect(noReason.status).toBe(400);
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'return', reason: '户主患大病，医疗支出大', origin: 'department_data', date: ago(4) }));
    expect(wf.state).toBe('township_review');
    wf = await ok(w.stationA.post(`/api/registry/workflows/${wf.id}/township-review`, { version: wf.version, decision: 'pass', date: ago(3) }));
    wf = await ok(w.county.post(`/api/registry/workflows/${wf.id}/county-approval`, { version: wf.version, decision: 'pass', date: ago(2) }));
    expect(wf.state).toBe('done');
    expect((await ok(w.clerkA.get(`/api/registry/households/${h.id}`))).status).toBe('returned');

    const h2 = await newHousehold();
    let c = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h2.id, kind: 'cancellation', cancelReason: 'misidentified', reason: '家庭有财政供养人员', date: ago(2) }));
    expect(c.reason).toBe('识别不精准：家庭有财政供养人员');
    c = await ok(w.stationA.post(`/api/registry/workflows/${c.id}/township-review`, { version: c.version, decision: 'pass', date: ago(1) }));
    c = await ok(w.county.post(`/api/registry/workflows/${c.id}/county-approval`, { version: c.version, decision: 'pass', date: day }));
    const after = await ok(w.clerkA.get(`/api/registry/households/${h2.id}`));
    expect(after.status).toBe('cancelled');
    const hist = await t.db.selectFrom('household_status_history').select('reason').where('household_id', '=', h2.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(hist.reason).toMatch(/注销：识别不精准：家庭有财政供养人员/);
  });

  it('refuses a case that the status does not allow', async () => {
    const h = await newHousehold();
    const r = await w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'return', reason: 'x' });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'E2007' });
    expect(r.body.error.message).toMatch(/当前状态为“识别中”，不能启动返贫/);
  });
});

describe('printable notice', () => {
  it('lists the village’s households in notice without ID, phone, bank or health details', async () => {
    const h = await newHousehold(w.clerkA, { areaCode: REGION.groupA });
    const wf = await throughNotice(h.id);
    const p = await ok(w.clerkA.get(`/api/registry/notices/print?villageCode=${REGION.villageA}&kind=identification`));
    expect(p.title).toBe('城西村贫困户识别公示');
    expect(p.issuer).toBe('城西村村民委员会');
    expect(p.noticeStart).toBe(wf.noticeStart);
    expect(p.body).toMatch(/公示期：\d{4}年\d+月\d+日至\d{4}年\d+月\d+日（7 天）/);
    const row = p.rows.find((r: any) => r.headName === '韦国强' && r.group === '第一组');
    expect(row).toMatchObject({ memberCount: 2, category: '一般贫困户' });
    const text = JSON.stringify(p);
    const full = await ok(w.admin.post(`/api/registry/persons/${h.members[0].id}/reveal`));
    expect(text).not.toContain(full.idNumber);
    expect(text).not.toContain('13807781234');
    expect(text).not.toContain('6228480012345678901');
    expect(text).not.toMatch(/因病|健康|残疾|慢性病/);
    expect((await w.clerkB.get(`/api/registry/notices/print?villageCode=${REGION.villageA}&kind=identification`)).status).toBe(404);
  });

  it('prints on an exit notice the income that was judged, even after the record changes', async () => {
    const h = await identified({ incomeYear: 2020 }); // 8,000 per head
    let wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'exit', householdAgreed: true, date: ago(9) }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, { version: wf.version, decision: 'pass', date: ago(9) }));
    wf = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/notice`, { version: wf.version, startDate: ago(8) }));
    const row = async () => (await ok(w.clerkA.get(`/api/registry/notices/print?villageCode=${REGION.villageA}&kind=exit&startDate=${ago(8)}`))).rows.find((r: any) => r.headName === h.headName);
    const posted = await row();
    expect(posted.income).toBe('8,000.00');
    const cur = await ok(w.clerkA.get(`/api/registry/households/${h.id}`));
    await ok(w.clerkA.patch(`/api/registry/households/${h.id}`, { version: cur.version, incomeWagesFen: 0, incomeBusinessFen: 0, incomeTransferFen: 0 }));
    // a reprint of the posted notice still says what the village saw
    expect(await row()).toEqual(posted);
  });
});
