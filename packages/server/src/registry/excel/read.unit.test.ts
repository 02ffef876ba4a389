import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import unzipper from 'unzipper';
import { afterAll, describe, expect, it } from 'vitest';
import { csvFeeder, detectEncoding, readCsv, readXlsx } from './read';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-read-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁';
const GIVEN = '国强建华秀英桂兰志明海燕丽娟文军小红玉梅春生金凤德胜永福家豪子涵雨轩';
const names = Array.from({ length: 12_000 }, (_, i) => SURNAMES[i % SURNAMES.length] + GIVEN[(i * 3) % GIVEN.length] + GIVEN[(i * 7 + 5) % GIVEN.length]);

/** A zip of uncompressed (stored) parts in the order given, as SheetJS and others write them. */
function storedZip(parts: [string, Buffer][]): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of parts) {
    const n = Buffer.from(name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt32LE(crc32(data), 14);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(n.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    h.copy(c, 16, 14, 26);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt32LE(offset, 42);
    locals.push(h, n, data);
    central.push(c, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe('streaming readers', () => {
  it('reads a small workbook of stored parts with workbook.xml last, every time, and a sheet part not named sheetN.xml', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').addRow(['填表说明']);
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['姓名', '身份证号', '与户主关系']);
    ws.addRow(['张三', '452226196606060011', '户主']);
    const dir0 = await unzipper.Open.buffer(Buffer.from(await wb.xlsx.writeBuffer()));
    const parts: [string, Buffer][] = [];
    for (const f of dir0.files) if (f.type === 'File') parts.push([f.path, await f.buffer()]);
    // the second sheet's part renamed, its relationship pointing there by an absolute target
    const renamed = parts.map(([n, b]): [string, Buffer] =>
      n === 'xl/worksheets/sheet2.xml' ? ['xl/worksheets/data.xml', b] : n === 'xl/_rels/workbook.xml.rels' ? [n, Buffer.from(b.toString().replace('worksheets/sheet2.xml', '/xl/worksheets/data.xml'))] : [n, b],
    );
    const ordered = [...renamed.filter(([n]) => n !== 'xl/workbook.xml'), renamed.find(([n]) => n === 'xl/workbook.xml')!];
    const file = path.join(dir, 'stored.xlsx');
    fs.writeFileSync(file, storedZip(ordered));
    // exceljs's own front-to-back reader lost workbook.xml in most reads of such a file
    for (let i = 0; i < 10; i++) {
      const got: string[] = [];
      for await (const s of readXlsx(file)) for await (const r of s.rows) got.push(`${s.name}:${r.cells.join('|')}`);
      expect(got).toEqual(['说明:填表说明', '花名册:姓名|身份证号|与户主关系', '花名册:张三|452226196606060011|户主']);
    }
    // a file cut short says so in Chinese
    fs.writeFileSync(file, storedZip(ordered).subarray(0, 600));
    await expect(async () => {
      for await (const s of readXlsx(file)) for await (const _ of s.rows) void _;
    }).rejects.toThrow(/无法读取该 \.xlsx 文件（文件不完整或已损坏）/);
  });

  it('reads a text-literal formula saved without its value (="452226…") as its text, and a computed one by its value', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('花名册');
    ws.addRow(['身份证号', '合计']);
    ws.addRow([{ formula: '"45122619660606011X"' }, { formula: '1+2', result: 3 }]);
    const file = path.join(dir, 'formula.xlsx');
    await wb.xlsx.writeFile(file);
    const got: unknown[][] = [];
    for await (const s of readXlsx(file)) for await (const r of s.rows) got.push(r.cells);
    expect(got).toEqual([
      ['身份证号', '合计'],
      ['45122619660606011X', 3],
    ]);
  });

  it('skips hidden sheets: an old copy or a lookup table hidden in the workbook is not imported', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('旧名单', { state: 'hidden' }).addRow(['姓名', '身份证号', '与户主关系']);
    wb.addWorksheet('代码表', { state: 'veryHidden' }).addRow(['与户主关系']);
    wb.addWorksheet('花名册').addRow(['姓名', '身份证号', '与户主关系']);
    const file = path.join(dir, 'hidden.xlsx');
    await wb.xlsx.writeFile(file);
    const names: string[] = [];
    for await (const s of readXlsx(file)) {
      names.push(s.name);
      for await (const _ of s.rows) void _;
    }
    expect(names).toEqual(['花名册']);
  });

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

describe('CSV records cut from text in pieces', () => {
  // RFC 4180 as a spreadsheet writes it: a field is quoted when it holds the separator, a quote or
  // a line end; quotes inside are doubled
  const write = (rows: string[][], sep: string, eol: string) =>
    rows.map((r) => r.map((c) => (c.includes(sep) || /["\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(sep)).join(eol) + eol;
  const parse = (pieces: string[]) => {
    const got: string[][] = [];
    const feed = csvFeeder((cells) => got.push(cells));
    pieces.forEach((p, i) => feed(p, i === pieces.length - 1));
    return got;
  };
  const rnd = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

  it('gives the same records however the text is cut, for commas, tabs, CRLF, LF and CR', () => {
    const next = rnd(7);
    const alphabet = ['张', '三', 'a', '1', ',', '\t', '"', '\n', '\r\n', ' ', 'x', '２'];
    for (const [sep, eol] of [[',', '\r\n'], [',', '\n'], ['\t', '\r\n'], [',', '\r']] as const) {
      const rows = Array.from({ length: 300 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 6) }, () => Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')),
      );
      // a lone CR inside a field would read as a line end in a CR-only file: not in those rows
      if (eol === '\r') for (const r of rows) r.forEach((c, k) => (r[k] = c.replace(/[\r\n]/g, 'y')));
      // the first line decides the separator: give it two separators and nothing else
      rows.unshift(['h1', 'h2', 'h3']);
      const text = write(rows, sep, eol);
      expect(parse([text])).toEqual(rows);
      for (let t = 0; t < 20; t++) {
        const pieces: string[] = [];
        for (let at = 0; at < text.length; ) {
          const len = 1 + Math.floor(next() * 40);
          pieces.push(text.slice(at, at + len));
          at += len;
        }
        pieces.push('');
        expect(parse(pieces)).toEqual(rows);
      }
    }
  });

  it('reads what spreadsheets write beside RFC 4180: a quote inside an unquoted field, text after a closing quote, no final line end', () => {
    expect(parse(['a,b"c,"d"e\nf,"g"""', ''])).toEqual([
      ['a', 'b"c', 'de'],
      ['f', 'g"'],
    ]);
    expect(parse(['x,,\n,,y', ''])).toEqual([
      ['x', '', ''],
      ['', '', 'y'],
    ]);
  });
});
