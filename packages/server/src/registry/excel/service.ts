import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import { AppError, errors } from '../../http/errors';
import { regErrors } from '../common';
import { importDirect, importStaged, type ImportCounts } from './importer';
import { Phases } from './phases';
import { parseUpload, surveyUpload, type SheetMeta } from './parse';
import { looksLikeZip, type Cell } from './read';
import { safeCell } from './xlsx';

/** Largest upload accepted (bytes): a county's register as .xlsx is well under this. */
export const MAX_UPLOAD = 200 * 1024 * 1024;
const STALE_MS = 10 * 60_000;

const STATUS_LABELS = { queued: '排队中', parsing: '读取文件', importing: '导入中', done: '已完成', failed: '失败' } as const;

type ImportRow = Awaited<ReturnType<typeof findImport>>;
function findImport(db: Db, ctx: Ctx, id: number) {
  let q = db
    .selectFrom('registry_import')
    .select([
      'id',
      'user_id',
      'username',
      'filename',
      'format',
      'status',
      'message',
      'total_rows',
      'processed_rows',
      'total_households',
      'processed_households',
      'created_households',
      'updated_households',
      'unchanged_households',
      'failed_households',
      'failed_rows',
      'parse_ms',
      'import_ms',
      'error_sample',
      'phase_ms',
      'created_at',
      'finished_at',
      sql<boolean>`error_file IS NOT NULL`.as('has_error_file'),
    ])
    .where('id', '=', id);
  // An import belongs to the one who uploaded it (it carries their scope); administrators see all.
  if (ctx.scope.kind !== 'all') q = q.where('user_id', '=', ctx.user.id);
  return q.executeTakeFirst();
}

export function toImportItem(r: NonNullable<ImportRow>) {
  return {
    id: r.id,
    filename: r.filename,
    format: r.format,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    message: r.message,
    username: r.username,
    totalRows: r.total_rows,
    processedRows: r.processed_rows,
    totalHouseholds: r.total_households,
    processedHouseholds: r.processed_households,
    created: r.created_households,
    updated: r.updated_households,
    unchanged: r.unchanged_households,
    failedHouseholds: r.failed_households,
    failedRows: r.failed_rows,
    parseMs: r.parse_ms,
    importMs: r.import_ms,
    hasErrorFile: r.has_error_file,
    phaseMs: (r.phase_ms as unknown as Record<string, number> | null) ?? null,
    errorSample: (r.error_sample as unknown as { sheet: string; rowNo: number; reason: string }[] | null) ?? [],
    createdAt: new Date(String(r.created_at instanceof Date ? r.created_at.toISOString() : r.created_at)).toISOString(),
    finishedAt: r.finished_at ? new Date(String(r.finished_at instanceof Date ? r.finished_at.toISOString() : r.finished_at)).toISOString() : null,
  };
}

