import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { neutraliseFormula } from '../rules';

/** `numFmt`: a number column's Excel format, so the figures stay numbers a spreadsheet can sum. */
export type Column = { header: string; key: string; width?: number; numFmt?: string };
export type Cell = string | number | boolean | null | undefined;

/** A cell as written: text that a spreadsheet could run as a formula is neutralised. */
export function safeCell(v: Cell): string | number | boolean | null {
  if (v == null) return null;
  return typeof v === 'string' ? neutraliseFormula(v) : v;
}

export type SheetWriter = { add(row: Cell[]): void; addObject(row: Record<string, Cell>): void };

/**
 * Streams a workbook to the client as it is produced — rows are committed as they are added, so a
 * township's roster never sits in memory. `fill` receives a function that opens sheets.
 */
export function sendWorkbook(
  reply: FastifyReply,
  filename: string,
  fill: (sheet: (name: string, columns: Column[], opts?: { title?: string }) => SheetWriter) => Promise<void>,
  log?: { error: (o: object, m: string) => void },
) {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('cache-control', 'no-store');
  const state: { ws: ExcelJS.Worksheet | null } = { ws: null };
  const open = (name: string, columns: Column[], opts: { title?: string } = {}): SheetWriter => {
    state.ws?.commit();
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: opts.title ? 2 : 1 }] });
    ws.columns = columns.map((c) => ({ key: c.key, width: c.width ?? Math.max(10, c.header.length * 2 + 2), ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
    if (opts.title) {
      const t = ws.addRow([opts.title]);
      t.font = { bold: true, size: 14 };
      t.commit();
    }
    const head = ws.addRow(columns.map((c) => c.header));
    head.font = { bold: true };
    head.commit();
    state.ws = ws;
    return {
      add: (row) => ws.addRow(row.map(safeCell)).commit(),
      addObject: (row) => ws.addRow(columns.map((c) => safeCell(row[c.key]))).commit(),
    };
  };
  void (async () => {
    try {
      await fill(open);
      state.ws?.commit();
      await wb.commit();
    } catch (e) {
      log?.error({ err: e }, 'excel export failed');
      out.destroy(e as Error);
    }
  })();
  return reply.send(out);
}

/** An in-memory workbook as a Buffer (small outputs: templates, error workbooks). */
export async function workbookBuffer(fill: (wb: ExcelJS.Workbook) => void | Promise<void>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await fill(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
