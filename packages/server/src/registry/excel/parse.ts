/**
 * Parsing an upload into the staging table: find each sheet's header (title rows above it, header
 * cells merged over two rows), map the columns to fields, and write every data row with its
 * household key — without holding the file in memory.
 */
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { normalizeIdInput } from '@fupin/shared';
import type { Db } from '../../db/db';
import { regErrors } from '../common';
import { normaliseCellText } from '../rules';
import { classifyHeader, fieldOf } from './columns';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readCsv, readXlsx, type Cell, type RawRow } from './read';
import type { Phases } from './phases';

export type SheetKind = 'household' | 'member' | 'flat';
export type SheetMeta = { index: number; name: string; kind: SheetKind; headers: string[]; headerRow: number; fields: ({ sheet: 'household' | 'member'; key: string } | null)[] };
export type StagedData = { h: Record<string, Cell>; m: Record<string, Cell>; raw: Cell[] };

// Offices put long 填表说明 blocks above the header (40 numbered lines were seen); data rows never
// name three fields, so a deeper scan cannot take one for the header.
const HEADER_SCAN_ROWS = 60;
/** An 18-character resident ID, or a 20-character disability certificate (ID + category + grade). */
const ID_SHAPE = /^\d{17}[\dX](?:\d{2})?$/;
const STAGE_BATCH = 5000;
/** The lines a roster ends with: totals, remarks, who filled it in and who checked it. */
const FOOTER = /^(合计|小计|总计|共计|备注|说明|注[:：]|填表人|制表人|填报人|审核人|负责人|联系人)/;

/** The household and member fields of one row, by the sheet's column map. */
export function splitCells(meta: Pick<SheetMeta, 'fields'>, cells: Cell[]): Pick<StagedData, 'h' | 'm'> {
  const out: Pick<StagedData, 'h' | 'm'> = { h: {}, m: {} };
  meta.fields.forEach((f, c) => {
    if (!f) return;
    const v = cells[c] ?? null;
    if (v == null || (typeof v === 'string' && normaliseCellText(v) === '')) return;
    (f.sheet === 'household' ? out.h : out.m)[f.key] = v;
  });
  return out;
}

/** A value for COPY's text format (\N for NULL, backslash escapes). */
const copyText = (v: string | number | null) => (v === null ? '\\N' : typeof v === 'number' ? String(v) : v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!));

const text = (c: Cell) => (c == null ? '' : normaliseCellText(String(c)));

function pickHeader(rows: RawRow[]): { at: number; headers: string[]; kind: SheetKind } | null {
  let best: { at: number; score: number; kind: SheetKind } | null = null;
  rows.forEach((r, i) => {
    const c = classifyHeader(r.cells.map(text));
    if (c.kind && c.score >= 3 && (!best || c.score > best.score)) best = { at: i, score: c.score, kind: c.kind };
  });
  if (!best) return null;
  const { at, kind } = best as { at: number; kind: SheetKind };
  const row = rows[at].cells.map(text);
  const width = Math.max(row.length, rows[at + 1]?.cells.length ?? 0, rows[at - 1]?.cells.length ?? 0);
  const below = rows[at + 1]?.cells.map(text) ?? [];
  const above = rows[at - 1]?.cells.map(text) ?? [];
  const known = (h: string) => !!h && !!fieldOf(h, kind);
  // A two-row header: group titles merged across columns above, the fields below (收入情况 over
  // 工资性收入 …), or fields merged down over two rows beside sub-headers. Each column takes the
  // lower row's name when that names a field, else the upper one's.
  const belowIsHeader = below.filter(known).length >= 2 && below.filter(known).length >= below.filter(Boolean).length / 2;
  const headers: string[] = [];
  let dataFrom = at + 1;
  if (belowIsHeader) {
    for (let c = 0; c < width; c++) headers.push(known(below[c] ?? '') ? below[c] : (row[c] ?? '') || below[c] || '');
    dataFrom = at + 2;
  } else {
    for (let c = 0; c < width; c++) headers.push((row[c] ?? '') || (known(above[c] ?? '') ? above[c] : ''));
  }
  return { at: dataFrom, headers, kind };
}

function isBlank(r: RawRow) {
  return r.cells.every((c) => c == null || text(c) === '');
}

export type ParseResult = { sheets: SheetMeta[]; rows: number; households: number };

/** One data row of an upload with its household key and resident-ID key. */
export type RowRecord = { seq: number; sheet: string; row_no: number; hh_key: string; id_key: string | null; cells: Cell[] };

/**
 * The data rows of an upload, in file order and in the batches they were read in, each with its
 * household key; `sheets` receives each recognised sheet's header and column map as it is found.
 * Reading errors come out as the import's own (E2xxx) errors.
 */