/** Streams the upload to a temporary file, refusing it past MAX_UPLOAD. */
async function saveUpload(body: Readable, format: 'xlsx' | 'csv'): Promise<{ file: string; bytes: number }> {
  const dir = path.join(os.tmpdir(), 'fupin-imports');
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.${format}`);
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > MAX_UPLOAD) cb(new AppError(413, 'E1013', `文件过大：最大 ${MAX_UPLOAD / 1024 / 1024} MB`));
      else cb(null, chunk);
    },
  });
  try {
    await pipeline(body, limit, fs.createWriteStream(file));
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    throw e instanceof AppError ? e : errors.badRequest('上传中断，请重试');
  }
  return { file, bytes };
}

async function errorWorkbook(db: Db, importId: number, sheets: SheetMeta[]): Promise<Buffer | null> {
  const any = await db.selectFrom('registry_import_row').select('seq').where('import_id', '=', importId).where('error', 'is not', null).limit(1).executeTakeFirst();
  if (!any) return null;
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    const head = ws.addRow([...s.headers, '错误原因']);
    head.font = { bold: true };
    head.getCell(s.headers.length + 1).font = { bold: true, color: { argb: 'FFC00000' } };
    head.commit();
    ws.columns = [...s.headers.map((h) => ({ width: Math.max(10, Math.min(30, (h?.length ?? 4) * 2 + 4)) })), { width: 60 }] as never;
    let after = 0;
    for (;;) {
      const rows = await db
        .selectFrom('registry_import_row')
        .select(['seq', 'row_no', 'data', 'error'])
        .where('import_id', '=', importId)
        .where('sheet', '=', String(s.index))
        .where('error', 'is not', null)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(5000)
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1].seq;
      for (const r of rows) {
        const raw = ((r.data as unknown as { raw: Cell[] }).raw ?? []).slice(0, s.headers.length);
        while (raw.length < s.headers.length) raw.push(null);
        // Long numbers whose digits are intact (accounts, phones: up to 15 digits) go back as text, so
        // the corrected file does not mangle them again. An ID Excel stored as a number has lost its
        // last digits: written out in full ('451226197202160100') it would look right, so it goes
        // back as the number it was, shown as Excel showed it (4.51226E+17).
        const row = ws.addRow([...raw.map((c) => (typeof c === 'number' && Math.abs(c) >= 1e11 && Math.abs(c) < 1e15 ? String(c) : safeCell(c))), `第 ${r.row_no} 行：${r.error}`]);
        row.getCell(s.headers.length + 1).font = { color: { argb: 'FFC00000' } };
        row.commit();
      }
    }
    ws.commit();
  }
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}

async function run(db: Db, ctx: Ctx, id: number, file: string, format: 'xlsx' | 'csv', filename: string, pool?: pg.Pool) {
  const t0 = Date.now();
  const ph = new Phases();
  try {
    await db.updateTable('registry_import').set({ status: 'parsing', started_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', id).execute();
    // A CSV whose households' rows stand together (the usual roster) is read twice instead of
    // being staged: a first read checks that and finds the IDs listed in two households, the
    // second imports as it reads. Reading a CSV costs far less than staging its rows (≈ 0.2 s
    // against 1.5 s for 70,000 rows). An .xlsx is staged: reading it is the slow part.
    const survey = format === 'csv' ? await ph.time('survey', () => surveyUpload(file, format)) : null;
    let parsed: { sheets: SheetMeta[]; rows: number; households: number };
    if (survey?.grouped) parsed = survey;
    else
      parsed = await parseUpload(db, id, file, format, ph, async (rows) => {
        await db.updateTable('registry_import').set({ total_rows: rows, updated_at: sql`now()` }).where('id', '=', id).execute();
      }, pool);
    const parseMs = Date.now() - t0;
    await db
      .updateTable('registry_import')
      .set({
        status: 'importing',
        total_rows: parsed.rows,
        total_households: parsed.households,
        parse_ms: parseMs,
        sheets: sql`${JSON.stringify(parsed.sheets)}::jsonb`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    const t1 = Date.now();
    const progress = async (c: ImportCounts & { processed: number; sample: unknown[] }) => {
      await db
        .updateTable('registry_import')
        .set({
          processed_households: c.processed,
          created_households: c.created,
          updated_households: c.updated,
          unchanged_households: c.unchanged,
          failed_households: c.failed,
          failed_rows: c.failedRows,
          error_sample: sql`${JSON.stringify(c.sample)}::jsonb`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    };
    const counts = survey?.grouped
      ? await importDirect(db, ctx, id, filename, file, format, survey, progress, ph, pool)
      : await importStaged(db, ctx, id, filename, parsed.sheets, progress, ph, pool);
    const errorFile = await ph.time('errorWorkbook', () => errorWorkbook(db, id, parsed.sheets));
    await db
      .updateTable('registry_import')
      .set({
        status: 'done',
        processed_rows: parsed.rows,
        import_ms: Date.now() - t1,
        error_file: errorFile,
        phase_ms: sql`${JSON.stringify(ph.rounded())}::jsonb`,
        message: `新建 ${counts.created} 户，更新 ${counts.updated} 户，未变化 ${counts.unchanged} 户，失败 ${counts.failed} 户（${counts.failedRows} 行）`,
        finished_at: sql`now()`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
  } catch (e) {
    const msg = e instanceof AppError ? e.message : `导入失败：${(e as Error).message}`;
    await db.updateTable('registry_import').set({ status: 'failed', message: msg, finished_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', id).execute();
    if (!(e instanceof AppError)) throw e;
  } finally {
    await db.deleteFrom('registry_import_row').where('import_id', '=', id).execute();
    await fs.promises.rm(file, { force: true });
  }
}

export const importService = {
  async start(db: Db, ctx: Ctx, body: Readable, filename: string, opts: { wait: boolean; log?: { error: (o: object, m: string) => void }; pool?: pg.Pool }) {
    const name = filename.trim() || 'upload';
    const ext = path.extname(name).toLowerCase();
    const format = ext === '.csv' || ext === '.txt' ? 'csv' : ext === '.xlsx' ? 'xlsx' : null;
    if (!format) {
      body.resume();
      throw regErrors.importFile(ext === '.xls' ? '不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入' : '只能导入 .xlsx 或 .csv 文件');
    }
    // An import left 'running' by a killed server is marked as interrupted; a live one blocks.
    const busy = await db
      .selectFrom('registry_import')
      .select(['id', 'updated_at'])
      .where('user_id', '=', ctx.user.id)
      .where('status', 'in', ['queued', 'parsing', 'importing'])
      .execute();
    for (const b of busy) {
      if (Date.now() - new Date(String(b.updated_at instanceof Date ? b.updated_at.toISOString() : b.updated_at)).getTime() < STALE_MS) {
        body.resume();
        throw regErrors.importBusy();
      }
      await db
        .updateTable('registry_import')
        .set({ status: 'failed', message: '导入被中断（服务器重启或停止）；已写入的都是完整的户，请重新导入同一文件，已导入的户不会重复', finished_at: sql`now()` })
        .where('id', '=', b.id)
        .execute();
      await db.deleteFrom('registry_import_row').where('import_id', '=', b.id).execute();
    }
    const { file, bytes } = await saveUpload(body, format);
    if (bytes === 0) {
      await fs.promises.rm(file, { force: true });
      throw regErrors.importFile('上传的文件是空的');
    }
    if (format === 'xlsx' && !(await looksLikeZip(file))) {
      await fs.promises.rm(file, { force: true });
      throw regErrors.importFile('该文件不是有效的 .xlsx 文件（可能是旧版 .xls、已损坏，或只是改了扩展名）；请在 Excel 中另存为“Excel 工作簿 (*.xlsx)”后再导入');
    }
    const row = await db
      .insertInto('registry_import')
      .values({ user_id: ctx.user.id, username: ctx.user.username, filename: name.slice(0, 200), format })
      .returning('id')
      .executeTakeFirstOrThrow();
    const job = run(db, ctx, row.id, file, format, name, opts.pool).catch((e) => opts.log?.error({ err: e }, 'registry import failed'));
    if (opts.wait) await job;
    return this.get(db, ctx, row.id);
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const r = await findImport(db, ctx, id);
    if (!r) throw errors.notFound('导入记录');
    return toImportItem(r);
  },

  async list(db: Db, ctx: Ctx, page: number, pageSize: number) {
    let q = db.selectFrom('registry_import').select('id');
    if (ctx.scope.kind !== 'all') q = q.where('user_id', '=', ctx.user.id);
    const ids = await q.orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
    let c = db.selectFrom('registry_import').select(sql<number>`count(*)::int`.as('n'));
    if (ctx.scope.kind !== 'all') c = c.where('user_id', '=', ctx.user.id);
    const total = (await c.executeTakeFirstOrThrow()).n;
    const items = [];
    for (const { id } of ids) items.push(toImportItem((await findImport(db, ctx, id))!));
    return { items, total, page, pageSize };
  },

  async errorFile(db: Db, ctx: Ctx, id: number) {
    const r = await findImport(db, ctx, id);
    if (!r) throw errors.notFound('导入记录');
    const f = await db.selectFrom('registry_import').select(['error_file', 'filename']).where('id', '=', id).executeTakeFirstOrThrow();
    if (!f.error_file) throw errors.notFound('错误行文件');
    return { buffer: f.error_file, filename: `${path.basename(f.filename, path.extname(f.filename))}-错误行.xlsx` };
  },
};
