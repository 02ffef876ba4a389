import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { addDays, daysInMonth } from '@fupin/shared/date';
import { startTestApp, type TestApp } from '../../test/harness';
import { addMonths, previousQuarter, quarterOf, quarterStart, reportDueDate } from '../rules';
import { as, COUNTY, disbursedLoan, EAST, seedCounty, setupYear, TODAY, WEST, WEST_V1, YEAR } from '../test-fixtures';

let t: TestApp;
const cal = createCalendar();
const PREV = previousQuarter(quarterOf(TODAY));
const lentOn = (d: number) => addMonths(addDays(quarterStart(PREV), d), -12);
type L = { id: number; loanNo: string; maturityDate: string; principalFen: number; version: number; borrowerName: string };
const east: L[] = [];
let west: L;
// the previous month, for the notice
const [py, pm] = TODAY.slice(5, 7) === '01' ? [YEAR - 1, 12] : [YEAR, Number(TODAY.slice(5, 7)) - 1];
const prevMonthDay = `${py}-${String(pm).padStart(2, '0')}-10`;
let noticeLoan: L;

beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  if (PREV.year !== YEAR) {
    const c = await as(t, 'xfpb');
    await c.post('/api/loans/schemes', { countyCode: COUNTY, year: PREV.year, name: `${PREV.year} 年` });
    await c.put('/api/loans/quotas', { countyCode: COUNTY, year: PREV.year, townshipCode: EAST, amountFen: 500_000_000, loanCount: 500 });
    await c.put('/api/loans/quotas', { countyCode: COUNTY, year: PREV.year, townshipCode: WEST, amountFen: 500_000_000, loanCount: 500 });
  }
  for (const d of [3, 6, 9]) east.push((await disbursedLoan(t, { disbursedOn: lentOn(d), amountFen: 1_000_000 })).loan);
  west = (await disbursedLoan(t, { disbursedOn: lentOn(12), amountFen: 1_000_000, village: WEST_V1 })).loan;
  const coop = await as(t, 'xys1');
  await coop.post(`/api/loans/loans/${east[0].id}/repayments`, { paidOn: east[0].maturityDate, principalFen: 1_000_000 });
  await coop.post(`/api/loans/loans/${east[1].id}/repayments`, { paidOn: addDays(east[1].maturityDate, 20) > TODAY ? TODAY : addDays(east[1].maturityDate, 20), principalFen: 1_000_000 });
  await coop.post(`/api/loans/loans/${east[2].id}/repayments`, { paidOn: east[2].maturityDate, principalFen: 880_000 });
  const w = await (await as(t, 'xys2')).get(`/api/loans/loans/${west.id}`);
  await (await as(t, 'xys2')).post(`/api/loans/loans/${west.id}/write-off`, { version: w.body.version, reason: '无力偿还' });
  noticeLoan = (await disbursedLoan(t, { disbursedOn: prevMonthDay, amountFen: 500_000, household: { members: [{ name: '欧阳小明' }] } })).loan;
});
afterAll(async () => {
  await t.close();
});