export async function* fileRows(path: string, format: 'xlsx' | 'csv', sheets: SheetMeta[]): AsyncGenerator<RowRecord[]> {
  let seq = 0;
  let index = 0;
  const source = format === 'xlsx' ? readXlsx(path) : readCsv(path);
  try {
    for await (const sheet of source) {
      const it = sheet.batches[Symbol.asyncIterator]();
      // the first rows, to find the header in; the rest of their batch follows them
      const first: RawRow[] = [];
      while (first.length < HEADER_SCAN_ROWS) {
        const r = await it.next();
        if (r.done) break;
        first.push(...r.value);
      }
      const head = first.slice(0, HEADER_SCAN_ROWS);
      const found = pickHeader(head);
      if (!found) {
        // drain: a sheet without a recognisable header (说明, 字典) is skipped
        for (;;) if ((await it.next()).done) break;
        continue;
      }
      const meta: SheetMeta = {
        index: index++,
        name: sheet.name,
        kind: found.kind,
        headers: found.headers,
        headerRow: head[found.at - 1]?.rowNo ?? found.at,
        fields: found.headers.map((h) => {
          const f = h ? fieldOf(h, found.kind) : null;
          return f ? { sheet: f.sheet, key: f.def.key } : null;
        }),
      };
      // the first column that names a field wins when two name the same one
      const seen = new Set<string>();
      meta.fields = meta.fields.map((f) => {
        if (!f) return null;
        const k = `${f.sheet}.${f.key}`;
        if (seen.has(k)) return null;
        seen.add(k);
        return f;
      });
      const has = (sheetOf: 'household' | 'member', key: string) => meta.fields.some((f) => f?.sheet === sheetOf && f.key === key);
      if (meta.kind !== 'household') {
        const missing = [!has('member', 'name') && '姓名', !has('member', 'idNumber') && '身份证号', !has('member', 'relation') && '与户主关系'].filter(Boolean);
        if (missing.length) throw regErrors.importFile(`工作表“${sheet.name}”缺少必需的列：${missing.join('、')}`);
      } else if (!has('household', 'headIdNumber')) throw regErrors.importFile(`工作表“${sheet.name}”缺少必需的列：户主身份证号`);
      sheets.push(meta);

      const keyField = meta.kind === 'household' ? (has('household', 'headIdNumber') ? 'headIdNumber' : 'householdNo') : null;
      const memberKeyCol = meta.fields.findIndex((f) => f?.key === 'headIdNumber');
      const noCol = meta.fields.findIndex((f) => f?.sheet === 'household' && f.key === 'householdNo');
      const relCol = meta.fields.findIndex((f) => f?.sheet === 'member' && f.key === 'relation');
      // the two cells the key needs, read directly (the full field split is made when the row's
      // household is validated)
      const hhKeyCol = keyField ? meta.fields.findIndex((f) => f?.sheet === 'household' && f.key === keyField) : -1;
      const idCol = meta.fields.findIndex((f) => f?.sheet === 'member' && f.key === 'idNumber');
      const nameCol = meta.fields.findIndex((f) => f?.sheet === 'member' && f.key === 'name');
      const filled = (v: Cell | undefined): Cell => (v == null || (typeof v === 'string' && normaliseCellText(v) === '') ? null : v);
      let carry = '';
      // no key column: who heads the household being read, and which group each head's name began
      // (null when two households' heads share the name)
      const headNameCol = meta.fields.findIndex((f) => f?.sheet === 'household' && f.key === 'headName');
      let carryHead = '';
      const groupOfHead = new Map<string, string | null>();
      let group = 0;
      const record = (r: RawRow): RowRecord | null => {
        if (isBlank(r)) return null;
        if (meta.kind !== 'household') {
          // A footer line (合计, 备注, 填表人 …) with no ID is no one's row: skipped. Any other row that
          // names no one (no name, ID or relation) is refused on its own; carried into the household
          // above, it kept that household out.
          const idCell = idCol >= 0 ? filled(r.cells[idCol]) : null;
          if (idCell == null && FOOTER.test(text(r.cells.find((c) => filled(c) != null) ?? null))) return null;
          if (idCell == null && (nameCol < 0 || filled(r.cells[nameCol]) == null) && (relCol < 0 || filled(r.cells[relCol]) == null))
            return { seq: ++seq, sheet: String(meta.index), row_no: r.rowNo, hh_key: `row:${meta.index}:${r.rowNo}`, id_key: null, cells: r.cells };
        }
        let key = '';
        const idKey = (v: Cell) => (v == null ? '' : typeof v === 'number' ? `#${v}` : normalizeIdInput(String(v)));
        if (meta.kind === 'household') key = idKey(hhKeyCol >= 0 ? filled(r.cells[hhKeyCol]) : null);
        else if (memberKeyCol >= 0) key = idKey(r.cells[memberKeyCol] ?? null);
        else if (noCol >= 0) key = r.cells[noCol] != null ? `no:${text(r.cells[noCol])}` : '';
        else {
          // no key column: a roster lists each household's head first, members below
          const rel = relCol >= 0 ? text(r.cells[relCol]) : '';
          const hn = headNameCol >= 0 ? text(r.cells[headNameCol]) : '';
          if (!carry || rel === '户主' || rel === 'head' || rel === '本人') {
            carry = `g:${++group}`;
            carryHead = hn || (nameCol >= 0 ? text(r.cells[nameCol]) : '');
            if (carryHead) groupOfHead.set(carryHead, groupOfHead.has(carryHead) ? null : carry);
          } else if (hn && carryHead && hn !== carryHead && groupOfHead.has(hn)) {
            // A member listed under another head's name, below a different household (the same
            // household in two blocks): it goes to that head's household, not to the one above it
            // — or, when two heads share the name, is refused on its own.
            carry = groupOfHead.get(hn) ?? `row:${meta.index}:${r.rowNo}`;
            carryHead = hn;
          }
          key = carry;
        }
        // a key cell merged down over the household's rows is empty below its first row
        if (!key && meta.kind !== 'household' && carry) key = carry;
        if (key) carry = key;
        if (!key) key = `row:${meta.index}:${r.rowNo}`;
        // The resident ID the row's document carries (a disability certificate's first 18
        // characters), for finding one person in two households of the file. Its shape is
        // enough: a row whose ID is not valid is refused by the validation anyway, and only valid
        // IDs are looked up among the duplicates (checking every ID here as well was a quarter of
        // the survey's time).
        let idKeyValue: string | null = null;
        const idCell = meta.kind !== 'household' && idCol >= 0 ? filled(r.cells[idCol]) : null;
        if (typeof idCell === 'string') {
          const n = normalizeIdInput(idCell);
          if (ID_SHAPE.test(n)) idKeyValue = n.length === 18 ? n : n.slice(0, 18);
        }
        return { seq: ++seq, sheet: String(meta.index), row_no: r.rowNo, hh_key: key, id_key: idKeyValue, cells: r.cells };
      };
      const records = (rows: RawRow[]) => {
        const out: RowRecord[] = [];
        for (const r of rows) {
          const x = record(r);
          if (x) out.push(x);
        }
        return out;
      };
      const rest = records(first.slice(found.at));
      if (rest.length) yield rest;
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const out = records(r.value);
        if (out.length) yield out;
      }
    }
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith?.('E2')) throw e;
    throw regErrors.importFile(format === 'xlsx' ? `无法读取该 .xlsx 文件（文件已损坏或不是 Excel 2007 及以上格式）：${(e as Error).message}` : `无法读取该 CSV 文件：${(e as Error).message}`);
  }
}

