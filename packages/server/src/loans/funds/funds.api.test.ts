import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { addDays } from '@fupin/shared/date';
import { startTestApp, type TestApp } from '../../test/harness';
import { addMonths, previousQuarter, quarterEnd, quarterOf, quarterStart } from '../rules';
import { as, COUNTY, disbursedLoan, EAST, seedCounty, setupYear, TODAY, WEST, WEST_V1 } from '../test-fixtures';

let t: TestApp;
const cal = createCalendar();
const PREV = previousQuarter(quarterOf(TODAY));
const QS = quarterStart(PREV);
const QE = quarterEnd(PREV);
// Loans made a year before the previous quarter fall due in it.
const lentOn = (dayInQuarter: number) => addMonths(addDays(QS, dayInQuarter), -12);
type Loan = { id: number; loanNo: string; maturityDate: string; principalFen: number; subsidy: { amountFen: number; formula: string }; version: number };
const loans: Loan[] = [];
let prepaidFen = 0;

beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  for (const d of [5, 20, 35]) loans.push((await disbursedLoan(t, { disbursedOn: lentOn(d), amountFen: 1_000_000 + d * 1000 })).loan);
});
afterAll(async () => {
  await t.close();
});

const repay = async (loan: Loan, paidOn: string) => (await as(t, 'xys1')).post(`/api/loans/loans/${loan.id}/repayments`, { paidOn, principalFen: loan.principalFen, receiptNo: `SJ-${loan.id}` });
const pay = async (user: string, loan: { id: number }, paidOn: string, voucherNo = `PZ-${loan.id}`) => (await as(t, user)).post(`/api/loans/loans/${loan.id}/subsidy-payment`, { paidOn, voucherNo });

