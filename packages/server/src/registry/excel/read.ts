/**
 * Readers that stream a spreadsheet row by row, never holding the file: .xlsx through exceljs's
 * streaming WorkbookReader, .csv through a small RFC 4180 parser that also reads the GBK/GB18030
 * files Chinese Excel writes by default.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';

export type Cell = string | number | boolean | null;
export type RawRow = { rowNo: number; cells: Cell[] };
export type SheetStream = { name: string; rows: AsyncIterable<RawRow> };

/** A cell value as exceljs gives it → plain text or number (formulas give their result). */
export function plainCell(v: unknown): Cell {
  if (v == null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Date) return `${v.getUTCFullYear()}-${String(v.getUTCMonth() + 1).padStart(2, '0')}-${String(v.getUTCDate()).padStart(2, '0')}`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((t) => t.text).join('');
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

export async function* readXlsx(path: string): AsyncGenerator<SheetStream> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'emit' });
  for await (const sheet of reader) {
    const ws = sheet as unknown as AsyncIterable<{ number: number; values: unknown[] }> & { name: string };
    yield {
      name: ws.name,
      rows: (async function* () {
        for await (const row of ws) {
          const vals = Array.isArray(row.values) ? row.values.slice(1) : [];
          yield { rowNo: row.number, cells: Array.from(vals, plainCell) };
        }
      })(),
    };
  }
}

/** UTF-8 (with or without BOM) if the first 64 KB decode as UTF-8, otherwise GB18030 (a superset of GBK). */
export async function detectEncoding(path: string): Promise<'utf-8' | 'gb18030'> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
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

/** RFC 4180 rows (quotes, doubled quotes, CRLF or LF, newlines inside quotes); tab-separated files too. */
export async function* readCsv(path: string): AsyncGenerator<SheetStream> {
  const encoding = await detectEncoding(path);
  yield {
    name: 'CSV',
    rows: (async function* () {
      const decoder = new TextDecoder(encoding, { ignoreBOM: false });
      let field = '';
      let row: string[] = [];
      let quoted = false;
      let afterQuote = false;
      let sep: string | null = null;
      let rowNo = 0;
      let pendingCR = false;
      const out: RawRow[] = [];
      const endRow = () => {
        row.push(field);
        field = '';
        rowNo++;
        out.push({ rowNo, cells: row.map((c) => (c === '' ? null : c)) });
        row = [];
        afterQuote = false;
      };
      const feed = (text: string) => {
        if (sep === null) {
          const firstLine = text.split(/\r?\n/, 1)[0];
          sep = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ',';
        }
        for (let i = 0; i < text.length; i++) {
          const ch = text[i];
          if (pendingCR) {
            pendingCR = false;
            if (ch === '\n') continue;
          }
          if (quoted) {
            if (ch === '"') {
              if (text[i + 1] === '"') {
                field += '"';
                i++;
              } else if (i + 1 === text.length) {
                // a quote at a chunk's end: decide with the next chunk
                quoted = false;
                afterQuote = true;
              } else {
                quoted = false;
                afterQuote = true;
              }
            } else field += ch;
            continue;
          }
          if (ch === '"') {
            if (afterQuote) {
              // "" split across chunks: a literal quote inside the quoted field
              field += '"';
              quoted = true;
              afterQuote = false;
            } else if (field === '') quoted = true;
            else field += ch;
          } else if (ch === sep) {
            row.push(field);
            field = '';
            afterQuote = false;
          } else if (ch === '\n') endRow();
          else if (ch === '\r') {
            endRow();
            pendingCR = true;
          } else {
            field += ch;
            afterQuote = false;
          }
        }
      };
      for await (const chunk of fs.createReadStream(path, { highWaterMark: 256 * 1024 })) {
        feed(decoder.decode(chunk as Buffer, { stream: true }));
        while (out.length) yield out.shift()!;
      }
      feed(decoder.decode());
      if (field !== '' || row.length) endRow();
      while (out.length) yield out.shift()!;
    })(),
  };
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
