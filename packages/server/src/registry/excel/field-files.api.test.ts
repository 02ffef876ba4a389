/**
 * Issue 3, “field files”: rosters built the way a township office's Excel holds them (title rows,
 * merged two-row headers, IDs stored as numbers in some rows, dates in every style, 合计/备注 rows,
 * blank rows, hidden sheets) and the CSVs Excel saves from them (GBK + CRLF, UTF-8 with BOM,
 * tab-separated), imported through the API. For each: the good rows go in with the right values,
 * every bad row comes back with a Chinese reason naming the field, no household goes in by half,
 * and importing the file again changes nothing.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '@fupin/shared';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { encodeGb18030, ok, seedRegistryWorld, uploadImport, type RegistryWorld } from '../test-fixtures';

let t: TestApp;
let w: RegistryWorld;
beforeAll(async () => {
  t = await startTestApp();
  w = await seedRegistryWorld(t);
});
afterAll(async () => {
  await t.close();
});

let seq = 0;
const nid = (birth: string, female = false) => makeIdNumber('451226', birth, (++seq % 499) * 2 + (female ? 0 : 1));
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
const NBSP = '\u00A0';

const upload = (c: Client, name: string, body: Buffer | string, type?: string) => uploadImport(t, c, name, body, type);
async function errorRows(c: Client, importId: number) {
  const r = await fetch(`${t.base}/api/registry/imports/${importId}/errors.xlsx`, { headers: { cookie: c.cookie } });
  expect(r.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as never);
  return wb.worksheets.map((ws) => (ws.getSheetValues().filter(Boolean) as unknown[][]).map((row) => row.slice(1)));
}
const book = async (wb: ExcelJS.Workbook) => Buffer.from(await wb.xlsx.writeBuffer());

async function householdOf(idNumber: string) {
  const list = await ok(w.stationA.get(`/api/registry/households?idNumber=${idNumber}`));
  expect(list.items, `household of ${idNumber}`).toHaveLength(1);
  return ok(w.stationA.get(`/api/registry/households/${list.items[0].id}`));
}
async function personCount(ids: string[]) {
  return (await t.db.selectFrom('person').select('id').where('id_number', 'in', ids).execute()).length;
}
/** Everything an import may write, for “a re-import changes nothing”. */
async function snapshot() {
  const hh = await t.db.selectFrom('household').select(['id', 'version', 'updated_at']).orderBy('id').execute();
  const people = await t.db.selectFrom('person').select(['id', 'version']).orderBy('id').execute();
  const events = await t.db.selectFrom('household_event').select('id').orderBy('id').execute();
  return { hh, people, events };
}

// ---------------------------------------------------------------------------------------------

