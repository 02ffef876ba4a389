import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@fupin/shared/date';
import { startTestApp, type TestApp } from '../../test/harness';
import { addMonths, previousQuarter, quarterOf, quarterStart } from '../rules';
import { as, COUNTY, disbursedLoan, EAST, seedCounty, setupYear, TODAY } from '../test-fixtures';

// Correcting a subsidy payment by reversal (docs/loans.md §4): the payment stays, a reversal
// row and ledger line correct it, and the subsidy can then be paid again — once.
let t: TestApp;
const PREV = previousQuarter(quarterOf(TODAY));
const QS = quarterStart(PREV);
const lentOn = (dayInQuarter: number) => addMonths(addDays(QS, dayInQuarter), -12);
type Loan = { id: number; loanNo: string; maturityDate: string; principalFen: number; subsidy: { amountFen: number } };
const loans: Loan[] = [];
let prepaidFen = 0;

const pay = async (user: string, loan: Loan, voucherNo: string) =>
  (await as(t, user)).post(`/api/loans/loans/${loan.id}/subsidy-payment`, { paidOn: loan.maturityDate, voucherNo });
const reverse = async (user: string, paymentId: number, docNo: string, reason = '兑付金额录错，冲销后重新兑付') =>
  (await as(t, user)).post(`/api/loans/funds/payments/${paymentId}/reverse`, { docNo, reason });
const coopBalance = async () =>
  (await (await as(t, 'xys1')).get(`/api/loans/funds/accounts?countyCode=${COUNTY}`)).body.items.find((a: { kind: string }) => a.kind === 'coop').balanceFen as number;
const subsidyStatus = async (loan: Loan) => (await (await as(t, 'xys1')).get(`/api/loans/loans/${loan.id}`)).body.subsidy.status as string;
const livePayments = (loan: Loan) => t.db.selectFrom('loan_subsidy_payment').selectAll().where('loan_id', '=', loan.id).where('reversed_at', 'is', null).execute();

beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  for (const d of [5, 20, 35]) loans.push((await disbursedLoan(t, { disbursedOn: lentOn(d), amountFen: 1_000_000 + d * 1000 })).loan);
  const bureau = await as(t, 'czj');
  expect((await bureau.post('/api/loans/funds/budget', { countyCode: COUNTY, amountFen: 1_000_000, docNo: 'YS-1', onDate: QS })).status).toBe(200);
  expect((await bureau.post('/api/loans/funds/allocations', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, amountFen: 200_000, docNo: 'BF-1', onDate: QS })).status).toBe(200);
  const pp = await (await as(t, 'czs1')).post('/api/loans/funds/prepayments', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, docNo: 'YB-1', onDate: QS });
  expect(pp.status, JSON.stringify(pp.body)).toBe(200);
  prepaidFen = pp.body.amountFen;
  for (const l of loans) {
    const r = await (await as(t, 'xys1')).post(`/api/loans/loans/${l.id}/repayments`, { paidOn: l.maturityDate, principalFen: l.principalFen, receiptNo: `SJ-${l.id}` });
    expect(r.body.subsidy.status).toBe('earned');
  }
});
afterAll(async () => {
  await t.close();
});

