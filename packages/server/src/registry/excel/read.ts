/**
 * Readers that stream a spreadsheet row by row, never holding the file: .xlsx through exceljs's
 * part parsers (the parts found by the zip's central directory), .csv through a small RFC 4180
 * parser that also reads the GBK/GB18030 files Chinese Excel writes by default.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import unzipper, { type CentralDirectoryFile } from 'unzipper';
import { regErrors } from '../common';

export type Cell = string | number | boolean | null;
export type RawRow = { rowNo: number; cells: Cell[] };
/** A sheet's rows one by one, or (`batches`) as many as were read at once — one iteration step
 * per batch instead of per row; a sheet is read through one of the two. */
export type SheetStream = { name: string; rows: AsyncIterable<RawRow>; batches: AsyncIterable<RawRow[]> };

function fromBatches(batches: AsyncIterable<RawRow[]>): AsyncIterable<RawRow> {
  return (async function* () {
    for await (const b of batches) yield* b;
  })();
}

/** A cell value as exceljs gives it → plain text or number (formulas give their result). */
export function plainCell(v: unknown): Cell {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return `${v.getUTCFullYear()}-${String(v.getUTCMonth() + 1).padStart(2, '0')}-${String(v.getUTCDate()).padStart(2, '0')}`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('');
    // a formula that is a text literal (="452226…", how some systems keep an ID as text) and was
    // saved without its computed value
    if (typeof o.formula === 'string' && o.result == null) {
      const lit = /^"((?:[^"]|"")*)"$/.exec(o.formula);
      if (lit) return lit[1].replace(/""/g, '"');
    }
    if ('result' in o) return plainCell(o.result);
    if ('text' in o) return plainCell(o.text);
    if ('error' in o) return null;
  }
  return String(v);
}

/**
 * exceljs 4.4's streaming reader decodes each compressed chunk of the XML on its own, so a CJK
 * character split across two chunks becomes U+FFFD (exceljs issues #2063, #2084; PR #1665 is not
 * merged). Measured here: 35 of 120,000 Chinese names came back damaged. The reader's parts are
 * fed through a streaming UTF-8 decoder instead; exceljs passes strings through untouched.
 */
function decodeUtf8(iterable: AsyncIterable<Buffer | string>): AsyncIterable<string> {
  return (async function* () {
    const d = new TextDecoder('utf-8');
    for await (const c of iterable) yield typeof c === 'string' ? c : d.decode(c, { stream: true });
    const tail = d.decode();
    if (tail) yield tail;
  })();
}
type ReaderProto = Record<string, unknown> & { __fupinUtf8?: boolean };
const proto = (ExcelJS.stream.xlsx.WorkbookReader as unknown as { prototype: ReaderProto }).prototype;
if (!proto.__fupinUtf8 && typeof proto._parseWorksheet === 'function') {
  const worksheet = proto._parseWorksheet as (this: unknown, it: AsyncIterable<Buffer>, n: number) => unknown;
  proto._parseWorksheet = function (this: unknown, it: AsyncIterable<Buffer>, n: number) {
    return worksheet.call(this, decodeUtf8(it) as AsyncIterable<Buffer>, n);
  };
  for (const m of ['_parseSharedStrings', '_parseWorkbook', '_parseRels', '_parseStyles']) {
    const orig = proto[m] as ((this: unknown, entry: { setEncoding?: (e: string) => void }, ...rest: unknown[]) => unknown) | undefined;
    if (typeof orig !== 'function') continue;
    proto[m] = function (this: unknown, entry: { setEncoding?: (e: string) => void }, ...rest: unknown[]) {
      entry?.setEncoding?.('utf8');
      return orig.call(this, entry, ...rest);
    };
  }
  proto.__fupinUtf8 = true;
}

/**
 * exceljs fails on some workbooks other programs write (cells without their `r` reference, a
 * damaged zip) with a bare TypeError; the user gets a Chinese reason instead of "Cannot read
 * properties of undefined".
 */
function unreadable(e: unknown): never {
  const why = e instanceof Error ? e.message : String(e);
  // unzipper's words for a zip cut short (an upload broken off, a file copied before it was saved)
  const detail = /FILE_ENDED|signature|end of central directory/i.test(why) ? '文件不完整或已损坏' : why.slice(0, 120);
  throw regErrors.importFile(`无法读取该 .xlsx 文件（${detail}）：请用 Excel 或 WPS 打开后“另存为” Excel 工作簿（.xlsx）再导入，或另存为 CSV`);
}