describe('a township office roster (.xlsx)', () => {
  // the people of the file, by household
  const h1 = { head: nid('1966-06-06'), wife: nid('1968-08-08', true), son: nid('1990-03-05'), dil: nid('1992-11-20', true), grandson: nid('2015-03-05') };
  const h2 = { head: nid('1970-01-15'), wife: nid('1972-02-16', true) };
  const h3 = { head: nid('1950-07-07'), wife: nid('1952-09-09', true) };
  const h4 = { head: nid('1975-04-04') };
  const h5 = { head: nid('1980-05-05'), daughter: nid('2005-06-06', true) };
  const h6 = { head: nid('1958-12-12'), wife: nid('1960-10-10', true) };

  async function rosterFile(footer: boolean) {
    const wb = new ExcelJS.Workbook();
    const notes = wb.addWorksheet('说明', { state: 'hidden' });
    notes.addRow(['填表说明：身份证号码列请设置为文本格式；日期写成 2019.03.05。']);
    notes.addRow(['姓名', '填户籍上的姓名']);
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['环江县思恩镇城西村建档立卡贫困户家庭成员花名册']);
    ws.mergeCells('A1:Y1');
    ws.addRow(['填报单位：城西村村民委员会（盖章）', null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, '填报日期：2026年1月5日']);
    // a two-row header: fields merged down over both rows, 家庭收入（元） merged across its parts
    ws.addRow(['序号', '乡镇', '行政村', '村民组', '户主姓名', '家庭人口', '姓名', '证件号码', '与户主关系', '性别', '民族', '出生日期', '文化程度', '健康状况', '劳动能力', '联系电话', '开户行', '银行账号', '致贫原因', '家庭收入（元）', null, null, null, '人均纯收入', '备注']);
    ws.addRow([null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, '工资性收入', '生产经营性收入', '转移性收入', '财产性收入', null, null]);
    for (const c of 'ABCDEFGHIJKLMNOPQRSXY') ws.mergeCells(`${c}3:${c}4`);
    ws.mergeCells('T3:W3');
    ws.getColumn(8).numFmt = '@';
    const hh = (n: number, head: string, size: number, id: string | number, extra: Record<number, unknown> = {}) => {
      const row: unknown[] = [n, '思恩镇', '城西村', null, head, size, head, id, '户主', '男', '壮族', null, '初中', '健康', '普通劳动力', 13977812345, '环江农村信用社', null, '因病', 0, 0, 0, 0, null, null];
      for (const [k, v] of Object.entries(extra)) row[Number(k)] = v;
      return row;
    };
    const mem = (name: string, id: string | number, rel: string, extra: Record<number, unknown> = {}) => {
      const row: unknown[] = [null, null, null, null, null, null, name, id, rel, null, null, null, '小学', '健康', '普通劳动力', null, null, null, null, null, null, null, null, null, null];
      for (const [k, v] of Object.entries(extra)) row[Number(k)] = v;
      return row;
    };
    // 1 — good: an ID with a non-breaking space after it, one in full-width digits, dates as a date
    // cell, '1968.08.08', '1990年3月5日', a serial number and '2015/3/5'; the account as spaced text
    ws.addRow(hh(1, `罗大${NBSP}`, 5, `${h1.head}${NBSP}`, { 3: '第一组', 9: '男 ', 10: '壮族', 11: new Date(Date.UTC(1966, 5, 6)), 17: '6228 4800 1234 5678 901', 18: '因病', 19: 18000, 20: '3,000.50', 21: 1200, 22: 0, 23: 4440.1 }));
    ws.addRow(mem(' 覃二妹', fullWidth(h1.wife), '妻', { 9: '女', 10: '壮', 11: '1968.08.08', 13: '长期慢性病' }));
    ws.addRow(mem('罗小军', h1.son, '长子', { 10: '汉', 11: '1990年3月5日', 12: '高中' }));
    ws.addRow(mem('韦丽', h1.dil, '儿媳', { 10: '瑶', 11: 33928 /* 1992-11-20 */, 13: '大病' }));
    ws.addRow(mem('罗小宝', h1.grandson, '孙子', { 10: '壮族', 11: '2015/3/5', 12: '小学', 14: '无劳动力' }));
    // 2 — bad: the wife's ID stored as a number (Excel kept 15 digits)
    ws.addRow(hh(2, '蒙二', 2, h2.head));
    ws.addRow(mem('韦二', Number(h2.wife), '之妻', { 9: '女' }));
    ws.addRow([]);
    ws.addRow([null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, ' ']);
    // 3 — good: old people written as offices write them
    ws.addRow(hh(3, '黄三', 2, h3.head, { 10: '汉族', 11: '1950-07-07', 12: '文盲', 13: '残疾', 14: '丧失劳动力', 20: 500 }));
    ws.addRow(mem('梁三', h3.wife, '配偶', { 10: '汉', 11: '１９５２．０９．０９', 12: '半文盲', 14: '丧失劳动力' }));
    // 4 — bad: the bank account stored as a number
    ws.addRow(hh(4, '潘四', 1, h4.head, { 17: 6228480012345678000 }));
    // 5 — bad: a day-first date
    ws.addRow(hh(5, '覃五', 2, h5.head, { 19: 9000 }));
    ws.addRow(mem('覃小五', h5.daughter, '之女', { 11: '06/06/2005' }));
    // 6 — good, the last household before the footer rows
    ws.addRow(hh(6, '韦六', 2, h6.head, { 11: '1958.12.12', 16: '中国农业银行', 17: '622848001234567', 19: 20000 }));
    ws.addRow(mem('蓝六', h6.wife, '之妻', { 11: '1960/10/10' }));
    if (!footer) return book(wb);
    // the footer rows every such file ends with
    ws.addRow(['合计', null, null, null, null, 14, null, null, null, null, null, null, null, null, null, null, null, null, null, 47000, 3000.5, 1200, 0, null, null]);
    ws.addRow(['备注：本表由村委会填报，经乡镇审核。']);
    ws.mergeCells(`A${ws.rowCount}:Y${ws.rowCount}`);
    ws.addRow(['填表人：张三', null, null, null, null, null, '审核人：李四', null, null, null, null, null, '联系电话：0778-1234567']);
    return book(wb);
  }

  it('imports the good households with the right values, refuses each bad row with a reason naming the field, and changes nothing the second time', async () => {
    const file = await rosterFile(false);
    const r = await upload(w.stationA, '城西村花名册.xlsx', file);
    expect(r.status).toBe(200);
    const reasons = r.body.errorSample.map((s: any) => `${s.rowNo}: ${s.reason}`).join('\n');
    expect(r.body, reasons).toMatchObject({ status: 'done', created: 3, updated: 0, failedHouseholds: 3 });
    // 2: the number-stored ID; 4: the number-stored account; 5: the day-first date
    expect(reasons).toMatch(/^11: 身份证号：身份证号码被 Excel 保存为数字（\d\.\d\dE\+17），末尾数字已丢失/m);
    expect(reasons).toMatch(/^16: 银行账号：银行账号被 Excel 保存为数字/m);
    expect(reasons).toMatch(/^18: 出生日期：无法识别的日期“06\/06\/2005”/m);
    // nothing of the refused households
    expect(await personCount([h2.head, h4.head, h5.head, h5.daughter])).toBe(0);

    const one = await householdOf(h1.head);
    expect(one).toMatchObject({
      headName: '罗大',
      memberCount: 5,
      villageName: '城西村',
      groupName: '第一组',
      mainCause: 'illness',
      incomeWagesFen: 1_800_000,
      incomeBusinessFen: 300_050,
      incomeTransferFen: 120_000,
      netIncomePerCapitaFen: Math.round((1_800_000 + 300_050 + 120_000) / 5),
    });
    const byName = Object.fromEntries(one.members.map((m: any) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(['罗大', '罗小军', '罗小宝', '覃二妹', '韦丽'].sort());
    expect(byName['覃二妹']).toMatchObject({ relation: 'spouse', sex: 'F', birthDate: '1968-08-08', ethnicity: 'zhuang', health: 'chronic' });
    expect(byName['罗小军']).toMatchObject({ relation: 'son', birthDate: '1990-03-05', ethnicity: 'han', education: 'senior' });
    expect(byName['韦丽']).toMatchObject({ relation: 'daughter_in_law', birthDate: '1992-11-20', ethnicity: 'yao', health: 'serious' });
    expect(byName['罗小宝']).toMatchObject({ relation: 'grandson', birthDate: '2015-03-05', labour: 'none' });
    const stored = await t.db.selectFrom('household').select(['bank_account', 'bank_name', 'phone']).where('id', '=', one.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ bank_account: '6228480012345678901', bank_name: '环江农村信用社', phone: '13977812345' });
    const ids = await t.db.selectFrom('person').select('id_number').where('household_id', '=', one.id).execute();
    expect(ids.map((p) => p.id_number).sort()).toEqual(Object.values(h1).sort());

    const three = await householdOf(h3.head);
    expect(three.members.map((m: any) => [m.name, m.education, m.health, m.labour]).sort()).toEqual(
      [
        ['梁三', 'illiterate', 'healthy', 'lost'],
        ['黄三', 'illiterate', 'disabled', 'lost'],
      ].sort(),
    );
    const six = await householdOf(h6.head);
    expect(six).toMatchObject({ memberCount: 2, incomeWagesFen: 2_000_000 });
    expect(await t.db.selectFrom('household').select('bank_account').where('id', '=', six.id).executeTakeFirstOrThrow()).toEqual({ bank_account: '622848001234567' });

    // the error workbook: every row of the refused households, with the original cells and a reason
    const [sheet] = await errorRows(w.stationA, r.body.id);
    const header = sheet[0] as string[];
    expect(header).toEqual(expect.arrayContaining(['姓名', '证件号码', '与户主关系', '工资性收入', '错误原因']));
    const reason = (name: string) => String(sheet.find((row) => row[header.indexOf('姓名')] === name)?.at(-1));
    expect(reason('韦二')).toMatch(/^第 11 行：身份证号：.*保存为数字/);
    // the mangled ID goes back as the number Excel kept, not as a plausible-looking string of digits
    expect(sheet.find((row) => row[header.indexOf('姓名')] === '韦二')?.[header.indexOf('证件号码')]).toBe(Number(h2.wife));
    expect(reason('蒙二')).toMatch(/^第 10 行：同户其他行有错误，整户未导入/);
    expect(reason('潘四')).toMatch(/^第 16 行：银行账号：/);
    expect(reason('覃小五')).toMatch(/^第 18 行：出生日期：/);
    expect(reason('覃五')).toMatch(/同户其他行有错误/);
    const refusedNames = sheet.slice(1).map((row) => row[header.indexOf('姓名')]);
    expect(refusedNames.filter((n) => n).sort()).toEqual(['潘四', '蒙二', '覃五', '覃小五', '韦二'].sort());
    // the ID is written back as text, the number cell as it was
    expect(sheet.find((row) => row[header.indexOf('姓名')] === '覃小五')![header.indexOf('证件号码')]).toBe(h5.daughter);

    const before = await snapshot();
    const again = await upload(w.stationA, '城西村花名册.xlsx', file);
    expect(again.body).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 3, failedHouseholds: 3 });
    expect(await snapshot()).toEqual(before);
  });

  // A row that names no one used to be carried into the household above it, so the 合计 / 备注 /
  // 填表人 lines at a roster's foot kept its last household out (parse.ts FOOTER).
  it('skips the 合计 / 备注 / 填表人 rows at the foot of a roster: the last household goes in', async () => {
    const r = await upload(w.stationA, '城西村花名册-合计.xlsx', await rosterFile(true));
    expect(r.body).toMatchObject({ status: 'done', created: 0, unchanged: 3, failedHouseholds: 3, failedRows: 5 });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['序号', '行政村', '姓名', '身份证号码', '与户主关系']);
    ws.addRow(['合计']);
    const only = await upload(w.stationA, '表头和合计.xlsx', await book(wb));
    expect(only.body.status).toBe('failed');
    expect(only.body.message).toMatch(/没有数据行/);
    const head = nid('1957-07-07');
    const csv = await upload(w.stationA, '合计.csv', `行政村,姓名,身份证号码,与户主关系,工资性收入\r\n城西村,谭一,${head},户主,100\r\n合计,,,,100\r\n`, 'text/csv');
    expect(csv.body).toMatchObject({ status: 'done', created: 1, failedRows: 0 });
  });

  it('reads a header whose upper row groups the member columns (家庭成员情况) with the household columns merged down beside them', async () => {
    const head = nid('1961-01-01');
    const son = nid('1988-02-02');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    ws.addRow(['城西村脱贫户花名册']);
    ws.mergeCells('A1:J1');
    ws.addRow(['序号', '乡镇', '行政村', '户主姓名', '家庭成员情况', null, null, null, '联系电话', '致贫原因']);
    ws.addRow([null, null, null, null, '姓名', '证件号码', '与户主关系', '民族', null, null]);
    for (const c of 'ABCDIJ') ws.mergeCells(`${c}2:${c}3`);
    ws.mergeCells('E2:H2');
    ws.addRow([1, '思恩镇', '城西村', '莫一', '莫一', head, '户主', '壮族', '13877800001', '缺技术']);
    ws.addRow([null, null, null, null, '莫二', son, '之子', '壮族', null, null]);
    const r = await upload(w.stationA, '成员分组表头.xlsx', await book(wb));
    expect(r.body.errorSample).toEqual([]);
    expect(r.body).toMatchObject({ status: 'done', created: 1, failedHouseholds: 0 });
    const h = await householdOf(head);
    expect(h).toMatchObject({ memberCount: 2, villageName: '城西村', mainCause: 'no_skill' });
  });

  // The number cell gives the head's row a household key of its own; a 户主身份证号 that cannot be
  // read used to raise no issue there, and the head went in alone (importer.ts planGroup).
  it('never imports part of a household whose 户主身份证号 cell was stored as a number on one row and as text on the others', async () => {
    const head = nid('1964-04-04');
    const wife = nid('1966-06-06', true);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['行政村', '户主身份证号', '姓名', '身份证号码', '与户主关系']);
    ws.addRow(['城西村', Number(head), '石一', head, '户主']);
    ws.addRow(['城西村', head, '石一妻', wife, '配偶']);
    const r = await upload(w.stationA, '户主号码为数字.xlsx', await book(wb));
    expect(r.body).toMatchObject({ status: 'done', created: 0, failedRows: 2 });
    expect(await personCount([head, wife])).toBe(0);
    expect(r.body.errorSample.map((s: any) => s.reason).join('\n')).toMatch(/户主身份证号：.*保存为数字/);
  });

  it('finds a header at row 50 below a block of instructions', async () => {
    const head = nid('1962-02-02');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('导入');
    for (let i = 1; i <= 49; i++) ws.addRow([`${i}、填写说明第 ${i} 条：身份证号码须为文本格式。`]);
    // 屯: Guangxi's name for a village's groups
    ws.addRow(['行政村', '屯', '姓名', '身份证号码', '与户主关系', '民族']);
    ws.addRow(['城西村', '第一组', '甘一', head, '户主', '壮族']);
    const r = await upload(w.stationA, '第50行表头.xlsx', await book(wb));
    expect(r.body.errorSample).toEqual([]);
    expect(r.body).toMatchObject({ status: 'done', created: 1, totalRows: 1 });
    const h = await householdOf(head);
    expect(h).toMatchObject({ villageName: '城西村', groupName: '第一组' });
    expect(h.members[0]).toMatchObject({ name: '甘一', ethnicity: 'zhuang' });
  });

  it('refuses a 16-digit 户编号 stored as a number (Excel kept 15 digits), and reads one stored as text', async () => {
    const [a, b] = [nid('1967-01-21'), nid('1968-02-22')];
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['户编号', '行政村', '姓名', '身份证号', '与户主关系']);
    ws.addRow([4512260010030000, '城西村', '卢甲', a, '户主']);
    ws.addRow(['4512260010030002', '城西村', '卢乙', b, '户主']);
    const r = await upload(w.stationA, '户编号.xlsx', await book(wb));
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 1, failedHouseholds: 1 });
    expect(r.body.errorSample[0].reason).toBe('户编号：户编号被 Excel 保存为数字，末尾数字已丢失；请将该列设置为“文本”格式后重新录入');
    expect((await householdOf(b)).householdNo).toBe('4512260010030002');
    expect(await personCount([a])).toBe(0);
  });

  it('answers a file of only a header (xlsx and csv) with “没有数据行”, writing nothing', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['城西村花名册']);
    ws.addRow(['序号', '行政村', '姓名', '身份证号码', '与户主关系']);
    const before = await snapshot();
    const x = await upload(w.stationA, '只有表头.xlsx', await book(wb));
    expect(x.body.status).toBe('failed');
    expect(x.body.message).toMatch(/没有数据行/);
    const c = await upload(w.stationA, '只有表头.csv', '\uFEFF序号,行政村,姓名,身份证号码,与户主关系\r\n', 'text/csv');
    expect(c.body.status).toBe('failed');
    expect(c.body.message).toMatch(/没有数据行/);
    expect(await snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------

describe('CSVs as Excel saves them', () => {
  /** A roster without a key column: each 户主 row starts a household, its members follow. */
  function roster(sep: string, space: string) {
    const a = { head: nid('1965-05-05'), wife: nid('1967-07-07', true), son: nid('1994-04-04') };
    const b = { head: nid('1971-01-01'), mother: nid('1945-03-03', true) };
    const c = { head: nid('1973-03-03') };
    const lines = [
      ['城西村建档立卡户花名册', '', '', '', '', '', '', '', '', ''],
      ['序号', '行政村', '户主姓名', '姓名', '证件号码', '与户主关系', '出生日期', '民族', '健康状况', '工资性收入'],
      ['1', '城西村', '蓝一', '蓝一', `'${a.head}`, '户主', '1965.05.05', '瑶族', '健康', '１２０００'],
      ['', '', '', `黄一${space}`, `${a.wife}${space}`, '妻', '1967/7/7', '瑶', '长期慢性病', ''],
      ['', '', '', '蓝小一', fullWidth(a.son), '之子', '１９９４年４月４日', '瑶', '健康', ''],
      ['', '', '', '', '', '', '', '', '', ''],
      ['2', '城西村', '周二', '周二', b.head, '户主', '25934', '汉族', '健康', sep === ',' ? '"8,000"' : '8,000'],
      ['', '', '', '周母', b.mother, '之母', '1945-3-3', '汉', '大病', ''],
      // the head's ID as Excel writes a number cell into a CSV
      ['3', '城西村', '何三', '何三', '4.51226E+17', '户主', '', '壮族', '健康', ''],
    ];
    return { a, b, c, text: lines.map((l) => l.join(sep)).join('\r\n') + '\r\n' };
  }

  // GBK has no non-breaking space: its files carry the full-width (ideographic) one instead
  for (const [label, sep, space, encode, name] of [
    ['GBK with CRLF', ',', '\u3000', (s: string) => encodeGb18030(s), 'gbk.csv'],
    ['UTF-8 with a BOM', ',', NBSP, (s: string) => Buffer.from(`\uFEFF${s}`, 'utf8'), 'bom.csv'],
    ['tab-separated GBK (“文本文件（制表符分隔）”)', '\t', '\u3000', (s: string) => encodeGb18030(s), 'tabs.txt'],
  ] as const) {
    it(`imports a roster saved as ${label}: households by their 户主 rows, the bad one refused, the same file again unchanged`, async () => {
      const f = roster(sep, space);
      const bytes = encode(f.text);
      const r = await upload(w.stationA, name, bytes, 'text/csv');
      const reasons = r.body.errorSample.map((s: any) => `${s.rowNo}: ${s.reason}`).join('\n');
      expect(r.body, reasons).toMatchObject({ status: 'done', format: 'csv', created: 2, failedHouseholds: 1, failedRows: 1 });
      expect(reasons).toMatch(/^9: 身份证号：身份证号码“4\.51226E\+17”已被 Excel 转成科学计数法/m);
      const a = await householdOf(f.a.head);
      expect(a).toMatchObject({ headName: '蓝一', memberCount: 3, incomeWagesFen: 1_200_000 });
      expect(a.members.map((m: any) => [m.name, m.relation, m.birthDate, m.ethnicity]).sort()).toEqual(
        [
          ['蓝一', 'head', '1965-05-05', 'yao'],
          ['黄一', 'spouse', '1967-07-07', 'yao'],
          ['蓝小一', 'son', '1994-04-04', 'yao'],
        ].sort(),
      );
      const b = await householdOf(f.b.head);
      expect(b).toMatchObject({ memberCount: 2, incomeWagesFen: 800_000 });
      expect(b.members.find((m: any) => m.name === '周母')).toMatchObject({ relation: 'mother', birthDate: '1945-03-03', health: 'serious' });
      expect(await personCount([f.c.head])).toBe(0);
      const before = await snapshot();
      const again = await upload(w.stationA, name, bytes, 'text/csv');
      expect(again.body).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 2, failedHouseholds: 1 });
      expect(await snapshot()).toEqual(before);
    });
  }

  // Excel's “Unicode 文本 (*.txt)” is UTF-16LE with a BOM and was decoded as GB18030; a
  // tab-separated file whose first line is a title without tabs was split at commas. Both ended in
  // “没有找到可识别的表头” (read.ts detectEncoding, csvFeeder).
  it('reads Excel’s “Unicode 文本” (UTF-16LE with a BOM, tab-separated)', async () => {
    const a = nid('1954-04-04');
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(['行政村\t姓名\t身份证号码\t与户主关系', `城西村\t严一\t${a}\t户主`].join('\r\n'), 'utf16le')]);
    const r = await upload(w.stationA, 'unicode.txt', u16, 'text/csv');
    expect(r.body).toMatchObject({ status: 'done', created: 1 });
    expect((await householdOf(a)).members[0].name).toBe('严一');
  });
  it('reads a tab-separated file whose title line above the header has no tabs', async () => {
    const b = nid('1953-03-03');
    const r = await upload(w.stationA, 'title.txt', encodeGb18030(['城西村花名册', '行政村\t姓名\t身份证号码\t与户主关系', `城西村\t严二\t${b}\t户主`].join('\r\n')), 'text/csv');
    expect(r.body).toMatchObject({ status: 'done', created: 1 });
    expect((await householdOf(b)).members[0].name).toBe('严二');
  });

  it('joins members to their household by a 户主身份证号 cell filled only on the head row (as a merged cell saves)', async () => {
    const a = { head: nid('1966-01-01'), wife: nid('1968-01-01', true) };
    const b = { head: nid('1967-02-02'), son: nid('1995-02-02') };
    const csv = [
      '行政村,户主身份证号,姓名,身份证号码,与户主关系',
      `城西村,${a.head},韦甲,${a.head},户主`,
      `,,韦甲妻,${a.wife},配偶`,
      `城西村,${b.head},韦乙,${b.head},户主`,
      `,,韦乙子,${b.son},儿子`,
    ].join('\r\n');
    const r = await upload(w.stationA, 'merged-key.csv', csv, 'text/csv');
    expect(r.body.errorSample).toEqual([]);
    expect(r.body).toMatchObject({ status: 'done', created: 2 });
    expect((await householdOf(a.head)).members.map((m: any) => m.name).sort()).toEqual(['韦甲', '韦甲妻'].sort());
    expect((await householdOf(b.head)).members.map((m: any) => m.name).sort()).toEqual(['韦乙', '韦乙子'].sort());
  });

  it('gathers a household listed in two separated blocks by its 户主身份证号', async () => {
    const a = { head: nid('1963-03-03'), wife: nid('1964-04-04', true), son: nid('1990-09-09') };
    const b = { head: nid('1969-06-06') };
    const csv = [
      '行政村,户主身份证号,姓名,身份证号码,与户主关系',
      `城西村,${a.head},卢甲,${a.head},户主`,
      `城西村,${a.head},卢甲妻,${a.wife},配偶`,
      `城西村,${b.head},卢乙,${b.head},户主`,
      `城西村,${a.head},卢甲子,${a.son},之子`,
    ].join('\n');
    const r = await upload(w.stationA, 'two-blocks.csv', csv, 'text/csv');
    expect(r.body.errorSample).toEqual([]);
    expect(r.body).toMatchObject({ status: 'done', created: 2, totalHouseholds: 2 });
    expect((await householdOf(a.head)).memberCount).toBe(3);
    expect((await householdOf(b.head)).memberCount).toBe(1);
  });

  // Without a key column each 户主 row starts a household and the rows below are its members; a
  // member listed later, under another household, was silently written into that household
  // although the 户主姓名 column names the right head (parse.ts groupOfHead).
  it('gathers a household listed in two blocks without a key column by its 户主姓名, not into the household above', async () => {
    const [a, aw, as, b, bd] = [nid('1960-02-01'), nid('1962-02-01', true), nid('1990-02-01'), nid('1961-02-01'), nid('1991-02-02', true)];
    const csv = ['行政村,户主姓名,姓名,身份证号码,与户主关系', `城西村,莫甲,莫甲,${a},户主`, `城西村,莫甲,莫甲妻,${aw},妻`, `城西村,莫乙,莫乙,${b},户主`, `城西村,莫甲,莫甲子,${as},之子`, `城西村,莫乙,莫乙女,${bd},之女`];
    const r = await upload(w.stationA, 'two-blocks-no-key.csv', csv.join('\r\n'), 'text/csv');
    expect(r.body).toMatchObject({ status: 'done', created: 2, failedRows: 0 });
    expect((await householdOf(a)).members.map((m: any) => m.name).sort()).toEqual(['莫甲', '莫甲妻', '莫甲子'].sort());
    expect((await householdOf(b)).members.map((m: any) => m.name).sort()).toEqual(['莫乙', '莫乙女'].sort());
  });

  it('refuses a household whose head row is missing from the members sheet, and only that household', async () => {
    const a = { head: nid('1959-05-05'), wife: nid('1961-06-06', true) };
    const b = { head: nid('1960-07-07') };
    const wb = new ExcelJS.Workbook();
    const hs = wb.addWorksheet('户信息');
    hs.addRow(['户主姓名', '户主身份证号', '行政村', '家庭住址', '主要致贫原因']);
    hs.addRow(['钟甲', a.head, '城西村', '城西村二组', '因病']);
    hs.addRow(['钟乙', b.head, '城西村', '城西村三组', '因学']);
    const ms = wb.addWorksheet('成员信息');
    ms.addRow(['户主身份证号', '姓名', '身份证号', '与户主关系']);
    ms.addRow([a.head, '钟甲妻', a.wife, '妻子']);
    ms.addRow([b.head, '钟乙', b.head, '户主']);
    const r = await upload(w.stationA, 'no-head.xlsx', await book(wb));
    expect(r.body).toMatchObject({ status: 'done', created: 1, failedHouseholds: 1, failedRows: 2 });
    expect(r.body.errorSample.map((s: any) => s.reason).join('\n')).toMatch(/与户主关系：该户成员中没有户主/);
    expect(await personCount([a.wife])).toBe(0);
    expect((await householdOf(b.head)).memberCount).toBe(1);
  });

  it('knows every one of the 56 民族 of GB/T 3304: the 毛南族 and 仫佬族 of 环江毛南族自治县 go in', async () => {
    const [a, aw, as] = [nid('1958-03-01'), nid('1960-03-01', true), nid('1988-03-01')];
    const csv = ['行政村,户主身份证号,姓名,身份证号,与户主关系,民族', `城西村,${a},谭甲,${a},户主,毛南族`, `城西村,${a},谭甲妻,${aw},妻,仫佬`, `城西村,${a},谭甲子,${as},之子,京族`];
    const r = await upload(w.stationA, 'maonan.csv', csv.join('\n'), 'text/csv');
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 1, failedRows: 0 });
    const got = await t.db.selectFrom('person').select(['name', 'ethnicity']).where('id_number', 'in', [a, aw, as]).orderBy('name').execute();
    expect(got).toEqual([
      { name: '谭甲', ethnicity: 'maonan' },
      { name: '谭甲妻', ethnicity: 'mulao' },
      { name: '谭甲子', ethnicity: 'gin' },
    ]);
    const dict = await t.db.selectFrom('dict_item').select('label').where('type_code', '=', 'ethnicity').where('code', '!=', 'other').execute();
    expect(dict).toHaveLength(56);
  });

  it('reads 出生年月 given as year and month (1966.06, 1968年8月, a date cell of the 1st) against the ID, and refuses one that disagrees', async () => {
    const [a, aw, as, b] = [nid('1966-06-06'), nid('1968-08-18', true), nid('1990-03-05'), nid('1970-07-07')];
    const csv = [
      '行政村,户主身份证号,姓名,身份证号,与户主关系,出生年月,开户账号',
      `城西村,${a},韦年,${a},户主,1966.06,'6228480012345678`,
      `城西村,${a},韦年妻,${aw},妻,1968年8月,`,
      `城西村,${a},韦年子,${as},之子,1990-03-01,`,
      `城西村,${b},韦错,${b},户主,1970.08,`,
    ];
    const r = await upload(w.stationA, '出生年月.csv', csv.join('\n'), 'text/csv');
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 1, failedHouseholds: 1, failedRows: 1 });
    expect(r.body.errorSample[0].reason).toBe('出生日期：出生年月 1970-08 与身份证号码不符：身份证号码表明为 1970-07');
    const got = await t.db.selectFrom('person').select(['name', 'birth_date']).where('id_number', 'in', [a, aw, as]).orderBy('name').execute();
    expect(got).toEqual([
      { name: '韦年', birth_date: '1966-06-06' },
      { name: '韦年妻', birth_date: '1968-08-18' },
      { name: '韦年子', birth_date: '1990-03-05' },
    ]);
    const hh = await householdOf(a);
    expect(await t.db.selectFrom('household').select('bank_account').where('id', '=', hh.id).executeTakeFirstOrThrow()).toEqual({ bank_account: '6228480012345678' });
  });

  it('knows the register’s other relations: a son-in-law heading his wife’s parents’ household, a 外孙子, a 外婆', async () => {
    const [a, aw, am, af, ag, agm] = [nid('1975-05-01'), nid('1977-05-01', true), nid('1950-05-01', true), nid('1948-05-01'), nid('2008-05-01'), nid('1930-05-01', true)];
    const csv = [
      '行政村,户主身份证号,姓名,身份证号,与户主关系',
      `城西村,${a},龙甲,${a},户主`,
      `城西村,${a},龙甲妻,${aw},妻`,
      `城西村,${a},岳母甲,${am},岳母`,
      `城西村,${a},岳父甲,${af},之岳父`,
      `城西村,${a},外孙甲,${ag},外孙`,
      `城西村,${a},外婆甲,${agm},外婆`,
    ];
    const r = await upload(w.stationA, '关系.csv', csv.join('\n'), 'text/csv');
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 1, failedRows: 0 });
    const got = await t.db.selectFrom('person').select(['name', 'relation']).where('id_number', 'in', [am, af, ag, agm]).orderBy('name').execute();
    expect(Object.fromEntries(got.map((p) => [p.name, p.relation]))).toEqual({
      岳母甲: 'wife_mother',
      岳父甲: 'wife_father',
      外孙甲: 'grandson_by_daughter',
      外婆甲: 'maternal_grandmother',
    });
  });

  it('reads a member roster exported from the national register (乡(镇), 人数, 脱贫属性, 在校生状况 by grade, 务工状况 with 乡（镇）)', async () => {
    const [a, aw, as, ad, b] = [nid('1972-03-03'), nid('1974-04-04', true), nid('2012-05-05'), nid('2016-06-06', true), nid('1949-09-09')];
    const header = '序号,市,县,乡(镇),行政村,自然村,户编号,人编号,姓名,性别,证件号码,人数,与户主关系,民族,政治面貌,文化程度,在校生状况,健康状况,劳动技能,务工状况,务工时间(月),是否现役军人,是否参加大病保险,贫困户属性,主要致贫原因,脱贫属性,联系电话,开户银行名称,银行卡号';
    const row = (n: number, no: string, name: string, sex: string, id: string, size: number | '', rel: string, school: string, work: string, months: string, status: string) =>
      [n, '河池市', '环江毛南族自治县', '思恩镇', '城西村', '第一组', no, `${no}0${n}`, name, sex, id, size, rel, '毛南族', '群众', '小学', school, '健康', '普通劳动力', work, months, '否', '是', '一般贫困户', '缺技术', status, '', '环江农村信用社', ''].join(',');
    const csv = [
      header,
      row(1, '4512260010010001', '谭国', '男', a, 4, '户主', '非在校生', '乡（镇）外县内务工', '8', '已脱贫（享受政策）'),
      row(2, '4512260010010001', '谭妻', '女', aw, 4, '配偶', '非在校生', '省外务工', '10', '已脱贫（享受政策）'),
      row(3, '4512260010010001', '谭子', '男', as, 4, '之子', '八年级', '未务工', '', '已脱贫（享受政策）'),
      row(4, '4512260010010001', '谭女', '女', ad, 4, '之女', '小学三年级', '', '', '已脱贫（享受政策）'),
      row(5, '4512260010010002', '覃老', '男', b, 1, '户主', '非在校生', '', '', '未脱贫'),
    ];
    const r = await upload(w.stationA, '国办系统导出.csv', csv.join('\r\n'), 'text/csv');
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 2, failedRows: 0 });
    const h = await householdOf(a);
    expect(h).toMatchObject({ status: 'exited', villageName: '城西村', groupName: '第一组', bankName: '环江农村信用社' });
    const got = await t.db.selectFrom('person').select(['name', 'schooling', 'work_status', 'work_months', 'medical_insurance']).where('id_number', 'in', [a, aw, as, ad]).orderBy('name').execute();
    expect(Object.fromEntries(got.map((p) => [p.name, [p.schooling, p.work_status, p.work_months, p.medical_insurance]]))).toEqual({
      谭国: ['not_in_school', 'county', 8, true],
      谭妻: ['not_in_school', 'outside', 10, true],
      谭子: ['junior', 'none', null, true],
      谭女: ['primary', null, null, true],
    });
    expect((await householdOf(b)).status).toBe('identified');
  });

  it('reads IDs and accounts a web system exported as ="…" so that Excel keeps them as text, quoted or not', async () => {
    const [a, aw] = [nid('1977-07-17'), nid('1979-09-19', true)];
    const csv = [
      '行政村,户主身份证号,姓名,身份证号,与户主关系,银行账号',
      `城西村,="${a}",莫甲,="${a}",户主,="6228480012345679"`,
      `城西村,"=""${a}""",莫甲妻,"=""${aw}""",妻,`,
    ];
    const r = await upload(w.stationA, '系统导出.csv', csv.join('\r\n'), 'text/csv');
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 1, failedRows: 0 });
    expect(await personCount([a, aw])).toBe(2);
    const hh = await householdOf(a);
    expect(await t.db.selectFrom('household').select('bank_account').where('id', '=', hh.id).executeTakeFirstOrThrow()).toEqual({ bank_account: '6228480012345679' });
  });

  it('checks 家庭人口 against the member rows: a household whose rows fall short of it is refused whole, naming both counts', async () => {
    const [a, aw, as, b, bw, c] = [nid('1961-02-02'), nid('1963-02-02', true), nid('1986-02-02'), nid('1962-04-04'), nid('1964-04-04', true), nid('1969-09-09')];
    const csv = [
      '行政村,户主身份证号,家庭人口,姓名,身份证号,与户主关系',
      `城西村,${a},3人,石甲,${a},户主`,
      `城西村,${a},,石甲妻,${aw},妻`,
      `城西村,${a},,石甲子,${as},之子`,
      // the son's row was cut off when the sheet was filtered
      `城西村,${b},3,石乙,${b},户主`,
      `城西村,${b},3,石乙妻,${bw},妻`,
      `城西村,${c},三口,石丙,${c},户主`,
    ];
    const r = await upload(w.stationA, '家庭人口.csv', csv.join('\n'), 'text/csv');
    expect(r.body, JSON.stringify(r.body.errorSample)).toMatchObject({ status: 'done', created: 1, failedHouseholds: 2, failedRows: 3 });
    const reasons = r.body.errorSample.map((e: { rowNo: number; reason: string }) => `${e.rowNo}: ${e.reason}`);
    expect(reasons).toEqual([
      '5: 家庭人口：填写 3 人，表中该户成员 2 人；请补齐成员或改正家庭人口',
      '7: 家庭人口：“三口”应为 1–99 的整数',
    ]);
    expect(await personCount([a, aw, as])).toBe(3);
    expect(await personCount([b, bw, c])).toBe(0);
  });
});
