import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness';
import { approvedApplication, as, certified, EAST, seedCounty, setupYear, TODAY } from '../test-fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
});
afterAll(async () => {
  await t.close();
});

const body = (householdId: number) => ({ householdId, projectName: '养殖生猪 20 头', industry: 'livestock', production: true, amountFen: 1_500_000, termMonths: 12, purpose: '购买仔猪、饲料' });

/** Files an application at 东一村 and takes it through `steps` approvals. */
async function filed(name: string, steps: ('village-review' | 'station-review')[]) {
  const h = await certified(t, { members: [{ name }] });
  let r = await (await as(t, 'cun1')).post('/api/loans/applications', body(h.householdId));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const users = { 'village-review': 'cun1', 'station-review': 'zhan1' } as const;
  for (const s of steps) r = await (await as(t, users[s])).post(`/api/loans/applications/${r.body.id}/${s}`, { version: r.body.version, decision: 'approve', opinion: '同意' });
  return r.body as { id: number; version: number; appNo: string };
}

const noticesOf = async (user: string, applicationId: number) => (await (await as(t, user)).get(`/api/loans/decision-notices?applicationId=${applicationId}`)).body;

describe('第十二条2: a decision is told to the station and the household', () => {
  it('the coop’s approval leaves a masked notice for the household and an unread notification at the station; intermediate approvals leave none', async () => {
    const before = (await (await as(t, 'zhan1')).get('/api/loans/notifications?unread=true')).body.unread;
    const a = await filed('欧阳小明', ['village-review']);
    expect((await noticesOf('zhan1', a.id)).total).toBe(0); // the village's approval is not a decision
    let r = await (await as(t, 'zhan1')).post(`/api/loans/applications/${a.id}/station-review`, { version: a.version, decision: 'approve', opinion: '同意推荐' });
    expect((await noticesOf('zhan1', a.id)).total).toBe(0);
    r = await (await as(t, 'xys1')).post(`/api/loans/applications/${a.id}/coop-decision`, { version: r.body.version, decision: 'approve', opinion: '资信良好，同意放贷' });
    expect(r.body.status).toBe('approved');

    const list = await noticesOf('zhan1', a.id);
    expect(list.total).toBe(1);
    const n = list.items[0];
    expect(n).toMatchObject({ decision: 'approved', decisionLabel: '同意贷款', stage: 'coop', decidedOn: TODAY, decidedByOrg: '东乡镇信用社', delivered: false, deliveredOn: null });
    expect(n.noticeNo).toMatch(/^JDTZ341202-\d{4}-\d{5}$/);
    expect(n.content).toMatchObject({ title: '扶贫到户贷款申请决定通知书', to: '欧**明（户）', applicationNo: a.appNo, amountText: '15,000.00 元', opinion: '资信良好，同意放贷', villageName: '东一村' });
    expect(n.content.idNumberMasked).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    expect(n.content.nextSteps).toMatch(/东乡镇信用社签订借款合同/);
    // the full name and ID never appear on the notice
    const ids = await t.db.selectFrom('person').select(['id_number', 'name']).where('name', '=', '欧阳小明').execute();
    expect(JSON.stringify(n.content)).not.toContain(ids[0].id_number);
    expect(JSON.stringify(n.content)).not.toContain('欧阳小明');

    const inbox = (await (await as(t, 'zhan1')).get('/api/loans/notifications?unread=true')).body;
    expect(inbox.unread).toBe(before + 1);
    expect(inbox.items[0]).toMatchObject({ applicationNo: a.appNo, noticeNo: n.noticeNo, noticeDelivered: false, read: false, title: `贷款申请 ${a.appNo}：同意贷款` });
    expect(inbox.items[0].body).toMatch(/信用社.*同意贷款.*待送达农户/);
    // the other township's station is not told, and cannot see the notice
    expect((await (await as(t, 'zhan2')).get('/api/loans/notifications')).body.items.some((x: { applicationNo: string }) => x.applicationNo === a.appNo)).toBe(false);
    expect((await (await as(t, 'zhan2')).get(`/api/loans/decision-notices/${n.id}`)).status).toBe(404);
    // written with the decision, in its transaction
    const audit = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'loan_decision_notice').where('entity_id', '=', String(n.id)).execute();
    expect(audit[0].summary).toContain(n.noticeNo);
  });

  it('a rejection at the station and a return by the coop are told too, with their reasons', async () => {
    const a = await filed('张三丰', ['village-review']);
    const r = await (await as(t, 'zhan1')).post(`/api/loans/applications/${a.id}/station-review`, { version: a.version, decision: 'reject', opinion: '项目不具备发展条件', reasons: ['无养殖场地'] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const n = (await noticesOf('cun1', a.id)).items[0];
    expect(n).toMatchObject({ decision: 'rejected', decisionLabel: '不予贷款', stage: 'station', stageLabel: '乡镇扶贫工作站审查' });
    expect(n.content).toMatchObject({ to: '张*丰（户）', opinion: '项目不具备发展条件', reasons: ['无养殖场地'] });
    expect(n.content.nextSteps).toMatch(/异议/);

    const b = await filed('李四', ['village-review', 'station-review']);
    const ret = await (await as(t, 'xys1')).post(`/api/loans/applications/${b.id}/coop-decision`, { version: b.version, decision: 'return', opinion: '请补充养殖技术培训证明' });
    expect(ret.body.status).toBe('returned');
    const m = (await noticesOf('xys1', b.id)).items[0];
    expect(m).toMatchObject({ decision: 'returned', decisionLabel: '退回补充材料' });
    expect(m.content.nextSteps).toMatch(/补充材料/);
    const titles = (await (await as(t, 'zhan1')).get('/api/loans/notifications')).body.items.map((x: { title: string }) => x.title);
    expect(titles).toEqual(expect.arrayContaining([`贷款申请 ${a.appNo}：不予贷款`, `贷款申请 ${b.appNo}：退回补充材料`]));
  });

  it('the handover to the household is recorded once, by the village or the station, not before the decision', async () => {
    const a = await approvedApplication(t, { household: { members: [{ name: '王五' }] } });
    const n = (await noticesOf('cun1', a.application.id)).items[0];
    const deliver = (user: string, extra: Record<string, unknown> = {}) =>
      as(t, user).then((c) => c.post(`/api/loans/decision-notices/${n.id}/delivery`, { version: n.version, deliveredOn: TODAY, method: 'in_person', recipientName: '王五', ...extra }));
    expect((await deliver('czs1')).status).toBe(403); // the finance office has no part in it
    expect((await deliver('cun3')).status).toBe(404); // another township
    const early = await deliver('cun1', { deliveredOn: '2000-01-01' });
    expect(early.status).toBe(400);
    expect(early.body.error.message).toMatch(/送达日期不能早于决定日期/);
    const bad = await deliver('cun1', { method: 'wechat' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/送达方式/);
    const ok = await deliver('cun1', { note: '户主本人签收' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ delivered: true, deliveredOn: TODAY, deliveryMethod: 'in_person', deliveryMethodLabel: '本人当面领取', recipientName: '王五', deliveryNote: '户主本人签收' });
    expect(ok.body.deliveredByName).toBeTruthy();
    const again = await deliver('zhan1', { version: ok.body.version });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('E3116');
    const open = (await (await as(t, 'zhan1')).get('/api/loans/decision-notices?delivered=false&pageSize=200')).body.items.map((x: { id: number }) => x.id);
    expect(open).not.toContain(n.id);
    const inbox = (await (await as(t, 'zhan1')).get('/api/loans/notifications')).body.items.find((x: { noticeId: number }) => x.noticeId === n.id);
    expect(inbox.noticeDelivered).toBe(true);
  });

  it('the station reads its notification; another township cannot; nothing of an issued notice can be rewritten', async () => {
    const inbox = (await (await as(t, 'zhan1')).get('/api/loans/notifications?unread=true')).body;
    const first = inbox.items[0];
    expect((await (await as(t, 'zhan2')).post(`/api/loans/notifications/${first.id}/read`, {})).status).toBe(404);
    const r = await (await as(t, 'zhan1b')).post(`/api/loans/notifications/${first.id}/read`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ read: true });
    expect(r.body.readByName).toBeTruthy();
    expect((await (await as(t, 'zhan1')).get('/api/loans/notifications?unread=true')).body.unread).toBe(inbox.unread - 1);

    await expect(sql`UPDATE loan_decision_notice SET content = '{}'::jsonb`.execute(t.db)).rejects.toThrow(/内容不能修改/);
    await expect(sql`DELETE FROM loan_decision_notice`.execute(t.db)).rejects.toThrow(/不能删除/);
    await expect(sql`UPDATE loan_decision_notice SET recipient_name = 'x' WHERE delivered_on IS NOT NULL`.execute(t.db)).rejects.toThrow(/送达记录不能修改/);
    void EAST;
  });
});