describe('correcting a subsidy payment by reversal', () => {
  let firstPaymentId = 0;

  it('a payment is reversed: the money goes back to the coop, the subsidy is earned again, the payment and its reversal are listed', async () => {
    const p = await pay('xys1', loans[0], 'PZ-0');
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    firstPaymentId = p.body.paymentId;
    expect(await coopBalance()).toBe(prepaidFen - loans[0].subsidy.amountFen);

    const r = await reverse('xys1', firstPaymentId, 'CX-0');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ paymentId: firstPaymentId, loanId: loans[0].id, amountFen: loans[0].subsidy.amountFen, docNo: 'CX-0', subsidyStatus: 'earned', balanceAfterFen: prepaidFen });
    expect(await coopBalance()).toBe(prepaidFen);
    expect(await subsidyStatus(loans[0])).toBe('earned');

    const list = await (await as(t, 'czs1')).get(`/api/loans/funds/payments?townshipCode=${EAST}&year=${PREV.year}&quarter=${PREV.quarter}`);
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: number }) => i.id === firstPaymentId);
    expect(item).toMatchObject({ voucherNo: 'PZ-0', rosterNo: null, reversal: { docNo: 'CX-0', reason: '兑付金额录错，冲销后重新兑付' } });
    expect(item.reversal.createdByName).toBeTruthy();

    // the coop's ledger: the payment line and the reversal line putting it back, both kept
    const coop = (await (await as(t, 'xys1')).get(`/api/loans/funds/accounts?countyCode=${COUNTY}`)).body.items.find((a: { kind: string }) => a.kind === 'coop');
    const lines = (await (await as(t, 'xys1')).get(`/api/loans/funds/accounts/${coop.id}/entries?pageSize=50`)).body.items;
    expect(lines.slice(0, 2).map((e: { kindLabel: string; direction: string; amountFen: number }) => [e.kindLabel, e.direction, e.amountFen])).toEqual([
      ['冲销', 'in', loans[0].subsidy.amountFen],
      ['兑付贴息', 'out', loans[0].subsidy.amountFen],
    ]);
    const events = (await (await as(t, 'xys1')).get(`/api/loans/loans/${loans[0].id}`)).body.subsidyEvents.map((e: { event: string }) => e.event);
    expect(events.slice(-2)).toEqual(['paid', 'reopened']);
  });

  it('reversing twice is a clear conflict, also when both arrive at once', async () => {
    const again = await reverse('xys1', firstPaymentId, 'CX-0b');
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'E3408', message: '该笔贴息兑付已冲销，不能重复冲销' });

    const p = await pay('xys1', loans[1], 'PZ-1');
    expect(p.status).toBe(200);
    const before = await coopBalance();
    const [a, b] = await Promise.all([reverse('xys1', p.body.paymentId, 'CX-1a'), reverse('xys1b', p.body.paymentId, 'CX-1b')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.error.code).toBe('E3408');
    // the money came back once, not twice
    expect(await coopBalance()).toBe(before + loans[1].subsidy.amountFen);
    const rows = await t.db.selectFrom('loan_subsidy_payment_reversal').selectAll().where('payment_id', '=', p.body.paymentId).execute();
    expect(rows).toHaveLength(1);
  });

  it('after a reversal the subsidy can be paid again, and still only once at a time', async () => {
    const [a, b] = await Promise.all([pay('xys1', loans[0], 'PZ-0-A'), pay('xys1b', loans[0], 'PZ-0-B')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.error.code).toBe('E3302');
    expect(await livePayments(loans[0])).toHaveLength(1);
    expect(await t.db.selectFrom('loan_subsidy_payment').select('id').where('loan_id', '=', loans[0].id).execute()).toHaveLength(2);
    expect(await subsidyStatus(loans[0])).toBe('paid');
    // the database itself refuses a second payment in force, whatever the code does
    await expect(
      t.db
        .insertInto('loan_subsidy_payment')
        .values({ county_code: COUNTY, loan_id: loans[0].id, township_code: EAST, amount_fen: 1, paid_on: TODAY, voucher_no: 'x', payee_name: 'x', payer: 'coop' })
        .execute(),
    ).rejects.toThrow(/duplicate key|重复/);
    // a reversal is never edited or deleted
    await expect(sql`UPDATE loan_subsidy_payment_reversal SET reason = 'x'`.execute(t.db)).rejects.toThrow(/只能追加/);
    await expect(sql`DELETE FROM loan_subsidy_payment_reversal`.execute(t.db)).rejects.toThrow(/只能追加/);
  });

  it('only the payer may reverse, and only in scope', async () => {
    const live = (await livePayments(loans[0]))[0];
    const fo = await reverse('czs1', live.id, 'CX-x');
    expect(fo.status).toBe(403);
    expect(fo.body.error.code).toBe('E3303');
    expect((await reverse('xys2', live.id, 'CX-x')).status).toBe(404);
    const bad = await (await as(t, 'xys1')).post(`/api/loans/funds/payments/${live.id}/reverse`, { docNo: 'CX-x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/冲销理由/);
  });

  it('a payment on a filed roster cannot be reversed; the message names the roster', async () => {
    const roster = await (await as(t, 'xys1')).post('/api/loans/funds/rosters', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter });
    expect(roster.status, JSON.stringify(roster.body)).toBe(200);
    // the reversed payments are not on it: only the re-payment of loan 0
    expect(roster.body.lineCount).toBe(1);
    expect(roster.body.totalFen).toBe(loans[0].subsidy.amountFen);
    const live = (await livePayments(loans[0]))[0];
    const r = await reverse('xys1', live.id, 'CX-r');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('E3409');
    expect(r.body.error.message).toContain(roster.body.rosterNo);
    expect(await subsidyStatus(loans[0])).toBe('paid');
  });

  it('balances still reconcile: reversed payments count neither as paid nor as lines', async () => {
    const r = await (await as(t, 'czj')).get(`/api/loans/funds/reconciliation?countyCode=${COUNTY}`);
    expect(r.status).toBe(200);
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    const east = r.body.townships.find((x: { townshipCode: string }) => x.townshipCode === EAST);
    expect(east.paidToFarmersFen).toBe(loans[0].subsidy.amountFen);
    expect(east.coopBalanceFen).toBe(prepaidFen - loans[0].subsidy.amountFen);
    expect(r.body.payments).toMatchObject({ coopLinesFen: loans[0].subsidy.amountFen, coopPaymentsFen: loans[0].subsidy.amountFen, ok: true });
  });
});
