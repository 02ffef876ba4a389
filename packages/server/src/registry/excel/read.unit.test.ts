import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { detectEncoding, readCsv, readXlsx } from './read';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-read-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁';
const GIVEN = '国强建华秀英桂兰志明海燕丽娟文军小红玉梅春生金凤德胜永福家豪子涵雨轩';
const names = Array.from({ length: 12_000 }, (_, i) => SURNAMES[i % SURNAMES.length] + GIVEN[(i * 3) % GIVEN.length] + GIVEN[(i * 7 + 5) % GIVEN.length]);

describe('streaming readers', () => {
  it('reads every Chinese character of a large .xlsx intact, across the compressed chunks (exceljs #2063)', async () => {
    const file = path.join(dir, 'names.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
    const ws = wb.addWorksheet('花名册');
    for (const n of names) ws.addRow([n, `${n}的家庭住址`]).commit();
    ws.commit();
    await wb.commit();
    const got: string[] = [];
    let sheet = '';
    for await (const s of readXlsx(file)) {
      sheet = s.name;
      for await (const r of s.rows) got.push(`${r.cells[0]}|${r.cells[1]}`);
    }
    expect(sheet).toBe('花名册');
    expect(got).toHaveLength(names.length);
    const bad = got.filter((g, i) => g !== `${names[i]}|${names[i]}的家庭住址`);
    expect(bad).toEqual([]);
  });

  it('reads a large UTF-8 CSV with quotes, doubled quotes and newlines inside quotes across read chunks', async () => {
    const file = path.join(dir, 'names.csv');
    const lines = ['姓名,备注'];
    names.forEach((n, i) => lines.push(i % 3 === 0 ? `"${n}","说""明""\n第二行"` : `${n},普通`));
    fs.writeFileSync(file, '\uFEFF' + lines.join('\r\n'));
    expect(fs.statSync(file).size).toBeGreaterThan(256 * 1024);
    const rows: (string | number | boolean | null)[][] = [];
    for await (const s of readCsv(file)) for await (const r of s.rows) rows.push(r.cells);
    expect(rows[0]).toEqual(['姓名', '备注']);
    expect(rows).toHaveLength(names.length + 1);
    expect(rows[1]).toEqual([names[0], '说"明"\n第二行']);
    expect(rows[2]).toEqual([names[1], '普通']);
    expect(rows.slice(1).every((r, i) => r[0] === names[i])).toBe(true);
  });

  it('takes a UTF-8 file for UTF-8 whichever byte of a Chinese character its 64 KB sample ends on', async () => {
    // ASCII padding puts byte 65,536 on the first, second and third byte of a 3-byte character
    for (const pad of [0, 1, 2]) {
      const file = path.join(dir, `cut-${pad}.csv`);
      const head = '姓名,备注\n' + 'a'.repeat(pad);
      const body = '张'.repeat(Math.ceil(70_000 / 3));
      const text = head + 'x'.repeat(65_535 - Buffer.byteLength(head) - ((65_535 - Buffer.byteLength(head)) % 3)) + body;
      fs.writeFileSync(file, text);
      expect(await detectEncoding(file)).toBe('utf-8');
    }
    // and a GBK file is still told apart
    const gbk = path.join(dir, 'gbk.csv');
    fs.writeFileSync(gbk, Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0x0a])); // 姓名, in GBK
    expect(await detectEncoding(gbk)).toBe('gb18030');
  });
});
