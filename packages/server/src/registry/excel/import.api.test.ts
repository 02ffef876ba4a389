import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '@fupin/shared';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { encodeGb18030, householdBody, member, ok, REGION, seedRegistryWorld, uploadImport, type RegistryWorld } from '../test-fixtures';

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
const nid = (birth = '1970-01-01', female = false) => makeIdNumber('451226', birth, (++seq % 499) * 2 + (female ? 0 : 1));
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

const upload = (c: Client, name: string, body: Buffer | string, type?: string) => uploadImport(t, c, name, body, type);
async function download(c: Client, path: string) {
  const r = await fetch(`${t.base}${path}`, { headers: { cookie: c.cookie } });
  return { status: r.status, headers: r.headers, buffer: Buffer.from(await r.arrayBuffer()) };
}
async function readBook(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  return wb;
}
const rowsOf = (ws: ExcelJS.Worksheet) => (ws.getSheetValues().filter(Boolean) as unknown[][]).map((r) => r.slice(1));

/** A two-sheet workbook in the template's layout. */
async function templateBook(households: Record<string, unknown>[], members: Record<string, unknown>[]) {
  const tpl = await readBook((await download(w.clerkA, '/api/registry/import/template.xlsx')).buffer);
  const hHeaders = (tpl.getWorksheet('户信息')!.getRow(1).values as string[]).slice(1);
  const mHeaders = (tpl.getWorksheet('成员信息')!.getRow(1).values as string[]).slice(1);
  const wb = new ExcelJS.Workbook();
  const hs = wb.addWorksheet('户信息');
  hs.addRow(hHeaders);
  for (const h of households) hs.addRow(hHeaders.map((k) => h[k.replace(/^\*/, '')] ?? null));
  const ms = wb.addWorksheet('成员信息');
  ms.addRow(mHeaders);
  for (const m of members) ms.addRow(mHeaders.map((k) => m[k.replace(/^\*/, '')] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function family(village: string = REGION.villageA) {
  const head = nid('1972-03-04');
  const wife = nid('1974-05-06', true);
  const son = nid('2008-07-08');
  return {
    head,
    household: {
      户主姓名: '黄大山',
      户主身份证号: head,
      区划代码: village,
      家庭住址: '第一组 8 号',
      联系电话: '13977812345',
      贫困户属性: '一般贫困户',
      识别年度: 2016,
      主要致贫原因: '因病',
      次要致贫原因: '缺资金、缺技术',
      住房安全等级: 'B级（基本安全）',
      饮水安全: '是',
      收入年度: 2025,
      工资性收入: 24000,
      生产经营性净收入: '3,000.50',
      转移性收入: 1200,
      财产性收入: 0,
    },
    members: [
      { 户主身份证号: head, 姓名: '黄大山', 身份证号: head, 与户主关系: '户主', 民族: '壮族', 文化程度: '初中', 在校生状况: '非在校生', 健康状况: '健康', 劳动技能: '普通劳动力', 务工状况: '县内乡外务工', 务工月数: 9 },
      { 户主身份证号: head, 姓名: '韦小红', 身份证号: wife, 性别: '女', 出生日期: '1974.05.06', 与户主关系: '妻子', 民族: '壮族', 文化程度: '小学', 在校生状况: '非在校生', 健康状况: '长期慢性病', 劳动技能: '普通劳动力', 务工状况: '未务工' },
      { 户主身份证号: head, 姓名: '黄小山', 身份证号: son, 出生日期: '2008/7/8', 与户主关系: '儿子', 民族: '壮族', 文化程度: '初中', 在校生状况: '普通高中', 健康状况: '健康', 劳动技能: '普通劳动力', 务工状况: '未务工' },
    ],
  };
}

describe('template', () => {
  it('has Chinese headers on a households and a members sheet, dictionary values, and text-formatted ID columns', async () => {
    const r = await download(w.clerkA, '/api/registry/import/template.xlsx');
    expect(r.status).toBe(200);
    expect(decodeURIComponent(r.headers.get('content-disposition')!)).toMatch(/农户档案导入模板\.xlsx/);
    const wb = await readBook(r.buffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['填写说明', '户信息', '成员信息', '字典取值']);
    const m = wb.getWorksheet('成员信息')!;
    const headers = (m.getRow(1).values as string[]).slice(1);
    expect(headers).toEqual(expect.arrayContaining(['*姓名', '*身份证号', '*与户主关系', '民族', '健康状况', '劳动技能']));
    expect(m.getColumn(headers.indexOf('*身份证号') + 1).numFmt).toBe('@');
    const dict = rowsOf(wb.getWorksheet('字典取值')!);
    expect(dict[0]).toEqual(expect.arrayContaining(['贫困户属性', '致贫原因', '与户主关系', '健康状况']));
    expect(dict.map((row) => row[2])).toEqual(expect.arrayContaining(['因病', '交通条件落后']));
  });
});

describe('importing the template', () => {
  it('imports whole households, then changes nothing when the same file comes again, and updates what changed', async () => {
    const a = family();
    const b = family();
    b.household.户主姓名 = '蒙二';
    b.members[0].姓名 = '蒙二';
    const file = await templateBook([a.household, b.household], [...a.members, ...b.members]);
    const first = await upload(w.stationA, '城西村.xlsx', file);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'done', created: 2, updated: 0, unchanged: 0, failedHouseholds: 0, totalRows: 8, totalHouseholds: 2, hasErrorFile: false });
    const list = await ok(w.stationA.get(`/api/registry/households?idNumber=${a.head}`));
    expect(list.items).toHaveLength(1);
    const h = await ok(w.stationA.get(`/api/registry/households/${list.items[0].id}`));
    expect(h).toMatchObject({ status: 'identified', memberCount: 3, mainCause: 'illness', secondaryCauses: ['no_capital', 'no_skill'], housingSafety: 'B', incomeBusinessFen: 300_050 });
    expect(h.netIncomePerCapitaFen).toBe(Math.round((2_400_000 + 300_050 + 120_000) / 3));
    expect(h.members.find((m: any) => m.name === '黄小山')).toMatchObject({ relation: 'son', birthDate: '2008-07-08', schooling: 'senior' });
    const events = await t.db.selectFrom('household_event').select('kind').where('household_id', '=', h.id).execute();
    expect(events.map((e) => e.kind)).toEqual(['import']);

    const audit = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await audit();
    const again = await upload(w.stationA, '城西村.xlsx', file);
    expect(again.body).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 2, failedHouseholds: 0 });
    expect(await audit()).toBe(before);
    expect((await ok(w.stationA.get(`/api/registry/households/${h.id}`))).version).toBe(h.version);

    a.household.联系电话 = '13977800000';
    const changed = await upload(w.stationA, '城西村-改.xlsx', await templateBook([a.household, b.household], [...a.members, ...b.members]));
    expect(changed.body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect((await ok(w.admin.post(`/api/registry/households/${h.id}/reveal`))).phone).toBe('13977800000');
  });

  it('writes the data-quality verdict with the households, the same as the rules give when run again over them', async () => {
    const a = family();
    const head = a.members[0];
    // a household with problems the rules flag: missing fields, a retired-age pupil, a toddler at work
    delete (a.household as Record<string, unknown>).住房安全等级;
    delete (a.household as Record<string, unknown>).家庭住址;
    const grandpa = nid('1950-02-03');
    const baby = nid('2024-01-05');
    a.members.push(
      { ...head, 姓名: '黄老汉', 身份证号: grandpa, 与户主关系: '之父', 在校生状况: '小学', 务工状况: '未务工' } as (typeof a.members)[number],
      { ...head, 姓名: '黄小宝', 身份证号: baby, 与户主关系: '之孙子', 文化程度: '学龄前', 在校生状况: '学前教育', 劳动技能: '无劳动力', 务工状况: '县内乡外务工' } as (typeof a.members)[number],
    );
    delete (a.members[1] as Record<string, unknown>).民族;
    const clean = family();
    const r = await upload(w.stationA, '质量.xlsx', await templateBook([a.household, clean.household], [...a.members, ...clean.members]));
    expect(r.body).toMatchObject({ status: 'done', created: 2, failedHouseholds: 0 });
    const hh = await t.db.selectFrom('person').select(['county_code', 'household_id']).where('id_number', 'in', [a.head, clean.head]).where('relation', '=', 'head').execute();
    const snapshot = async () => {
      const issues = await t.db
        .selectFrom('registry_quality_issue')
        .select(['household_id', 'person_id', 'rule', 'severity', 'message', 'area_code', 'village_code', 'township_code'])
        .where('household_id', 'in', hh.map((x) => x.household_id))
        .orderBy('household_id')
        .orderBy('rule')
        .orderBy('person_id')
        .orderBy('message')
        .execute();
      const counts = await t.db.selectFrom('household').select(['id', 'quality_issue_count']).where('id', 'in', hh.map((x) => x.household_id)).orderBy('id').execute();
      return { issues, counts };
    };
    const written = await snapshot();
    const rules = new Set(written.issues.map((i) => i.rule));
    expect([...rules]).toEqual(expect.arrayContaining(['missing_required', 'age_labour', 'age_schooling']));
    expect(written.counts.map((c) => c.quality_issue_count).sort((x, y) => x - y)[1]).toBeGreaterThan(0);
    const { recheckHouseholds } = await import('../quality/check');
    await recheckHouseholds(t.db, hh[0].county_code, hh.map((x) => x.household_id), new Date().toISOString().slice(0, 10));
    expect(await snapshot()).toEqual(written);
  });

  it('never writes part of a household: one bad member keeps the whole household out, with the reasons in the error workbook', async () => {
    const a = family();
    const good = family();
    a.members[2].身份证号 = a.members[2].身份证号.slice(0, 17) + (a.members[2].身份证号.endsWith('0') ? '1' : '0');
    const r = await upload(w.stationA, 'bad.xlsx', await templateBook([a.household, good.household], [...a.members, ...good.members]));
    expect(r.body).toMatchObject({ status: 'done', created: 1, failedHouseholds: 1, failedRows: 4, hasErrorFile: true });
    expect(r.body.errorSample[0]).toMatchObject({ sheet: '成员信息', rowNo: 4 });
    expect(r.body.errorSample[0].reason).toMatch(/身份证号：身份证号码校验位错误/);
    const count = await t.db.selectFrom('person').select('id').where('id_number', 'in', [a.members[0].身份证号, a.members[1].身份证号]).execute();
    expect(count).toEqual([]);
    const e = await download(w.stationA, `/api/registry/imports/${r.body.id}/errors.xlsx`);
    expect(e.status).toBe(200);
    const wb = await readBook(e.buffer);
    const hs = rowsOf(wb.getWorksheet('户信息')!);
    expect(hs[0][hs[0].length - 1]).toBe('错误原因');
    expect(hs).toHaveLength(2);
    expect(String(hs[1][hs[1].length - 1])).toMatch(/第 2 行：同户其他行有错误，整户未导入/);
    const ms = rowsOf(wb.getWorksheet('成员信息')!);
    expect(ms).toHaveLength(4);
    expect(String(ms[3].at(-1))).toMatch(/第 4 行：身份证号：身份证号码校验位错误/);
    // the ID goes back as text, intact
    expect(ms[3][3]).toBe(a.members[2].身份证号);
  });

  it('refuses an ID mangled by Excel into 3.41E+17, and dates and dictionary values it cannot read', async () => {
    const a = family();
    const num = family();
    (num.members[1] as Record<string, unknown>).身份证号 = Number(num.members[1].身份证号);
    const odd = family();
    odd.members[2].出生日期 = '08/07/2008';
    odd.members[1].健康状况 = '还行';
    const r = await upload(w.stationA, 'mangled.xlsx', await templateBook([a.household, num.household, odd.household], [...a.members, ...num.members, ...odd.members]));
    expect(r.body).toMatchObject({ created: 1, failedHouseholds: 2 });
    const reasons = r.body.errorSample.map((s: any) => s.reason).join('\n');
    expect(reasons).toMatch(/被 Excel 保存为数字（\d\.\d\dE\+17），末尾数字已丢失/);
    expect(reasons).toMatch(/无法识别的日期“08\/07\/2008”/);
    expect(reasons).toMatch(/健康状况：“还行”不是有效的取值，可填：健康、长期慢性病、患有大病、残疾/);
  });

  it('refuses one person listed in two households of the file, and a person already registered elsewhere', async () => {
    const a = family();
    const b = family();
    b.members[2].身份证号 = a.members[2].身份证号;
    const inB = await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB, members: [member({ idNumber: nid('1990-01-01') })] })));
    const c = family();
    const elsewhere = await ok(w.admin.post(`/api/registry/persons/${inB.members[0].id}/reveal`));
    c.members[1].身份证号 = elsewhere.idNumber;
    c.members[1].性别 = '男';
    c.members[1].出生日期 = '';
    const r = await upload(w.stationA, 'dups.xlsx', await templateBook([a.household, b.household, c.household], [...a.members, ...b.members, ...c.members]));
    expect(r.body).toMatchObject({ created: 0, failedHouseholds: 3 });
    const reasons = r.body.errorSample.map((s: any) => s.reason).join('\n');
    expect(reasons).toMatch(/同一身份证号码在文件中出现在不同的户里/);
    expect(reasons).toMatch(/已在永安村的另一户中在册/);
  });

  it('refuses only the household whose resident ID is claimed between matching and writing, and writes the rest of the batch', async () => {
    const a = family();
    const b = family();
    // A claim the match does not see (it joins the ID index to a person) but the write collides
    // with — as a save committed between the two would.
    await t.db.insertInto('person_id_index').values({ id_number: b.members[1].身份证号, county_code: '451226', person_id: 999_999_999 }).execute();
    const r = await upload(w.stationA, 'race.xlsx', await templateBook([a.household, b.household], [...a.members, ...b.members]));
    expect(r.body).toMatchObject({ status: 'done', created: 1, failedHouseholds: 1, failedRows: 4 });
    expect(r.body.errorSample.map((s: any) => s.reason)).toEqual([expect.stringMatching(/^身份证号码 \d{4}\*+\d{3}[\dX] 已在另一户中在册$/)]);
    expect(await t.db.selectFrom('person').select('id').where('id_number', 'in', b.members.map((m) => m.身份证号)).execute()).toEqual([]);
    expect(await t.db.selectFrom('person').select('id').where('id_number', 'in', a.members.map((m) => m.身份证号)).execute()).toHaveLength(3);
  });

  it('never gives one household number twice: a number in the file that an earlier batch of the same file has just given out is refused', async () => {
    // 1,002 one-person households of 城西村 in key order: the first batch (1,000) is numbered by
    // the village's sequence; the last household asks in the file for the first number that
    // sequence gives out, and is matched while the first batch is still being written.
    const ids = Array.from({ length: 1002 }, (_, i) => makeIdNumber('451226', new Date(Date.UTC(1940, 0, 1 + i)).toISOString().slice(0, 10), 21)).sort();
    const max = await t.db.selectFrom('household').select((eb) => eb.fn.max('household_no').as('no')).where('village_code', '=', REGION.villageA).where(sql`length(household_no)`, '=', 16).executeTakeFirst();
    const first = `${REGION.villageA}${String(max?.no ? Number(max.no.slice(12)) + 1 : 1).padStart(4, '0')}`;
    const lines = ['区划代码,户主身份证号,户编号,姓名,身份证号,与户主关系'];
    ids.forEach((id, i) => lines.push(`${REGION.villageA},${id},${i === ids.length - 1 ? first : ''},测试${i},${id},户主`));
    const r = await upload(w.stationA, 'numbers.csv', lines.join('\n'), 'text/csv');
    expect(r.body).toMatchObject({ status: 'done', created: 1001, failedHouseholds: 1 });
    expect(r.body.errorSample).toEqual([expect.objectContaining({ reason: expect.stringMatching(new RegExp(`^户编号 ${first} 已被(另一户)?使用$`)) })]);
    const holders = await t.db.selectFrom('household').select('head_name').where('household_no', '=', first).execute();
    expect(holders).toEqual([{ head_name: '测试0' }]);
  });

  it('keeps an importer to their own jurisdiction: the township-A station cannot import into village B', async () => {
    const a = family(REGION.villageB);
    const r = await upload(w.stationA, 'other-village.xlsx', await templateBook([a.household], a.members));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.failedHouseholds, JSON.stringify(r.body)).toBe(1);
    expect(r.body.errorSample[0].reason).toMatch(/区划代码 451226102201 不存在、不是村或组，或不在您的管辖范围内/);
    // and a clerk without the import permission cannot import at all
    expect((await upload(w.clerkA, 'x.xlsx', await templateBook([], []))).status).toBe(403);
  });
});

