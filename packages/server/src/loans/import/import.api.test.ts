import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '@fupin/shared';
import { addDays, toDayNumber } from '@fupin/shared/date';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { as, COUNTY, EAST_V1, makeHousehold, seedCounty, setupYear, TODAY, WEST_V1 } from '../test-fixtures';

let t: TestApp;
const HEADERS = ['借款人姓名', '身份证号', '贷款金额（元）', '年利率', '发放日期', '到期日期', '已还本金（元）', '结清日期', '最近还款日期', '贷款用途/产业', '是否生产性', '合同号'];
type Person = { name: string; id: string; householdId: number };
let east: Person[] = [];
let west: Person;

async function person(village: string): Promise<Person> {
  const h = await makeHousehold(t, { village });
  const p = await t.db.selectFrom('person').select(['name', 'id_number']).where('id', '=', h.personIds[0]).executeTakeFirstOrThrow();
  return { name: p.name, id: p.id_number, householdId: h.householdId };
}

beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  east = [await person(EAST_V1), await person(EAST_V1), await person(EAST_V1), await person(EAST_V1), await person(EAST_V1)];
  west = await person(WEST_V1);
});
afterAll(async () => {
  await t.close();
});

async function upload(c: Client, name: string, body: Buffer | string, type = 'application/octet-stream') {
  const r = await fetch(`${t.base}/api/loans/imports?filename=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': type },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: r.status, body: (await r.json()) as any };
}
async function download(c: Client, path: string) {
  const r = await fetch(`${t.base}${path}`, { headers: { cookie: c.cookie } });
  return { status: r.status, buffer: Buffer.from(await r.arrayBuffer()) };
}
async function readBook(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}
const valuesOf = (ws: ExcelJS.Worksheet) => (ws.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1));
/** A workbook as a county office keeps it: a title row above the header. */
async function book(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('历史贷款');
  ws.addRow(['某某县 2018–2025 年扶贫小额信贷台账']);
  ws.addRow(HEADERS);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
const serial = (iso: string) => toDayNumber(iso) - toDayNumber('1899-12-30');
const dotted = (iso: string) => iso.replaceAll('-', '.');
const slashed = (iso: string) => iso.replace(/-0?(\d+)-0?(\d+)$/, '/$1/$2');
const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const loanByContract = (no: string) =>
  t.db.selectFrom('loan').selectAll().where('county_code', '=', COUNTY).where('contract_no', '=', no).executeTakeFirst();
const loanCount = async () => Number((await t.db.selectFrom('loan').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

const RECENT = addDays(TODAY, -100);
const OLD = addDays(TODAY, -700);
const goodRows = () => [
  // active: lent 100 days ago for a year, nothing repaid
  [east[0].name, east[0].id, fullWidth('20000'), '4.35%', dotted(RECENT), addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-001'],
  // overdue: due 335 days ago, 5,000.50 repaid before that
  [east[1].name, east[1].id, '10,000', 4.35, slashed(OLD), addDays(OLD, 365), '5000.50', null, addDays(OLD, 200), '烤烟', '是', 'LS-002'],
  // closed on time
  [east[2].name, east[2].id, 8000, '4.35', serial(OLD), addDays(OLD, 365), 8000, addDays(OLD, 300), null, '甘蔗', '否', 'LS-003'],
  // closed late: repaid two months after the due date
  [east[3].name, east[3].id, '15000', '4.35%', OLD, addDays(OLD, 365), null, addDays(OLD, 425), null, '桑蚕', '是', 'LS-004'],
];

describe('历史贷款导入', () => {
  it('the template has the Chinese headers and a sheet of accepted values', async () => {
    const r = await download(await as(t, 'xys1'), '/api/loans/imports/template.xlsx');
    expect(r.status).toBe(200);
    const wb = await readBook(r.buffer);
    expect(valuesOf(wb.getWorksheet('历史贷款')!)[0]).toEqual(HEADERS);
    const notes = valuesOf(wb.getWorksheet('取值说明')!).map((r) => r.join(' '));
    expect(notes.some((n) => n.includes('烤烟') && n.includes('畜牧'))).toBe(true);
  });

  it('imports a good file: loans matched to the register, status derived, no subsidy, one audit row', async () => {
    const before = await loanCount();
    const r = await upload(await as(t, 'xys1'), '台账.xlsx', await book(goodRows()));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ rowsTotal: 4, createdCount: 4, unchangedCount: 0, failedCount: 0, errorFileUrl: null });
    expect(await loanCount()).toBe(before + 4);

    const coop = await as(t, 'xys1');
    const expected: [string, string, number, number][] = [
      ['LS-001', 'active', 2_000_000, 0],
      ['LS-002', 'overdue', 1_000_000, 500_050],
      ['LS-003', 'closed_on_time', 800_000, 800_000],
      ['LS-004', 'closed_late', 1_500_000, 1_500_000],
    ];
    for (const [no, life, principal, repaid] of expected) {
      const l = (await loanByContract(no))!;
      const d = await coop.get(`/api/loans/loans/${l.id}`);
      expect(d.status).toBe(200);
      expect(d.body).toMatchObject({
        origin: 'imported',
        applicationId: null,
        schemeId: null,
        lifecycleStatus: life,
        principalFen: principal,
        repaidFen: repaid,
        outstandingFen: principal - repaid,
        coopRateBp: 435,
        subsidyStatus: 'not_applicable',
        subsidyFen: 0,
      });
      expect(d.body.subsidy).toMatchObject({ status: 'not_applicable', amountFen: 0 });
    }
    expect((await loanByContract('LS-001'))!).toMatchObject({ household_id: east[0].householdId, disbursed_on: RECENT, industry: 'livestock', production: true });
    expect((await loanByContract('LS-003'))!.disbursed_on).toBe(OLD); // from an Excel serial
    expect((await loanByContract('LS-002'))!.disbursed_on).toBe(OLD); // from 2024/3/5
    const audits = await t.db.selectFrom('audit_log').select(['summary']).where('action', '=', 'import').where('entity', '=', 'loan_import').execute();
    expect(audits).toHaveLength(1);
    expect(audits[0].summary).toContain('新建 4 笔');
  });

  it('an imported unpaid loan is an earlier loan not repaid (第五条（3）); a closed one is not', async () => {
    const clerk = await as(t, 'cun1');
    const check = (householdId: number) => clerk.get(`/api/loans/eligibility?householdId=${householdId}&amountFen=500000&termMonths=12&production=true&industry=livestock`);
    const unpaid = await check(east[1].householdId);
    expect(unpaid.status, JSON.stringify(unpaid.body)).toBe(200);
    const l = (await loanByContract('LS-002'))!;
    expect(JSON.stringify(unpaid.body)).toContain(l.loan_no);
    const closed = await check(east[2].householdId);
    expect(closed.status).toBe(200);
    expect(JSON.stringify(closed.body)).not.toContain('unpaid_loan');
    expect(JSON.stringify(unpaid.body)).toContain('unpaid_loan');
  });

  it('a repayment recorded after import closes the loan and still computes no subsidy', async () => {
    const l = (await loanByContract('LS-001'))!;
    const r = await (await as(t, 'xys1')).post(`/api/loans/loans/${l.id}/repayments`, { paidOn: TODAY, principalFen: 2_000_000 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'closed_on_time', outstandingFen: 0, subsidyStatus: 'not_applicable', subsidyFen: 0 });
    const events = await t.db.selectFrom('loan_subsidy_event').select('event').where('loan_id', '=', l.id).execute();
    expect(events.map((e) => e.event)).toEqual(['not_applicable']);
  });

  it('re-importing the same file changes nothing', async () => {
    const before = await loanCount();
    const reps = await t.db.selectFrom('loan_repayment').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const r = await upload(await as(t, 'xys1'), '台账.xlsx', await book(goodRows()));
    expect(r.body).toMatchObject({ rowsTotal: 4, createdCount: 0, unchangedCount: 4, failedCount: 0 });
    expect(await loanCount()).toBe(before);
    expect(await t.db.selectFrom('loan_repayment').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).toEqual(reps);
    // the same contract number with other figures is refused, never overwritten
    const changed = goodRows()[0].with(2, '30000');
    const c = await upload(await as(t, 'xys1'), '改.xlsx', await book([changed]));
    expect(c.body).toMatchObject({ createdCount: 0, failedCount: 1 });
    expect((await loanByContract('LS-001'))!.principal_fen).toBe(2_000_000);
  });

  it('bad rows write nothing and come back in the error workbook with the reason beside each', async () => {
    const before = await loanCount();
    const ok = [east[4].name, east[4].id, '6000', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-101'];
    const rows = [
      ok,
      [east[4].name, 341202198005010011, '6000', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-102'],
      ['无此人', makeIdNumber('110101', '1990-03-07', 653), '6000', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-103'],
      [west.name, west.id, '6000', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-104'],
      [east[4].name, east[4].id, '6000.123', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-105'],
      [east[4].name, east[4].id, '6000', '4.35%', RECENT, addDays(RECENT, -1), null, null, null, '畜牧', '是', 'LS-106'],
    ];
    const r = await upload(await as(t, 'xys1'), '错误.xlsx', await book(rows));
    expect(r.body).toMatchObject({ rowsTotal: 6, createdCount: 1, failedCount: 5 });
    expect(await loanCount()).toBe(before + 1);
    for (const no of ['LS-102', 'LS-103', 'LS-104', 'LS-105', 'LS-106']) expect(await loanByContract(no)).toBeUndefined();

    const f = await download(await as(t, 'xys1'), r.body.errorFileUrl);
    expect(f.status).toBe(200);
    const out = valuesOf((await readBook(f.buffer)).worksheets[0]);
    expect(out[0][0]).toBe('原行号');
    expect(out[0].at(-1)).toBe('错误原因');
    const reasons = new Map(out.slice(1).map((row) => [row[12], String(row.at(-1))]));
    expect(reasons.get('LS-102')).toMatch(/被 Excel 保存为数字/);
    expect(reasons.get('LS-103')).toBe('本辖区的农户档案中没有该身份证号的成员');
    // out of scope reads exactly as unknown: no hint that the person exists in another township
    expect(reasons.get('LS-104')).toBe('本辖区的农户档案中没有该身份证号的成员');
    expect(reasons.get('LS-105')).toMatch(/两位小数/);
    expect(reasons.get('LS-106')).toMatch(/须晚于发放日期/);
    expect(out.slice(1).map((row) => row[0])).toEqual([4, 5, 6, 7, 8]);
  });

  it('reads .csv too', async () => {
    const p = await person(EAST_V1);
    const csv = `${HEADERS.join(',')}\n${p.name},${p.id},"12,000.00",4.35%,${dotted(RECENT)},${addDays(RECENT, 365)},,,,畜牧,是,LS-201\n`;
    const r = await upload(await as(t, 'xys1'), '台账.csv', csv, 'text/csv');
    expect(r.body).toMatchObject({ createdCount: 1, failedCount: 0 });
    expect((await loanByContract('LS-201'))!.principal_fen).toBe(1_200_000);
  });

  it('scope: only lenders import; another township coop cannot reach these households or this error file', async () => {
    const station = await upload(await as(t, 'zhan1'), '台账.xlsx', await book(goodRows()));
    expect(station.status).toBe(403);
    const p = await person(EAST_V1);
    const other = await upload(await as(t, 'xys2'), '台账.xlsx', await book([[p.name, p.id, '6000', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-301']]));
    expect(other.body).toMatchObject({ createdCount: 0, failedCount: 1 });
    expect(await loanByContract('LS-301')).toBeUndefined();
    const mine = await upload(await as(t, 'xys1'), 'x.xlsx', await book([[p.name, p.id, '1.001', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-302']]));
    expect((await download(await as(t, 'xys2'), mine.body.errorFileUrl)).status).toBe(404);
    // the county credit union imports for the whole county
    const union = await upload(await as(t, 'xlls'), 'u.xlsx', await book([[west.name, west.id, '6000', '4.35%', RECENT, addDays(RECENT, 365), null, null, null, '畜牧', '是', 'LS-303']]));
    expect(union.body).toMatchObject({ createdCount: 1 });
  });
});
