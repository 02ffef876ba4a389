import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { addDays } from '@fupin/shared/date';
import { subsidyFen } from '@fupin/shared/subsidy';
import { startTestApp, type TestApp } from '../../test/harness';
import { addMonths } from '../rules';
import { approvedApplication, as, COUNTY, disbursedLoan, EAST, setupYear, TODAY, WEST_V1 } from '../test-fixtures';
import { refreshOverdue } from './service';

let t: TestApp;
const cal = createCalendar();
// A year and some weeks ago: the 12-month loans made then are due now or already past due.
const LONG_AGO = addDays(TODAY, -420);
const maturityOf = (d: string, m = 12) => addMonths(d, m);

beforeAll(async () => {
  t = await startTestApp();
  const { seedCounty } = await import('../test-fixtures');
  await seedCounty(t);
  await setupYear(t);
});
afterAll(async () => {
  await t.close();
});

const repay = async (user: string, loanId: number, paidOn: string, principalFen: number, receiptNo?: string) =>
  (await as(t, user)).post(`/api/loans/loans/${loanId}/repayments`, { paidOn, principalFen, receiptNo });

describe('contract and disbursement', () => {
  it('the coop signs and disburses an approved application: bullet schedule, subsidy estimate, loan status active', async () => {
    const a = await approvedApplication(t, { decidedOn: LONG_AGO });
    const coop = await as(t, 'xys1');
    const body = { version: a.application.version, contractNo: 'HT-001', contractDate: LONG_AGO, disbursedOn: LONG_AGO, coopRateBp: 720, schedule: 'bullet' };
    expect((await (await as(t, 'zhan1')).post(`/api/loans/applications/${a.application.id}/disburse`, body)).status).toBe(403);
    const over = await coop.post(`/api/loans/applications/${a.application.id}/disburse`, { ...body, principalFen: 2_000_001 });
    expect(over.body.error.code).toBe('E3205');
    const future = await coop.post(`/api/loans/applications/${a.application.id}/disburse`, { ...body, disbursedOn: addDays(TODAY, 1), contractDate: addDays(TODAY, 1) });
    expect(future.body.error.code).toBe('E3203');
    const early = await coop.post(`/api/loans/applications/${a.application.id}/disburse`, { ...body, disbursedOn: addDays(LONG_AGO, -1), contractDate: addDays(LONG_AGO, -1) });
    expect(early.body.error.message).toMatch(/不能早于批准日期/);

    const r = await coop.post(`/api/loans/applications/${a.application.id}/disburse`, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const expected = subsidyFen({ principalFen: 2_000_000, annualRateBp: 258, startDate: LONG_AGO, endDate: maturityOf(LONG_AGO), dayCountBasis: 360 });
    expect(r.body).toMatchObject({
      status: 'active',
      principalFen: 2_000_000,
      outstandingFen: 2_000_000,
      maturityDate: maturityOf(LONG_AGO),
      scheduleKind: 'bullet',
      lenderOrgName: '东乡镇信用社',
      subsidy: { status: 'pending', payer: 'coop', rateBp: 258, dayCountBasis: 360, amountFen: expected.fen, formula: expected.formula },
    });
    expect(r.body.loanNo).toMatch(new RegExp(`^DK${COUNTY}-`));
    expect(r.body.instalments).toEqual([expect.objectContaining({ seq: 1, dueDate: maturityOf(LONG_AGO), graceDate: cal.workingDayOnOrAfter(maturityOf(LONG_AGO)) })]);
    expect(r.body.subsidyEvents.map((e: { event: string }) => e.event)).toEqual(['due']);
    const again = await coop.post(`/api/loans/applications/${a.application.id}/disburse`, { ...body, version: a.application.version + 1 });
    expect(again.body.error.code).toBe('E3206');
    const app = await coop.get(`/api/loans/applications/${a.application.id}`);
    expect(app.body).toMatchObject({ loanId: r.body.id });
    expect(['active', 'overdue']).toContain(app.body.lifecycleStatus);
    expect(app.body.events.at(-1).action).toBe('disburse');
  });

  it('instalments: equal parts every termMonths/count months; a bad count is refused in Chinese', async () => {
    const a = await approvedApplication(t, { decidedOn: LONG_AGO, amountFen: 1_200_000 });
    const body = { version: a.application.version, contractNo: 'HT-002', contractDate: LONG_AGO, disbursedOn: LONG_AGO, coopRateBp: 720, schedule: 'instalments' };
    const bad = await (await as(t, 'xys1')).post(`/api/loans/applications/${a.application.id}/disburse`, { ...body, instalmentCount: 5 });
    expect(bad.body.error.code).toBe('E3204');
    expect(bad.body.error.message).toMatch(/不能平均分为 5 期/);
    const r = await (await as(t, 'xys1')).post(`/api/loans/applications/${a.application.id}/disburse`, { ...body, instalmentCount: 4 });
    expect(r.status).toBe(200);
    expect(r.body.instalments.map((i: { principalFen: number }) => i.principalFen)).toEqual([300_000, 300_000, 300_000, 300_000]);
    expect(r.body.instalments.map((i: { dueDate: string }) => i.dueDate)).toEqual([3, 6, 9, 12].map((m) => addMonths(LONG_AGO, m)));
  });
});

describe('repayments, statuses and the subsidy', () => {
  it('repaid in full on the due date: closed on time, subsidy earned with its formula', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    const due = loan.maturityDate;
    const r = await repay('xys1', loan.id, due, 2_000_000, 'SJ-1');
    expect(r.status).toBe(200);
    const expected = subsidyFen({ principalFen: 2_000_000, annualRateBp: 258, startDate: LONG_AGO, endDate: due, dayCountBasis: 360 });
    expect(r.body).toMatchObject({ status: 'closed_on_time', lifecycleLabel: '按期结清', outstandingFen: 0, closedOn: due });
    expect(r.body.subsidy).toMatchObject({ status: 'earned', amountFen: expected.fen, formula: expected.formula, determinedOn: due });
    expect(r.body.subsidyEvents.map((e: { event: string }) => e.event)).toEqual(['due', 'earned']);
    // closed: no more repayments
    expect((await repay('xys1', loan.id, due, 1)).body.error.code).toBe('E3201');
  });

  it('repaid late: closed late, the subsidy forfeited (第三条6)', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    const late = addDays(cal.workingDayOnOrAfter(loan.maturityDate), 1);
    const r = await repay('xys1', loan.id, late, 2_000_000);
    expect(r.body).toMatchObject({ status: 'closed_late', lifecycleLabel: '逾期结清', subsidy: { status: 'forfeited', amountFen: 0 } });
    expect(r.body.subsidy.reason).toMatch(/逾期归还/);
  });

  it('early and partial repayments; an unpaid balance past its due date is overdue, aged and counted', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    let r = await repay('xys1', loan.id, addDays(LONG_AGO, 100), 500_000);
    expect(r.body).toMatchObject({ status: 'active', repaidFen: 500_000, outstandingFen: 1_500_000 });
    expect(r.body.lifecycleStatus).toBe('overdue'); // its due date has passed with 15,000 unpaid
    const days = Math.round((Date.parse(TODAY) - Date.parse(loan.maturityDate)) / 86_400_000);
    expect(r.body.daysOverdue).toBe(days);
    expect(r.body.ageingBucket).toBe(days <= 30 ? '1-30' : days <= 90 ? '31-90' : '91-180');
    const over = await repay('xys1', loan.id, TODAY, 1_500_001);
    expect(over.body.error.code).toBe('E3202');
    const list = await (await as(t, 'xys1')).get('/api/loans/loans?status=overdue&pageSize=200');
    expect(list.body.items.map((i: { id: number }) => i.id)).toContain(loan.id);
    const bucket = await (await as(t, 'xys1')).get(`/api/loans/loans?bucket=${r.body.ageingBucket}&pageSize=200`);
    expect(bucket.body.items.map((i: { id: number }) => i.id)).toContain(loan.id);
    const ageing = await (await as(t, 'xfpb')).get('/api/loans/loans/ageing');
    expect(ageing.body.buckets.find((b: { bucket: string }) => b.bucket === r.body.ageingBucket).count).toBeGreaterThanOrEqual(1);
    expect(ageing.body.overdueFen).toBeGreaterThanOrEqual(1_500_000);
    // recorded today, the unpaid balance is already past due: the subsidy is forfeited
    expect(r.body.subsidy.status).toBe('forfeited');
    // a loan with no repayment at all falls overdue silently; the nightly run gives its verdict
    const silent = (await disbursedLoan(t, { disbursedOn: LONG_AGO })).loan;
    expect(silent.subsidy.status).toBe('pending');
    expect((await refreshOverdue(t.db)).refreshed).toBeGreaterThanOrEqual(1);
    const s2 = await (await as(t, 'xys1')).get(`/api/loans/loans/${silent.id}`);
    expect(s2.body.subsidy.status).toBe('forfeited');
    expect(s2.body.subsidyEvents.at(-1)).toMatchObject({ event: 'forfeited', actorName: '系统' });
    // the rest, late: closed late, still no subsidy
    r = await repay('xys1', loan.id, TODAY, 1_500_000);
    expect(r.body).toMatchObject({ status: 'closed_late', subsidy: { status: 'forfeited' } });
  });

  it('instalments all on time: each part earns its own days; the lines add up', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO, amountFen: 1_200_000, schedule: 'instalments', instalmentCount: 4 });
    let r;
    for (const i of loan.instalments) r = await repay('xys1', loan.id, i.dueDate, i.principalFen);
    expect(r!.body.status).toBe('closed_on_time');
    expect(r!.body.subsidy.lines).toHaveLength(4);
    const sum = r!.body.subsidy.lines.reduce((s: number, l: { fen: number }) => s + l.fen, 0);
    expect(r!.body.subsidy.amountFen).toBe(sum);
    expect(r!.body.subsidy.formula).toMatch(/合计/);
    expect(r!.body.instalments.every((i: { late: boolean }) => !i.late)).toBe(true);
  });

  it('a reversal corrects a repayment without deleting it and reopens the loan', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    const paid = await repay('xys1', loan.id, loan.maturityDate, 2_000_000, 'SJ-9');
    expect(paid.body.status).toBe('closed_on_time');
    const rid = paid.body.repayments[0].id;
    const rev = await (await as(t, 'xys1')).post(`/api/loans/loans/${loan.id}/repayments/${rid}/reverse`, { reason: '收据金额登记错误' });
    expect(rev.status).toBe(200);
    expect(rev.body).toMatchObject({ status: 'active', outstandingFen: 2_000_000, closedOn: null });
    expect(rev.body.repayments).toHaveLength(2);
    expect(rev.body.repayments[0]).toMatchObject({ id: rid, reversed: true });
    expect(rev.body.repayments[1]).toMatchObject({ reversalOf: rid, principalFen: -2_000_000, note: '收据金额登记错误' });
    expect(rev.body.subsidyEvents.map((e: { event: string }) => e.event)).toEqual(['due', 'earned', 'forfeited']);
    const twice = await (await as(t, 'xys1')).post(`/api/loans/loans/${loan.id}/repayments/${rid}/reverse`, { reason: 'x' });
    expect(twice.body.error.code).toBe('E3207');
  });

  it('write-off forfeits the subsidy, and an unrepaid loan blocks the household’s next application (第五条（3）)', async () => {
    const { loan, householdId } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    const w = await (await as(t, 'xys1')).post(`/api/loans/loans/${loan.id}/write-off`, { version: loan.version, reason: '借款人死亡，无财产可执行' });
    expect(w.body).toMatchObject({ status: 'written_off', lifecycleLabel: '已核销', subsidy: { status: 'forfeited' }, writeOffReason: '借款人死亡，无财产可执行' });
    const again = await (await as(t, 'cun1')).post('/api/loans/applications', {
      householdId,
      projectName: 'x',
      industry: 'tobacco',
      production: true,
      amountFen: 100_000,
      termMonths: 6,
      purpose: 'x',
    });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(new RegExp(`原贷款没有还清（${loan.loanNo}）`));
  });

  it('a non-production loan carries no subsidy', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO, production: false });
    expect(loan.subsidy).toMatchObject({ status: 'not_applicable', amountFen: 0 });
    const r = await repay('xys1', loan.id, loan.maturityDate, 2_000_000);
    expect(r.body).toMatchObject({ status: 'closed_on_time', subsidy: { status: 'not_applicable' } });
  });

  it('two clerks recording the full repayment at once: the loan is repaid once', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    const [a, b] = await Promise.all([repay('xys1', loan.id, loan.maturityDate, 2_000_000), repay('xys1b', loan.id, loan.maturityDate, 2_000_000)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const d = await (await as(t, 'xys1')).get(`/api/loans/loans/${loan.id}`);
    expect(d.body.repayments).toHaveLength(1);
  });

  it('another township’s coop cannot see or touch the loan', async () => {
    const { loan } = await disbursedLoan(t, { disbursedOn: LONG_AGO });
    expect((await (await as(t, 'xys2')).get(`/api/loans/loans/${loan.id}`)).status).toBe(404);
    expect((await repay('xys2', loan.id, TODAY, 1)).status).toBe(404);
    const west = await disbursedLoan(t, { disbursedOn: LONG_AGO, village: WEST_V1 });
    const list = await (await as(t, 'xys2')).get('/api/loans/loans?pageSize=200');
    expect(list.body.items.map((i: { id: number }) => i.id)).toEqual([west.loan.id]);
    void EAST;
  });
});