describe('messy field files', () => {
  it('reads a single-sheet roster with title rows, a two-row merged header, full-width digits, names instead of codes and several date styles', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['环江县思恩镇城西村建档立卡贫困户花名册']);
    ws.mergeCells('A1:L1');
    ws.addRow(['填报单位：城西村委会', null, null, null, null, null, null, null, '填报日期：2026年1月']);
    ws.addRow(['序号', '乡镇', '行政村', '姓名', '与户主关系', '身份证号码', '出生日期', '健康状况', '劳动技能', '收入情况（元）', null, '家庭住址']);
    ws.addRow([null, null, null, null, null, null, null, null, null, '工资性收入', '转移性收入', null]);
    for (const c of ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'L']) ws.mergeCells(`${c}3:${c}4`);
    ws.mergeCells('J3:K3');
    const h1 = nid('1966-06-06');
    const w1 = nid('1968-08-08', true);
    const h2 = nid('1959-09-09');
    const k2 = nid('1995-05-05', true);
    ws.addRow([1, '思恩镇', '城西村', '罗一', '户主', fullWidth(h1), '1966.06.06', '健康', '普通劳动力', '１８０００', 600, '城西村三组']);
    ws.addRow([2, null, null, '覃一', '配偶', ` ${h1.slice(0, 0)}${w1} `, new Date(Date.UTC(1968, 7, 8)), '长期慢性病', '普通劳动力', null, null, null]);
    ws.addRow([3, '思恩镇', '城西村', '罗二', '户主', h2, 21802, '患有大病', '丧失劳动力', 0, 2400, '城西村五组'] /* 21802 = 1959-09-09 as an Excel serial */);
    ws.addRow([4, null, null, '罗女', '之女', k2, '1995/5/5', '健康', '技能劳动力', null, null, null]);
    const r = await upload(w.stationA, '花名册.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(r.body.errorSample).toEqual([]);
    expect(r.body).toMatchObject({ status: 'done', created: 2, failedHouseholds: 0, totalRows: 4 });
    const one = (await ok(w.stationA.get(`/api/registry/households?idNumber=${h1}`))).items[0];
    expect(one).toMatchObject({ headName: '罗一', memberCount: 2, incomeWagesFen: 1_800_000, incomeTransferFen: 60_000, address: '城西村三组', villageName: '城西村' });
    const two = await ok(w.stationA.get(`/api/registry/households/${(await ok(w.stationA.get(`/api/registry/households?idNumber=${h2}`))).items[0].id}`));
    expect(two.members.map((m: any) => [m.name, m.relation, m.birthDate])).toEqual([
      ['罗二', 'head', '1959-09-09'],
      ['罗女', 'daughter', '1995-05-05'],
    ]);
  });

  it('imports a GBK-encoded CSV roster, quotes and all, and the same file again changes nothing', async () => {
    const h = nid('1970-10-10');
    const s = nid('2000-01-01');
    const csv = [
      '乡镇,行政村,村民组,户主身份证号,姓名,身份证号,与户主关系,民族,健康状况,劳动技能,工资性收入,家庭住址',
      `思恩镇,城西村,第一组,${h},"蓝,大",${h},户主,瑶族,健康,普通劳动力,"12,000.00","城西村""老屋""1号"`,
      `,,,${h},蓝小,${s},之子,瑶族,健康,普通劳动力,,`,
    ].join('\r\n');
    // what a Chinese Excel writes when saving as CSV: GBK bytes, CRLF line ends
    const bytes = encodeGb18030(csv);
    const r = await upload(w.stationA, '花名册.csv', bytes, 'text/csv');
    expect(r.body.errorSample).toEqual([]);
    expect(r.body).toMatchObject({ format: 'csv', created: 1 });
    const hh = (await ok(w.stationA.get(`/api/registry/households?idNumber=${h}`))).items[0];
    expect(hh).toMatchObject({ headName: '蓝,大', memberCount: 2, groupName: '第一组', incomeWagesFen: 1_200_000, address: '城西村"老屋"1号' });
    const again = await upload(w.stationA, '花名册.csv', bytes, 'text/csv');
    expect(again.body).toMatchObject({ created: 0, unchanged: 1 });
  });

  it('imports a CSV whose households stand together as it reads it, and one whose rows are apart through staging — with the same verdicts', async () => {
    const head = ['区划代码', '户主身份证号', '姓名', '身份证号', '与户主关系'].join(',');
    const row = (h: string, name: string, id: string, rel: string) => [REGION.villageA, h, name, id, rel].join(',');
    // A and B apart (A's wife below B): staged, then gathered by the head's ID
    const [a, aw, b, bs] = [nid('1961-01-01'), nid('1963-02-02', true), nid('1962-03-03'), nid('1990-04-04')];
    const apart = await upload(w.stationA, 'apart.csv', [head, row(a, '甲', a, '户主'), row(b, '乙', b, '户主'), row(a, '甲妻', aw, '配偶'), row(b, '乙子', bs, '之子')].join('\n'), 'text/csv');
    expect(apart.body, JSON.stringify(apart.body.errorSample)).toMatchObject({ status: 'done', created: 2, failedHouseholds: 0, totalHouseholds: 2 });
    expect(apart.body.phaseMs).toHaveProperty('stage.insert');
    for (const [h, n] of [[a, 2], [b, 2]] as const) expect((await ok(w.stationA.get(`/api/registry/households?idNumber=${h}`))).items[0].memberCount).toBe(n);
    // C, D, E together: read twice, nothing staged; D lists C's wife too, so C and D are both refused
    const [c, cw, d, e] = [nid('1964-05-05'), nid('1966-06-06', true), nid('1965-07-07'), nid('1967-08-08')];
    const lines = [head, row(c, '丙', c, '户主'), row(c, '丙妻', cw, '配偶'), row(d, '丁', d, '户主'), row(d, '丙妻', cw, '配偶'), row(e, '戊', e, '户主')];
    const together = await upload(w.stationA, 'together.csv', lines.join('\n'), 'text/csv');
    expect(together.body).toMatchObject({ status: 'done', created: 1, failedHouseholds: 2, failedRows: 4, totalHouseholds: 3, totalRows: 5 });
    expect(together.body.phaseMs).not.toHaveProperty('stage.insert');
    expect(together.body.errorSample.map((x: any) => x.rowNo)).toEqual(expect.arrayContaining([3, 5]));
    const wb = await readBook((await download(w.stationA, `/api/registry/imports/${together.body.id}/errors.xlsx`)).buffer);
    const rows = rowsOf(wb.worksheets[0]);
    expect(rows.map((r) => r[2])).toEqual(['姓名', '丙', '丙妻', '丁', '丙妻']);
    expect(String(rows[2].at(-1))).toMatch(/^第 3 行：身份证号：同一身份证号码在文件中出现在不同的户里/);
    // the same rows apart give the same verdicts
    const shuffled = await upload(w.stationA, 'together-apart.csv', [lines[0], lines[1], lines[3], lines[5], lines[2], lines[4]].join('\n'), 'text/csv');
    expect(shuffled.body).toMatchObject({ status: 'done', created: 0, unchanged: 1, failedHouseholds: 2, failedRows: 4 });
    expect(shuffled.body.phaseMs).toHaveProperty('stage.insert');
    expect(await t.db.selectFrom('registry_import_row').select('seq').where('import_id', 'in', [apart.body.id, together.body.id, shuffled.body.id]).execute()).toEqual([]);
  });

  it('answers a file that is not what it claims, an empty file, and wrong headers', async () => {
    const fake = await upload(w.stationA, 'fake.xlsx', Buffer.from('这不是 Excel 文件'));
    expect(fake.status).toBe(400);
    expect(fake.body.error).toMatchObject({ code: 'E2040' });
    expect(fake.body.error.message).toMatch(/不是有效的 \.xlsx 文件/);
    const empty = await upload(w.stationA, 'empty.csv', '');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/空的/);
    const xls = await upload(w.stationA, 'old.xls', 'x');
    expect(xls.body.error.message).toMatch(/不支持旧版 \.xls/);
    const wrong = await upload(w.stationA, 'wrong.csv', '名字,号码,备注\n张三,1,2\n', 'text/csv');
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ status: 'failed' });
    expect(wrong.body.message).toMatch(/没有找到可识别的表头/);
    const missing = await upload(w.stationA, 'missing.csv', '姓名,身份证号,民族,健康状况\n张三,1,汉族,健康\n', 'text/csv');
    expect(missing.body.message).toMatch(/缺少必需的列：与户主关系/);
    const zipNotBook = await upload(w.stationA, 'zip.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(zipNotBook.body.status).toBe('failed');
    expect(zipNotBook.body.message).toMatch(/无法读取该 \.xlsx 文件/);
  });

  it('returns 10,000 bad rows in the error workbook and writes nothing', async () => {
    const lines = ['姓名,身份证号,与户主关系,行政村'];
    for (let i = 0; i < 10_000; i++) lines.push(`某${i},3.41122E+17,户主,城西村`);
    const before = await t.db.selectFrom('household').select('id').execute();
    const r = await upload(w.stationA, 'bad10k.csv', lines.join('\n'), 'text/csv');
    expect(r.body).toMatchObject({ status: 'done', totalRows: 10_000, created: 0, failedRows: 10_000, hasErrorFile: true });
    expect((await t.db.selectFrom('household').select('id').execute()).length).toBe(before.length);
    const wb = await readBook((await download(w.stationA, `/api/registry/imports/${r.body.id}/errors.xlsx`)).buffer);
    const rows = rowsOf(wb.worksheets[0]);
    expect(rows).toHaveLength(10_001);
    expect(String(rows[10_000].at(-1))).toMatch(/第 10001 行：.*科学计数法/);
    expect(await t.db.selectFrom('registry_import_row').select('seq').where('import_id', '=', r.body.id).execute()).toEqual([]);
  });

  it('marks an import left running by a killed server as interrupted, and importing the file again completes it', async () => {
    const a = family();
    const b = family();
    await upload(w.stationA, 'half.xlsx', await templateBook([a.household], a.members));
    const me = await t.db.selectFrom('app_user').select('id').where('username', '=', 'station_a').executeTakeFirstOrThrow();
    const ghost = await t.db
      .insertInto('registry_import')
      .values({ user_id: me.id, username: 'station_a', filename: 'all.xlsx', format: 'xlsx', status: 'importing', updated_at: new Date(Date.now() - 3_600_000) as never })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await upload(w.stationA, 'all.xlsx', await templateBook([a.household, b.household], [...a.members, ...b.members]));
    expect(r.body).toMatchObject({ created: 1, unchanged: 1 });
    const g = await ok(w.stationA.get(`/api/registry/imports/${ghost.id}`));
    expect(g.status).toBe('failed');
    expect(g.message).toMatch(/导入被中断/);
  });
});