type ExcelReader = {
  model?: { sheets?: { id: number; name: string; state?: string; rId: string }[] };
  workbookRels?: { Id: string; Type?: string; Target: string }[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(it: AsyncIterable<Buffer | string>, sheetNo: string): Generator<{ eventType: string; value: unknown }>;
};
type WorksheetRows = AsyncIterable<{ number: number; values: unknown[] }> & { name?: string; state?: string };

/**
 * The workbook's parts are read by their place in the zip's central directory, in the order they
 * are needed (relationships, workbook, shared strings, then each sheet in the workbook's order),
 * and handed to exceljs's own part parsers. exceljs's WorkbookReader reads the zip front to back
 * instead, and loses the last parts of a small workbook whose parts are stored uncompressed
 * (unzipper's Parse ends the stream while entries are still buffered — 9 in 10 reads of a 5 KB
 * file failed with "Cannot read properties of undefined"); it also copies every sheet that
 * comes before the shared strings (Excel's own order) to a temporary file first, and skips a
 * sheet part not named sheetN.xml.
 */
export async function* readXlsx(path: string): AsyncGenerator<SheetStream> {
  let files: Map<string, CentralDirectoryFile>;
  try {
    // part names compared without case: the package format says they are case-insensitive
    files = new Map((await unzipper.Open.file(path)).files.filter((f) => f.type === 'File').map((f) => [f.path.replace(/^\//, '').toLowerCase(), f]));
  } catch (e) {
    return unreadable(e);
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' }) as unknown as ExcelReader;
  const part = (name: string) => files.get(name.toLowerCase())?.stream();
  const inXl = (target: string) => (target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);
  const sheets: { path: string; name: string; state?: string; no: string }[] = [];
  try {
    const rels = part('xl/_rels/workbook.xml.rels');
    const wb = part('xl/workbook.xml');
    if (!rels || !wb) throw new Error('缺少 xl/workbook.xml');
    await reader._parseRels(rels);
    await reader._parseWorkbook(wb);
    const ssRel = reader.workbookRels?.find((r) => /\/sharedStrings$/.test(r.Type ?? ''));
    const ss = part(ssRel ? inXl(ssRel.Target) : 'xl/sharedStrings.xml');
    if (ss) for await (const _ of reader._parseSharedStrings(ss)) void _;
    for (const s of reader.model?.sheets ?? []) {
      // A hidden sheet is not read: offices hide old copies and the lookup tables their formulas
      // use, and the person who imports sees only the visible sheets.
      if (s.state === 'hidden' || s.state === 'veryHidden') continue;
      const target = reader.workbookRels?.find((r) => r.Id === s.rId)?.Target;
      if (!target) continue;
      // a target is relative to xl/ (worksheets/sheet1.xml) or absolute in the package (/xl/…)
      const at = inXl(target);
      if (files.has(at.toLowerCase())) sheets.push({ path: at, name: s.name, state: s.state, no: /sheet(\d+)\.xml$/i.exec(at)?.[1] ?? String(s.id) });
    }
  } catch (e) {
    return unreadable(e);
  }
  for (const sheet of sheets) {
    let ws: WorksheetRows | undefined;
    try {
      for (const ev of reader._parseWorksheet(part(sheet.path)!, sheet.no)) if (ev.eventType === 'worksheet') ws = ev.value as WorksheetRows;
    } catch (e) {
      return unreadable(e);
    }
    if (!ws) continue;
    const rows = ws;
    const batches = (async function* () {
      const it = rows[Symbol.asyncIterator]();
      try {
        let batch: RawRow[] = [];
        for (;;) {
          const r = await step(it);
          if (r.done) break;
          const vals = Array.isArray(r.value.values) ? r.value.values.slice(1) : [];
          batch.push({ rowNo: r.value.number, cells: Array.from(vals, plainCell) });
          if (batch.length >= 500) {
            yield batch;
            batch = [];
          }
        }
        if (batch.length) yield batch;
      } finally {
        await it.return?.(undefined);
      }
    })();
    yield { name: sheet.name, batches, rows: fromBatches(batches) };
  }
}

async function step<T>(it: AsyncIterator<T>): Promise<IteratorResult<T>> {
  try {
    return await it.next();
  } catch (e) {
    return unreadable(e);
  }
}

/** UTF-8 (with or without BOM) if the first 64 KB decode as UTF-8, otherwise GB18030 (a superset of GBK). */
export async function detectEncoding(path: string): Promise<'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be'> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // Excel's “Unicode 文本 (*.txt)” is UTF-16 with a byte-order mark (tab-separated)
    if (bytesRead >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
    if (bytesRead >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
    let end = bytesRead;
    // Do not judge a multi-byte character cut at the end of a full sample: drop the last
    // character's lead byte and whatever continuation bytes follow it. (Before, a sample ending on
    // a lead byte alone was judged whole and failed as UTF-8, so a UTF-8 file whose byte 65,536
    // began a Chinese character was read as GB18030 and its header was not found.)
    if (bytesRead === buf.length) {
      let k = end;
      while (k > 0 && end - k < 3 && (buf[k - 1] & 0xc0) === 0x80) k--;
      if (k > 0 && buf[k - 1] >= 0xc0) end = k - 1;
    }
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, end));
      return 'utf-8';
    } catch {
      return 'gb18030';
    }
  } finally {
    await fh.close();
  }
}

/**
 * The CSV grammar, on text already decoded: complete records are cut from `text` by searching for
 * the next separator, line end or quote (indexOf/slice), not character by character — the former
 * parser appended one character at a time and was half of the CSV import's parsing time and much of
 * its garbage. A record not complete in `text` (its end, or a quote's end, not yet read) is left
 * for the next chunk: `parseRecords` returns where it stopped. At the end of the file (`final`)
 * the last record ends with the text.
 *
 * Accepted: RFC 4180 quotes (`"a,b"`, `""` inside quotes, line ends inside quotes), CRLF, LF or a
 * lone CR, and — as spreadsheets write them — text after a closing quote kept as written
 * (`"ab"cd` → `abcd`) and a quote inside an unquoted field kept as a character.
 */
export function parseRecords(text: string, sep: string, final: boolean, emit: (cells: string[]) => void): number {
  const n = text.length;
  let pos = 0; // start of the record being read
  let i = 0;
  let nl = -2; // the next line end at or after i (cached across the fields of a record)
  let lf = -2;
  let cr = -2;
  let row: string[] = [];
  for (;;) {
    if (i >= n) {
      // the text ends inside a record: a last field, if the file ends here
      if (!final) return pos;
      if (row.length || i > pos) {
        row.push('');
        emit(row);
      }
      return n;
    }
    let field: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      // quoted: up to the closing quote, "" standing for one quote
      let j = i + 1;
      let parts = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0 || (q === n - 1 && !final)) {
          // the closing quote, or the character after it, is in the next chunk
          if (!final) return pos;
          parts += text.slice(j);
          j = n;
          break;
        }
        parts += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          parts += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // anything between the closing quote and the field's end stays, as written
      let end = j;
      while (end < n) {
        const c = text.charCodeAt(end);
        if (c === 10 || c === 13 || text[end] === sep) break;
        end++;
      }
      if (end >= n && !final) return pos;
      field = end > j ? parts + text.slice(j, end) : parts;
      i = end;
    } else {
      if (nl < i) {
        // each kind of line end is searched for again only once passed (a file without CRs would
        // otherwise be searched to its end for one at every record)
        if (lf < i) {
          lf = text.indexOf('\n', i);
          if (lf < 0) lf = n;
        }
        if (cr < i) {
          cr = text.indexOf('\r', i);
          if (cr < 0) cr = n;
        }
        nl = Math.min(lf, cr);
      }
      let s = text.indexOf(sep, i);
      if (s < 0 || s > nl) s = nl;
      if (s >= n && !final) return pos;
      field = text.slice(i, s);
      i = s;
    }
    row.push(field);
    if (i >= n) {
      // only at the end of the file (otherwise the record waited for the next chunk above)
      emit(row);
      return n;
    }
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      // CRLF is one line end; a CR at the chunk's end waits for the next chunk's first character
      if (c === 13) {
        if (i + 1 >= n && !final) return pos;
        i += text.charCodeAt(i + 1) === 10 ? 2 : 1;
      } else i++;
      emit(row);
      row = [];
      pos = i;
      nl = -2;
    } else i++; // the separator
  }
}