describe('enterprise loans (第十三条)', () => {
  it('the county credit union disburses; the subsidy is the finance bureau’s to pay', async () => {
    const c = await as(t, 'xfpb');
    const r = await c.post('/api/loans/enterprise-applications', {
      enterpriseName: '富民桑蚕专业合作社',
      enterpriseCreditCode: '93341202MA2N5678X1',
      legalRep: '王五',
      areaCode: COUNTY,
      projectName: '桑园扩建',
      industry: 'mulberry',
      production: true,
      amountFen: 20_000_000,
      termMonths: 12,
      purpose: '桑苗与蚕房',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    let a = (await c.post(`/api/loans/applications/${r.body.id}/county-review`, { version: r.body.version, decision: 'approve' })).body;
    a = (await (await as(t, 'xlls')).post(`/api/loans/applications/${a.id}/county-review`, { version: a.version, decision: 'approve' })).body;
    await t.db.updateTable('loan_application').set({ decided_on: LONG_AGO }).where('id', '=', a.id).execute();
    expect((await (await as(t, 'xys1')).post(`/api/loans/applications/${a.id}/disburse`, {})).status).toBe(400);
    const body = { version: a.version, contractNo: 'QY-001', contractDate: LONG_AGO, disbursedOn: LONG_AGO, coopRateBp: 600, schedule: 'bullet' };
    // a township coop does not reach a county-level enterprise
    expect((await (await as(t, 'xys1')).post(`/api/loans/applications/${a.id}/disburse`, body)).status).toBe(404);
    const l = await (await as(t, 'xlls')).post(`/api/loans/applications/${a.id}/disburse`, body);
    expect(l.status, JSON.stringify(l.body)).toBe(200);
    expect(l.body).toMatchObject({ kind: 'enterprise', subsidy: { payer: 'finance_bureau', payerLabel: '县财政局' } });
    // repaid on time by the enterprise: the county finance bureau pays the subsidy from its account (第十三条)
    const paid = await (await as(t, 'xlls')).post(`/api/loans/loans/${l.body.id}/repayments`, { paidOn: l.body.maturityDate, principalFen: 20_000_000 });
    expect(paid.body.subsidy.status).toBe('earned');
    const pay = (u: string) => as(t, u).then((c) => c.post(`/api/loans/loans/${l.body.id}/subsidy-payment`, { paidOn: l.body.maturityDate, voucherNo: 'CZ-QY-1' }));
    expect((await pay('xlls')).body.error.code).toBe('E3303');
    expect((await pay('czj')).body.error.code).toBe('E3401'); // no funds in place yet
    await (await as(t, 'czj')).post('/api/loans/funds/budget', { countyCode: COUNTY, amountFen: 10_000_000, docNo: 'YS-QY' });
    const ok = await pay('czj');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ accountName: '颍泉区财政局贴息资金专户', amountFen: paid.body.subsidy.amountFen, balanceAfterFen: 10_000_000 - paid.body.subsidy.amountFen });
  });
});