describe('roster export', () => {
  it('exports the filtered list with masked IDs, neutralised formulas, and full IDs only with the permission (logged)', async () => {
    await ok(w.clerkA.post('/api/registry/households', householdBody({ address: '=HYPERLINK("http://x","点我")', members: [member({ name: '@韦' })] })));
    const r = await download(w.stationA, `/api/registry/households/export.xlsx?villageCode=${REGION.villageA}&kind=members`);
    expect(r.status).toBe(200);
    const ws = (await readBook(r.buffer)).worksheets[0];
    const rows = rowsOf(ws);
    expect(rows[0][0]).toMatch(/家庭成员花名册/);
    const header = rows[1] as string[];
    const idCol = header.indexOf('身份证号');
    const body = rows.slice(2);
    expect(body.length).toBeGreaterThan(3);
    expect(body.every((row) => /^\d{4}\*{10}[\dX*]{4}$/.test(String(row[idCol])))).toBe(true);
    // no birth date beside a masked ID (with the village's county code it gives the ID back); the age stays
    expect(header).not.toContain('出生日期');
    expect(header).toContain('年龄');
    expect(body.some((row) => row[header.indexOf('姓名')] === "'@韦")).toBe(true);
    for (const row of body) for (const cell of row) expect(typeof cell === 'object' && cell && 'formula' in cell).toBe(false);

    const hh = rowsOf((await readBook((await download(w.stationA, `/api/registry/households/export.xlsx?villageCode=${REGION.villageA}`)).buffer)).worksheets[0]);
    const addrCol = (hh[1] as string[]).indexOf('家庭住址');
    expect(hh.slice(2).some((row) => String(row[addrCol]).startsWith(`'=HYPERLINK`))).toBe(true);
    // income in yuan as a number Excel can sum, not text
    const incomeCol = (hh[1] as string[]).indexOf('人均纯收入（元）');
    expect(incomeCol).toBeGreaterThan(0);
    expect(hh.slice(2).every((row) => row[incomeCol] === null || row[incomeCol] === undefined || typeof row[incomeCol] === 'number')).toBe(true);
    expect(hh.slice(2).some((row) => typeof row[incomeCol] === 'number' && (row[incomeCol] as number) > 0)).toBe(true);

    expect((await download(w.stationA, `/api/registry/households/export.xlsx?kind=members&reveal=true`)).status).toBe(403);
    expect((await download(w.clerkA, `/api/registry/households/export.xlsx`)).status).toBe(403);
    const full = rowsOf((await readBook((await download(w.admin, `/api/registry/households/export.xlsx?kind=members&reveal=true&villageCode=${REGION.villageA}`)).buffer)).worksheets[0]);
    expect(full.slice(2).every((row) => /^\d{17}[\dX]$/.test(String(row[idCol])))).toBe(true);
    expect(full[1]).toContain('出生日期');
    const log = await t.db.selectFrom('audit_log').select(['action', 'username', 'summary']).where('action', 'in', ['export', 'export-reveal']).execute();
    expect(log.find((l) => l.action === 'export-reveal')).toMatchObject({ username: 'admin' });
    expect(log.find((l) => l.action === 'export-reveal')!.summary).toMatch(/含完整身份证号码/);
  });

  it('takes its own full member roster back unchanged: download, upload again, nothing written', async () => {
    const r = await download(w.admin, `/api/registry/households/export.xlsx?kind=members&reveal=true&villageCode=${REGION.villageA}`);
    const before = await t.db.selectFrom('household').select(['id', 'version']).orderBy('id').execute();
    const back = await upload(w.admin, '成员花名册.xlsx', r.buffer);
    expect(back.body, `${back.body.message} ${JSON.stringify(back.body.errorSample)}`).toMatchObject({ status: 'done', created: 0, updated: 0, failedRows: 0 });
    expect(back.body.unchanged).toBeGreaterThan(3);
    expect(await t.db.selectFrom('household').select(['id', 'version']).orderBy('id').execute()).toEqual(before);
  });

  it('keeps the export inside the caller’s jurisdiction', async () => {
    const r = await download(w.county, `/api/registry/households/export.xlsx?villageCode=${REGION.villageB}`);
    const inB = rowsOf((await readBook(r.buffer)).worksheets[0]).slice(2);
    const own = await ok(w.clerkB.get('/api/registry/households?pageSize=200'));
    expect(inB).toHaveLength(own.total);
    const stationView = rowsOf((await readBook((await download(w.stationA, `/api/registry/households/export.xlsx?villageCode=${REGION.villageB}`)).buffer)).worksheets[0]).slice(2);
    expect(stationView).toEqual([]);
  });
});