describe('a quarter from allocation to reimbursement', () => {
  it('the finance bureau receives the funds and allocates them to the township finance office from the lending figures', async () => {
    const bureau = await as(t, 'czj');
    expect((await (await as(t, 'czs1')).post('/api/loans/funds/budget', { countyCode: COUNTY, amountFen: 1, docNo: 'x' })).status).toBe(403);
    const b = await bureau.post('/api/loans/funds/budget', { countyCode: COUNTY, amountFen: 1_000_000, docNo: `YS-${PREV.year}-1`, onDate: QS });
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(b.body).toMatchObject({ kind: 'budget', kindLabel: '预算到位', amountFen: 1_000_000, toName: '颍泉区财政局贴息资金专户' });
    const p = await bureau.get(`/api/loans/funds/allocations/proposal?countyCode=${COUNTY}&year=${PREV.year}&quarter=${PREV.quarter}`);
    expect(p.status).toBe(200);
    const east = p.body.items.find((i: { townshipCode: string }) => i.townshipCode === EAST);
    expect(east.dueSubsidyFen).toBe(loans.reduce((s, l) => s + l.subsidy.amountFen, 0));
    expect(east.proposedFen).toBe(east.dueSubsidyFen);
    expect(east.loansDisbursedCount).toBe(3);
    const a = await bureau.post('/api/loans/funds/allocations', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, amountFen: 200_000, docNo: `BF-${PREV.year}-1`, onDate: QS });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ fromName: '颍泉区财政局贴息资金专户', toName: '东乡镇财政所贴息资金专户', basis: { townshipCode: EAST, dueSubsidyFen: east.dueSubsidyFen } });
    const over = await bureau.post('/api/loans/funds/allocations', { townshipCode: WEST, year: PREV.year, quarter: PREV.quarter, amountFen: 900_000, docNo: 'BF-too-much' });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('E3401');
    expect(over.body.error.message).toMatch(/余额不足.*余额不能为负/);
  });

  it('at the quarter start the finance office pre-pays the subsidy due on loans falling due, computed, not typed', async () => {
    const fo = await as(t, 'czs1');
    const pv = await fo.get(`/api/loans/funds/prepayments/preview?townshipCode=${EAST}&year=${PREV.year}&quarter=${PREV.quarter}`);
    expect(pv.body.lines.map((l: { loanNo: string }) => l.loanNo)).toEqual(loans.map((l) => l.loanNo));
    expect(pv.body.lines[0].formula).toBe(loans[0].subsidy.formula);
    prepaidFen = pv.body.totalFen;
    expect((await (await as(t, 'xys1')).post('/api/loans/funds/prepayments', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, docNo: 'x' })).status).toBe(403);
    expect((await (await as(t, 'czs2')).post('/api/loans/funds/prepayments', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, docNo: 'x' })).status).toBe(403);
    const r = await fo.post('/api/loans/funds/prepayments', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, docNo: `YB-${PREV.year}-${PREV.quarter}`, onDate: QS });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ kind: 'prepayment', amountFen: prepaidFen, toName: '东乡镇信用社贴息资金' });
    const again = await fo.post('/api/loans/funds/prepayments', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, docNo: 'YB-again', onDate: QS });
    expect(again.body.error.code).toBe('E3404');
  });

  it('the coop pays each farmer when the loan is repaid on time; a late one gets nothing', async () => {
    for (const l of loans.slice(0, 2)) expect((await repay(l, l.maturityDate)).body.subsidy.status).toBe('earned');
    const late = await repay(loans[2], addDays(cal.workingDayOnOrAfter(loans[2].maturityDate), 1));
    expect(late.body.subsidy.status).toBe('forfeited');
    const l0 = (await (await as(t, 'xys1')).get(`/api/loans/loans/${loans[0].id}`)).body;
    expect((await pay('czs1', loans[0], loans[0].maturityDate)).body.error.code).toBe('E3303');
    const p = await pay('xys1', loans[0], loans[0].maturityDate);
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ amountFen: l0.subsidy.amountFen, accountName: '东乡镇信用社贴息资金', balanceAfterFen: prepaidFen - l0.subsidy.amountFen, formula: l0.subsidy.formula });
    expect((await pay('xys1', loans[2], loans[2].maturityDate)).body.error.code).toBe('E3301');
  });

  it('two payments of one subsidy at once: exactly one is paid', async () => {
    const [a, b] = await Promise.all([pay('xys1', loans[1], loans[1].maturityDate, 'PZ-A'), pay('xys1b', loans[1], loans[1].maturityDate, 'PZ-B')]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.error.code).toBe('E3302');
    const rows = await t.db.selectFrom('loan_subsidy_payment').selectAll().where('loan_id', '=', loans[1].id).execute();
    expect(rows).toHaveLength(1);
    // the database itself refuses a second payment row, whatever the code does
    await expect(
      t.db
        .insertInto('loan_subsidy_payment')
        .values({ county_code: COUNTY, loan_id: loans[1].id, township_code: EAST, amount_fen: 1, paid_on: TODAY, voucher_no: 'x', payee_name: 'x', payer: 'coop' })
        .execute(),
    ).rejects.toThrow(/duplicate key|重复/);
  });

  it('a coop without funds cannot pay: balances never go negative', async () => {
    const west = (await disbursedLoan(t, { disbursedOn: lentOn(10), village: WEST_V1 })).loan;
    await (await as(t, 'xys2')).post(`/api/loans/loans/${west.id}/repayments`, { paidOn: west.maturityDate, principalFen: 2_000_000 });
    const r = await pay('xys2', west, west.maturityDate);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('E3401');
    expect(r.body.error.message).toMatch(/西乡镇信用社贴息资金余额不足/);
    const still = await (await as(t, 'xys2')).get(`/api/loans/loans/${west.id}`);
    expect(still.body.subsidy.status).toBe('earned');
    await expect(sql`UPDATE loan_fund_account SET balance_fen = -1 WHERE area_code = ${EAST}`.execute(t.db)).rejects.toThrow(/check/i);
  });

  it('at quarter end the finance office settles: the remainder is refunded, the payments settled', async () => {
    const fo = await as(t, 'czs1');
    const cur = quarterOf(TODAY);
    const early = await fo.post('/api/loans/funds/settlements', { townshipCode: EAST, year: cur.year, quarter: cur.quarter, mode: 'carry_over', docNo: 'JS-early' });
    expect(early.body.error.code).toBe('E3504');
    const s = await fo.post('/api/loans/funds/settlements', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, mode: 'refund', docNo: `JS-${PREV.year}-${PREV.quarter}` });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    const paid = loans[0].subsidy.amountFen + loans[1].subsidy.amountFen;
    expect(s.body).toMatchObject({ prepaidFen, paidFen: paid, paidCount: 2, unpaidEarnedFen: 0, outcome: 'refund', amountFen: prepaidFen - paid, coopBalanceFen: prepaidFen - paid });
    expect(s.body.explanation).toMatch(/结余退回财政所/);
    expect((await fo.post('/api/loans/funds/settlements', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, mode: 'refund', docNo: 'JS-2' })).body.error.code).toBe('E3403');
    const accounts = (await fo.get(`/api/loans/funds/accounts?countyCode=${COUNTY}`)).body.items;
    expect(accounts.map((a: { kind: string }) => a.kind).sort()).toEqual(['coop', 'finance_office']);
    expect(accounts.find((a: { kind: string }) => a.kind === 'coop').balanceFen).toBe(0);
    expect(accounts.find((a: { kind: string }) => a.kind === 'finance_office').balanceFen).toBe(200_000 - paid);
    const l = (await fo.get(`/api/loans/loans/${loans[0].id}`)).body;
    expect(l.subsidy.status).toBe('settled');
  });

  it('the coop files the roster (花名册): masked IDs, formula and figures on every line, a signature column, as .xlsx', async () => {
    const coop = await as(t, 'xys1');
    const r = await coop.post('/api/loans/funds/rosters', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ lineCount: 2, status: 'filed', statusLabel: '已报财政所' });
    expect(r.body.totalFen).toBe(loans[0].subsidy.amountFen + loans[1].subsidy.amountFen);
    const line = r.body.lines[0];
    expect(line.idNumberMasked).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    expect(line).toMatchObject({ ratePercent: '2.58%', dayCountBasis: 360, signature: '' });
    expect(line.formula).toMatch(/元 × 2\.58% × \d+天 ÷ 360 = [\d.]+元/);
    expect(r.body.print.signatures).toContain('信用社经办人：');
    expect((await coop.post('/api/loans/funds/rosters', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter })).body.error.code).toBe('E3405');

    const x = await coop.req('GET', `/api/loans/funds/rosters/${r.body.id}/xlsx`);
    expect(x.status).toBe(200);
    expect(x.headers.get('content-type')).toMatch(/spreadsheetml/);
    const raw = await fetch(`${t.base}/api/loans/funds/rosters/${r.body.id}/xlsx`, { headers: { cookie: coop.cookie } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await raw.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('花名册')!;
    expect(String(ws.getCell(1, 1).value)).toMatch(/东乡镇扶贫到户贷款贴息资金兑付花名册/);
    expect(ws.getRow(3).values).toContain('领款人签字');
    expect(String(ws.getCell(4, 3).value)).toBe(line.idNumberMasked);
    expect(String(ws.getCell(4, 13).value)).toBe(line.formula);
    const allText = JSON.stringify(ws.getSheetValues());
    const ids = await t.db.selectFrom('person').select('id_number').execute();
    for (const p of ids) expect(allText).not.toContain(p.id_number);
    expect(ws.pageSetup.orientation).toBe('landscape');
    void QE;
  });

  it('the finance office claims reimbursement; the bureau approves and every subsidy is reimbursed', async () => {
    const rosters = (await (await as(t, 'czs1')).get(`/api/loans/funds/rosters?townshipCode=${EAST}`)).body.items;
    const c = await (await as(t, 'czs1')).post('/api/loans/funds/claims', { townshipCode: EAST, rosterIds: rosters.map((r: { id: number }) => r.id) });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ status: 'submitted', rosterCount: 1 });
    expect((await (await as(t, 'czs1')).post('/api/loans/funds/claims', { townshipCode: EAST, rosterIds: [rosters[0].id] })).body.error.code).toBe('E3405');
    expect((await (await as(t, 'czs1')).post(`/api/loans/funds/claims/${c.body.id}/decide`, { version: 1, approve: true })).status).toBe(403);
    const d = await (await as(t, 'czj')).post(`/api/loans/funds/claims/${c.body.id}/decide`, { version: 1, approve: true, note: '凭证齐全' });
    expect(d.body).toMatchObject({ status: 'approved', statusLabel: '已核销' });
    const l = (await (await as(t, 'xys1')).get(`/api/loans/loans/${loans[0].id}`)).body;
    expect(l.subsidy.status).toBe('reimbursed');
    expect(l.subsidyEvents.map((e: { event: string }) => e.event)).toEqual(['due', 'earned', 'paid', 'settled', 'reimbursed']);
    const fo = (await (await as(t, 'czs1')).get(`/api/loans/funds/accounts?countyCode=${COUNTY}`)).body.items.find((a: { kind: string }) => a.kind === 'finance_office');
    const lines = (await (await as(t, 'czs1')).get(`/api/loans/funds/accounts/${fo.id}/entries?pageSize=50`)).body.items;
    expect(lines.map((e: { kindLabel: string }) => e.kindLabel)).toEqual(['报账核销', '提款报账申请', '结余退回', '季初预拨', '拨付']);
    expect(lines.every((e: { sourceDocNo: string }) => e.sourceDocNo.length > 0)).toBe(true);
    expect(lines[0]).toMatchObject({ direction: 'memo', directionLabel: '备查', balanceAfterFen: fo.balanceFen });
  });

  it('corrections are reversals: the original stays, a second reversal is refused, and nothing can be edited', async () => {
    const fo = await as(t, 'czs1');
    const tp = await fo.post('/api/loans/funds/topups', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, amountFen: 1_000, docNo: 'BB-1' });
    expect(tp.status).toBe(200);
    const rv = await fo.post(`/api/loans/funds/transfers/${tp.body.id}/reverse`, { docNo: 'CX-1', reason: '重复补拨' });
    expect(rv.status, JSON.stringify(rv.body)).toBe(200);
    expect(rv.body).toMatchObject({ reversalOf: tp.body.id, kindLabel: '冲销：补拨', fromName: '东乡镇信用社贴息资金' });
    expect((await fo.post(`/api/loans/funds/transfers/${tp.body.id}/reverse`, { docNo: 'CX-2', reason: 'x' })).body.error.code).toBe('E3402');
    // the allocation was spent: reversing it would take the finance office below zero
    const alloc = (await fo.get(`/api/loans/funds/transfers?kind=allocation`)).body.items[0];
    const ra = await (await as(t, 'czj')).post(`/api/loans/funds/transfers/${alloc.id}/reverse`, { docNo: 'CX-3', reason: '测试' });
    expect(ra.status).toBe(409);
    expect(ra.body.error.code).toBe('E3401');
    await expect(sql`UPDATE loan_fund_entry SET amount_fen = 1`.execute(t.db)).rejects.toThrow(/只能追加/);
    await expect(sql`DELETE FROM loan_fund_entry`.execute(t.db)).rejects.toThrow(/只能追加/);
  });

  it('balances reconcile at every level', async () => {
    const r = await (await as(t, 'czj')).get(`/api/loans/funds/reconciliation?countyCode=${COUNTY}`);
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    const east = r.body.townships.find((x: { townshipCode: string }) => x.townshipCode === EAST);
    expect(east).toMatchObject({ allocatedFen: 200_000, ok: true });
    expect(east.financeOfficeBalanceFen + east.coopBalanceFen + east.paidToFarmersFen).toBe(200_000);
    expect(r.body.accounts.every((a: { ok: boolean }) => a.ok)).toBe(true);
    expect(r.body.payments.ok).toBe(true);
  });

  it('scope: another township sees neither the accounts nor the rosters', async () => {
    const west = await as(t, 'czs2');
    const acc = (await west.get('/api/loans/funds/accounts')).body.items;
    expect(acc.every((a: { areaCode: string }) => a.areaCode.startsWith(WEST))).toBe(true);
    expect((await west.get('/api/loans/funds/rosters')).body.items).toEqual([]);
    const eastAcc = (await (await as(t, 'czs1')).get('/api/loans/funds/accounts')).body.items[0];
    expect((await west.get(`/api/loans/funds/accounts/${eastAcc.id}/entries`)).status).toBe(404);
  });
});