/**
 * Feeds decoded text in pieces of any size; every complete record goes to `emit`. The separator is
 * a tab if the first line has more tabs than commas, else a comma.
 */
export function csvFeeder(emit: (cells: string[]) => void): (text: string, final: boolean) => void {
  let sep: string | null = null;
  let tail = '';
  return (decoded, final) => {
    const text = tail ? tail + decoded : decoded;
    if (sep === null) {
      if (!final && !/[\r\n]/.test(text)) {
        tail = text;
        return;
      }
      // the first line that has either: a title line above the header (城西村花名册) has neither
      const lines = text.split(/\r\n|\r|\n/, 30);
      const firstLine = lines.find((l) => /[\t,]/.test(l)) ?? lines[0];
      sep = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ',';
    }
    const used = parseRecords(text, sep, final, emit);
    tail = used < text.length ? text.slice(used) : '';
  };
}

const EXCEL_TEXT = /^="[^"]*"$/;

/** RFC 4180 rows (quotes, doubled quotes, CRLF or LF, newlines inside quotes); tab-separated files too. */
export async function* readCsv(path: string): AsyncGenerator<SheetStream> {
  const encoding = await detectEncoding(path);
  const batches = (async function* () {
    const decoder = new TextDecoder(encoding, { ignoreBOM: false });
    let rowNo = 0;
    let out: RawRow[] = [];
    const feed = csvFeeder((cells) => {
      rowNo++;
      const row: Cell[] = cells;
      for (let k = 0; k < row.length; k++) {
        const v = cells[k];
        if (v === '') row[k] = null;
        // ="452226…": how web systems export an ID or account to CSV so that Excel keeps it as text
        else if (v.charCodeAt(0) === 61 && EXCEL_TEXT.test(v)) row[k] = v.slice(2, -1);
      }
      out.push({ rowNo, cells: row });
    });
    for await (const chunk of fs.createReadStream(path, { highWaterMark: 256 * 1024 })) {
      feed(decoder.decode(chunk as Buffer, { stream: true }), false);
      if (out.length) {
        yield out;
        out = [];
      }
    }
    feed(decoder.decode(), true);
    if (out.length) yield out;
  })();
  yield { name: 'CSV', batches, rows: fromBatches(batches) };
}

/** .xlsx is a zip: it starts with PK\x03\x04. */
export async function looksLikeZip(path: string): Promise<boolean> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    return bytesRead === 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
  } finally {
    await fh.close();
  }
}