function checkFound(sheets: SheetMeta[], rows: number) {
  if (!sheets.length) throw regErrors.importFile(`文件前 ${HEADER_SCAN_ROWS} 行中没有找到可识别的表头：请使用导入模板，表头须包含“姓名”“身份证号”“与户主关系”等列`);
  if (!rows) throw regErrors.importFile('文件中没有数据行');
}

/**
 * What a first read of a one-sheet file tells without writing anything: whether each household's
 * rows stand together (then the file can be imported as it is read a second time, with nothing
 * staged), the number of rows and households, and the resident IDs listed in two households.
 * It stops at the first sign that the file is not so (a second sheet, a household's rows apart).
 * The IDs and household keys are held in memory (≈ 70 bytes each: ≈ 65 MB for a county's 700,000
 * people in 200,000 households), the rows are not.
 */
/**
 * A string that does not share memory with the text it was cut from. A cell is a slice of the
 * 256 KB piece of the file it was read in, and V8 keeps the whole piece alive for as long as any
 * slice of 13 characters or more (an ID) is kept: holding the IDs would hold the file.
 */
const ownCopy = (s: string) => (s.length >= 13 ? Buffer.from(s, 'utf8').toString('utf8') : s);

export type Survey = { grouped: boolean; sheets: SheetMeta[]; rows: number; households: number; fileDuplicates: Set<string> };
export async function surveyUpload(path: string, format: 'xlsx' | 'csv'): Promise<Survey> {
  const sheets: SheetMeta[] = [];
  const closed = new Set<string>();
  const holder = new Map<string, number>();
  const fileDuplicates = new Set<string>();
  let current: string | null = null;
  let households = 0;
  let rows = 0;
  for await (const batch of fileRows(path, format, sheets)) {
    if (sheets.length > 1) return { grouped: false, sheets, rows, households, fileDuplicates };
    for (const r of batch) {
      rows++;
      if (r.hh_key !== current) {
        if (current !== null) closed.add(ownCopy(current));
        if (closed.has(r.hh_key)) return { grouped: false, sheets, rows, households, fileDuplicates };
        current = r.hh_key;
        households++;
      }
      if (r.id_key) {
        const h = holder.get(r.id_key);
        if (h === undefined) holder.set(ownCopy(r.id_key), households);
        else if (h !== households) fileDuplicates.add(r.id_key);
      }
    }
  }
  checkFound(sheets, rows);
  return { grouped: true, sheets, rows, households, fileDuplicates };
}