describe('recovery rate and assessment (第九条)', () => {
  it('recovery = principal due in the period repaid by the as-of date ÷ principal due, with its definition', async () => {
    const r = await (await as(t, 'xfpb')).get(`/api/loans/reports/recovery?countyCode=${COUNTY}&year=${PREV.year}&quarter=${PREV.quarter}&asOf=${TODAY}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.definition).toMatch(/到期的贷款本金中，截至统计日期已收回的本金/);
    const e = r.body.items.find((i: { townshipCode: string }) => i.townshipCode === EAST);
    expect(e).toMatchObject({ townshipName: '东乡镇', coopName: '东乡镇信用社', dueFen: 3_000_000, recoveredFen: 2_880_000, recoveryRateBp: 9600, recoveryRateText: '96.00%' });
    const w = r.body.items.find((i: { townshipCode: string }) => i.townshipCode === WEST);
    expect(w).toMatchObject({ dueFen: 1_000_000, recoveredFen: 0, recoveryRateText: '0.00%' });
    expect(r.body.total).toMatchObject({ dueFen: 4_000_000, recoveredFen: 2_880_000, recoveryRateText: '72.00%' });
    // a township sees only itself
    const own = await (await as(t, 'zhan2')).get(`/api/loans/reports/recovery?countyCode=${COUNTY}&year=${PREV.year}&quarter=${PREV.quarter}&asOf=${TODAY}`);
    expect(own.body.items.map((i: { townshipCode: string }) => i.townshipCode)).toEqual([WEST]);
  });

  it('≥ 95%: larger quota and reward; < 90%: quota cut and no work funds', async () => {
    const a = await (await as(t, 'xfpb')).get(`/api/loans/reports/assessment?countyCode=${COUNTY}&year=${PREV.year}&asOf=${TODAY}`);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const e = a.body.items.find((i: { townshipCode: string }) => i.townshipCode === EAST);
    const w = a.body.items.find((i: { townshipCode: string }) => i.townshipCode === WEST);
    expect(e).toMatchObject({ assessment: 'reward', proposedQuotaFen: 550_000_000, proposedQuotaCount: 550, workFundsNextYear: true });
    expect(e.assessmentLabel).toMatch(/增加下年度放贷指标/);
    expect(w).toMatchObject({ assessment: 'cut', proposedQuotaFen: 450_000_000, proposedQuotaCount: 450, workFundsNextYear: false });

    const c = await as(t, 'xfpb');
    const no = await c.post('/api/loans/work-funds', { countyCode: COUNTY, year: PREV.year + 1, recipientKind: 'township_gov', areaCode: WEST, amountFen: 500_000, purpose: '表册制作与培训', documentNo: '颍扶组〔2027〕1号' });
    expect(no.status).toBe(409);
    expect(no.body.error.message).toMatch(/不安排工作经费/);
    const ok = await c.post('/api/loans/work-funds', { countyCode: COUNTY, year: PREV.year + 1, recipientKind: 'township_gov', areaCode: EAST, amountFen: 500_000, purpose: '表册制作与培训', documentNo: '颍扶组〔2027〕1号' });
    expect(ok.body).toMatchObject({ recipientName: '东乡镇人民政府', recipientKindLabel: '乡镇人民政府（含工作站）' });
    const cu = await c.post('/api/loans/work-funds', { countyCode: COUNTY, year: PREV.year + 1, recipientKind: 'credit_union', areaCode: COUNTY, amountFen: 300_000, purpose: '宣传', documentNo: 'x' });
    expect(cu.status).toBe(200);
    expect((await (await as(t, 'zhan1')).post('/api/loans/work-funds', { countyCode: COUNTY, year: PREV.year + 1, recipientKind: 'credit_union', areaCode: COUNTY, amountFen: 1, purpose: 'x', documentNo: 'x' })).status).toBe(403);
    const list = await c.get(`/api/loans/work-funds?countyCode=${COUNTY}&year=${PREV.year + 1}`);
    expect(list.body.items).toHaveLength(2);
  });
});

describe('quarterly reports (due the 5th of the quarter’s first month)', () => {
  it('the station reports to the county office; late ones are marked; the board shows who is missing', async () => {
    const st = await as(t, 'zhan1');
    const pv = await st.get(`/api/loans/reports/quarterly/preview?townshipCode=${EAST}&year=${PREV.year}&quarter=${PREV.quarter}`);
    expect(pv.body.dueOn).toBe(reportDueDate(cal, PREV, 5));
    expect(pv.body.figures).toMatchObject({ dueFen: 3_000_000 });
    const cur = quarterOf(TODAY);
    expect((await st.post('/api/loans/reports/quarterly', { townshipCode: EAST, year: cur.year, quarter: cur.quarter, reporter: 'station' })).body.error.code).toBe('E3504');
    expect((await st.post('/api/loans/reports/quarterly', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, reporter: 'coop' })).status).toBe(403);
    const r = await st.post('/api/loans/reports/quarterly', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, reporter: 'station' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ reporterLabel: '乡镇扶贫工作站', recipientLabel: '县扶贫办', late: TODAY > pv.body.dueOn, submittedOn: TODAY });
    expect((await st.post('/api/loans/reports/quarterly', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, reporter: 'station' })).body.error.code).toBe('E3501');
    const b = await (await as(t, 'xfpb')).get(`/api/loans/reports/quarterly/board?countyCode=${COUNTY}&year=${PREV.year}&quarter=${PREV.quarter}`);
    const row = (tw: string, rep: string) => b.body.items.find((i: { townshipCode: string; reporter: string }) => i.townshipCode === tw && i.reporter === rep);
    expect(row(EAST, 'station').status).toBe(TODAY > pv.body.dueOn ? 'late' : 'submitted');
    expect(row(EAST, 'coop').status).toBe(TODAY > pv.body.dueOn ? 'overdue' : 'missing');
    expect(b.body.items).toHaveLength(4);
    await expect(sql`UPDATE loan_quarter_report SET late = false`.execute(t.db)).rejects.toThrow(/只能追加/);
  });
});

describe('monthly public notice', () => {
  it('lists recommended projects and decisions with masked names', async () => {
    const p = await (await as(t, 'zhan1')).get(`/api/loans/notices/preview?townshipCode=${EAST}&year=${YEAR}&month=${Number(TODAY.slice(5, 7))}`);
    expect(p.status).toBe(200);
    expect(p.body.content.recommended.length).toBeGreaterThanOrEqual(4);
    expect(p.body.content.decisions.length).toBeGreaterThanOrEqual(4);
    expect(p.body.content.recommended.map((x: { borrower: string }) => x.borrower)).toContain('欧**明');
    expect(p.body.content.decisions[0].decision).toBe('同意放贷');
    expect(JSON.stringify(p.body)).not.toMatch(/欧阳小明/);
  });

  it('the previous month’s notice is issued once and kept as issued', async () => {
    const st = await as(t, 'zhan1');
    const r = await st.post('/api/loans/notices', { townshipCode: EAST, year: py, month: pm });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const due = cal.addWorkingDays(addDays(`${py}-${String(pm).padStart(2, '0')}-${daysInMonth(py, pm)}`, 1), -1);
    expect(r.body).toMatchObject({ dueOn: due, late: TODAY > due, issuedOn: TODAY });
    expect(r.body.content.loans.map((l: { loanNo: string }) => l.loanNo)).toContain(noticeLoan.loanNo);
    expect(r.body.content.loans.find((l: { loanNo: string }) => l.loanNo === noticeLoan.loanNo).borrower).toBe('欧**明');
    expect((await st.post('/api/loans/notices', { townshipCode: EAST, year: py, month: pm })).body.error.code).toBe('E3502');
    expect((await (await as(t, 'xys1')).post('/api/loans/notices', { townshipCode: EAST, year: py, month: pm })).status).toBe(403);
    await expect(sql`UPDATE loan_notice SET content = '{}'`.execute(t.db)).rejects.toThrow(/只能追加/);
    const list = await (await as(t, 'cun1')).get('/api/loans/notices');
    expect(list.body.items.map((n: { id: number }) => n.id)).toContain(r.body.id);
  });
});

describe('reconciliation with the credit union’s statement', () => {
  async function statement(rows: (string | number | Date)[][]) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('对账单');
    ws.addRow(['颍泉区农村信用联社扶贫到户贷款对账单']);
    ws.addRow(['贷款编号', '借款人', '放款金额（元）', '放款日期', '已还本金（元）', '贷款余额（元）']);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('imports the .xlsx and lists every loan that differs, and why', async () => {
    const c = await as(t, 'xfpb');
    const a = (await c.get(`/api/loans/loans/${east[0].id}`)).body;
    const b = (await c.get(`/api/loans/loans/${east[1].id}`)).body;
    const file = await statement([
      [a.loanNo, a.borrowerName, 10000, new Date(`${a.disbursedOn}T00:00:00Z`), 10000, 0],
      [b.loanNo, b.borrowerName, 10000, b.disbursedOn, 9000, 1000],
      ['DK999999-2026-99999', '无名氏', 5000, '2026-01-01', 0, 5000],
      ['DK-BAD', '错行', 'abc', '2026-13-01', 0, 0],
    ]);
    const res = await fetch(`${t.base}/api/loans/reconciliations?countyCode=${COUNTY}&statementDate=${TODAY}&filename=${encodeURIComponent('对账单.xlsx')}`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/octet-stream' },
      body: file,
    });
    const body = (await res.json()) as any;  
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.badRows).toHaveLength(1);
    expect(body.badRows[0].reason).toMatch(/放款金额/);
    expect(body.summary).toMatchObject({ statementRows: 3, matched: 1, differing: 1, missingInOurs: 1 });
    expect(body.summary.missingInStatement).toBeGreaterThanOrEqual(3);
    const diff = body.items.find((i: { loanNo: string }) => i.loanNo === b.loanNo);
    expect(diff.reasons.join()).toMatch(/已还本金不符：本系统 10,000\.00 元，联社 9,000\.00 元/);
    expect(body.items.find((i: { loanNo: string }) => i.loanNo === 'DK999999-2026-99999').reasons[0]).toMatch(/本系统无此贷款/);
    expect(body.items.find((i: { loanNo: string }) => i.loanNo === east[2].loanNo).reasons[0]).toMatch(/联社对账单无此贷款/);
    const again = await c.get(`/api/loans/reconciliations/${body.id}`);
    expect(again.body.summary).toEqual(body.summary);
    // a station cannot reconcile for the county
    const st = await as(t, 'zhan1');
    const denied = await fetch(`${t.base}/api/loans/reconciliations?countyCode=${COUNTY}&statementDate=${TODAY}&filename=x.xlsx`, {
      method: 'POST',
      headers: { cookie: st.cookie, 'x-csrf-token': st.csrf, 'content-type': 'application/octet-stream' },
      body: file,
    });
    expect(denied.status).toBe(403);
    const junk = await fetch(`${t.base}/api/loans/reconciliations?countyCode=${COUNTY}&statementDate=${TODAY}&filename=x.xlsx`, {
      method: 'POST',
      headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': 'application/octet-stream' },
      body: Buffer.from('not a spreadsheet'),
    });
    expect(junk.status).toBe(400);
    expect(((await junk.json()) as { error: { message: string } }).error.message).toMatch(/不是有效的 \.xlsx/);
  });
});

describe('dashboard data', () => {
  it('lending and recovery by township and month, quota use, ageing, subsidy', async () => {
    const d = await (await as(t, 'xfpb')).get(`/api/loans/reports/dashboard?countyCode=${COUNTY}&year=${Number(lentOn(3).slice(0, 4))}`);
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    expect(d.body.townships.map((x: { name: string }) => x.name)).toEqual(['县本级（企业贷款）', '东乡镇', '西乡镇']);
    const m = d.body.monthly.find((x: { townshipCode: string; month: number }) => x.townshipCode === EAST && x.month === Number(lentOn(3).slice(5, 7)));
    expect(m.disbursedFen).toBeGreaterThanOrEqual(1_000_000);
    expect(d.body.ageing.map((b: { bucket: string }) => b.bucket)).toEqual(['1-30', '31-90', '91-180', '180+']);
    expect(Array.isArray(d.body.quotaUse)).toBe(true);
  });
});
