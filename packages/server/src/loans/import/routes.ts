import type { Readable } from 'node:stream';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { AppError } from '../../http/errors';
import { loanImportParams, loanImportQuery, loanImportResult } from './schemas';
import { loanImportService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope, 413: errorEnvelope };
const tags = ['loans'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const loanImportRoutes: Module = async (app, { db }) => {
  // The upload is the raw file body, streamed to a temporary file (as the register's import).
  await app.register(async (sub) => {
    sub.addContentTypeParser(['application/octet-stream', XLSX_TYPE, 'text/csv', 'application/vnd.ms-excel', 'text/plain'], (_req, payload, done) => done(null, payload));
    typed(sub).post('/api/loans/imports', {
      // loan:view here; the service requires a lender (coop, or the county credit union).
      config: { permission: 'loan:view' },
      schema: {
        tags,
        operationId: 'importHistoricalLoans',
        summary: '导入历史贷款（请求体为 .xlsx 或 .csv 文件本身；filename 给出文件名；逐行导入，错误行见错误行文件）',
        querystring: loanImportQuery,
        response: { 200: loanImportResult, ...errs },
      },
      handler: async (req) => {
        const body = req.body as Readable | undefined;
        if (!body || typeof body.pipe !== 'function') throw new AppError(400, 'E3210', '请求体须为文件本身（Content-Type: application/octet-stream 或 text/csv）');
        return loanImportService.run(db, ctxOf(req), body, req.query.filename);
      },
    });
  });

  const r = typed(app);
  r.get('/api/loans/imports/template.xlsx', {
    config: { permission: 'loan:view' },
    schema: { tags, operationId: 'downloadLoanImportTemplate', summary: '下载历史贷款导入模板（含取值说明表）' },
    handler: async (_req, reply) =>
      reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent('历史贷款导入模板.xlsx')}`)
        .send(await loanImportService.template(db)),
  });
  r.get('/api/loans/imports/:id/errors.xlsx', {
    config: { permission: 'loan:view' },
    schema: { tags, operationId: 'downloadLoanImportErrors', summary: '下载历史贷款导入的错误行文件（原始各列 + 错误原因）', params: loanImportParams },
    handler: async (req, reply) => {
      const f = await loanImportService.errorFile(db, ctxOf(req), req.params.id);
      return reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', `attachment; filename="errors.xlsx"; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
        .send(f.buffer);
    },
  });
};