/** A grouped file's rows read again, cut into batches of whole households (at least `size` each). */
export async function* householdBatches(path: string, format: 'xlsx' | 'csv', size: number): AsyncGenerator<RowRecord[]> {
  let batch: RowRecord[] = [];
  let keys = 0;
  let current: string | null = null;
  for await (const read of fileRows(path, format, [])) {
    for (const r of read) {
      if (r.hh_key !== current) {
        if (keys >= size) {
          yield batch;
          batch = [];
          keys = 0;
        }
        current = r.hh_key;
        keys++;
      }
      batch.push(r);
    }
  }
  if (batch.length) yield batch;
}

/**
 * Staged rows carry only the row's cells (the field split is redone from the sheet's column map
 * when the row is read back), and go in by COPY when a connection pool is at hand — several times
 * cheaper per row than INSERT (stack-notes.md); without one (a caller holding only Kysely) by
 * INSERT … SELECT FROM unnest.
 */
export async function parseUpload(
  db: Db,
  importId: number,
  path: string,
  format: 'xlsx' | 'csv',
  ph: Phases,
  onProgress: (rows: number) => Promise<void>,
  pool?: pg.Pool,
): Promise<ParseResult> {
  const sheets: SheetMeta[] = [];
  let seq = 0;
  let buffer: { seq: number; sheet: string; row_no: number; hh_key: string; id_key: string | null; data: string }[] = [];
  const client = pool ? await pool.connect() : null;
  // One block in flight: while the database stores a block, the file goes on being read and the
  // next block prepared (the database is another process; on two cores the two overlap). A second
  // full block waits for the first, so memory stays at two blocks.
  let inflight: Promise<void> | null = null;
  const flush = async () => {
    if (!buffer.length) return;
    const b = buffer;
    buffer = [];
    if (inflight) await inflight;
    inflight = store(b, seq);
    // handled where it is awaited; without this a failure while the next block is read would be
    // an unhandled rejection
    inflight.catch(() => {});
  };
  const store = async (b: typeof buffer, rowsSoFar: number) => {
    const t = performance.now();
    if (client) {
      const lines = b.map((x) => [importId, x.seq, x.sheet, x.row_no, x.hh_key, x.id_key, x.data].map(copyText).join('\t')).join('\n') + '\n';
      await pipeline(Readable.from([lines]), client.query(copyFrom('COPY registry_import_row (import_id, seq, sheet, row_no, hh_key, id_key, data) FROM STDIN')));
    } else
      await sql`
      INSERT INTO registry_import_row (import_id, seq, sheet, row_no, hh_key, id_key, data)
      SELECT ${importId}, s, sh, rn, k, ik, d::jsonb
      FROM unnest(${b.map((x) => x.seq)}::int[], ${b.map((x) => x.sheet)}::text[], ${b.map((x) => x.row_no)}::int[],
                  ${b.map((x) => x.hh_key)}::text[], ${b.map((x) => x.id_key)}::text[], ${b.map((x) => x.data)}::text[])
        AS t(s, sh, rn, k, ik, d)`.execute(db);
    ph.add('stage.insert', performance.now() - t);
    await onProgress(rowsSoFar);
  };

  try {
    for await (const read of fileRows(path, format, sheets))
      for (const r of read) {
        seq = r.seq;
        buffer.push({ seq: r.seq, sheet: r.sheet, row_no: r.row_no, hh_key: r.hh_key, id_key: r.id_key, data: JSON.stringify({ raw: r.cells }) });
        if (buffer.length >= STAGE_BATCH) await flush();
      }
    await flush();
    if (inflight) await inflight;
  } finally {
    // never hand the connection back with a COPY still running on it
    await (inflight as Promise<void> | null)?.catch(() => {});
    client?.release();
  }
  checkFound(sheets, seq);
  const n = await db
    .selectFrom('registry_import_row')
    .select(sql<number>`count(DISTINCT hh_key)::int`.as('n'))
    .where('import_id', '=', importId)
    .executeTakeFirstOrThrow();
  return { sheets, rows: seq, households: n.n };
}
