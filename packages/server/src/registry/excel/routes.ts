import type { Readable } from 'node:stream';
import { z } from 'zod';
import { pageQuerySchema, pagedResult } from '@fupin/shared';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { householdFilters } from '../households/schemas';
import { regErrors } from '../common';
import { exportRoster, importTemplate } from './export';
import { importService } from './service';
import { importItem } from './schemas';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope, 413: errorEnvelope };
const tags = ['registry'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const excelRoutes: Module = async (app, { db, pool }) => {
  // Uploads arrive as the raw file body; the parser hands over the stream so nothing is buffered.
  // Registered in its own context so JSON routes elsewhere are untouched.
  await app.register(async (sub) => {
    sub.addContentTypeParser(['application/octet-stream', XLSX_TYPE, 'text/csv', 'application/vnd.ms-excel', 'text/plain'], (_req, payload, done) => done(null, payload));
    typed(sub).post('/api/registry/imports', {
      config: { permission: 'registry:household:import' },
      schema: {
        tags,
        operationId: 'importHouseholds',
        summary: '导入农户档案（请求体为 .xlsx 或 .csv 文件本身；filename 给出文件名；导入在后台进行，wait=true 时等待完成）',
        querystring: z.strictObject({
          filename: z.string().trim().min(1, '须给出文件名').max(200),
          wait: z.preprocess((v) => v === 'true' || v === '1', z.boolean()).optional(),
        }),
        response: { 200: importItem, ...errs },
      },
      handler: async (req) => {
        const body = req.body as Readable | undefined;
        if (!body || typeof (body as Readable).pipe !== 'function') {
          throw regErrors.importFile('请求体须为文件本身（Content-Type: application/octet-stream 或 text/csv）');
        }
        return importService.start(db, ctxOf(req), body, req.query.filename, { wait: !!req.query.wait, log: req.log, pool });
      },
    });
  });

  const r = typed(app);
  r.get('/api/registry/imports', {
    config: { permission: 'registry:household:import' },
    schema: { tags, operationId: 'listImports', summary: '本人的导入记录', querystring: pageQuerySchema, response: { 200: pagedResult(importItem), ...errs } },
    handler: (req) => importService.list(db, ctxOf(req), req.query.page, req.query.pageSize),
  });
  r.get('/api/registry/imports/:id', {
    config: { permission: 'registry:household:import' },
    schema: {
      tags,
      operationId: 'getImport',
      summary: '导入进度与结果（逐行结论见错误行文件）',
      params: z.strictObject({ id: z.coerce.number().int().positive() }),
      response: { 200: importItem, ...errs },
    },
    handler: (req) => importService.get(db, ctxOf(req), req.params.id),
  });
  r.get('/api/registry/imports/:id/errors.xlsx', {
    config: { permission: 'registry:household:import' },
    schema: { tags, operationId: 'downloadImportErrors', summary: '下载错误行文件（原始各列 + 错误原因）', params: z.strictObject({ id: z.coerce.number().int().positive() }) },
    handler: async (req, reply) => {
      const f = await importService.errorFile(db, ctxOf(req), req.params.id);
      return reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', `attachment; filename="errors.xlsx"; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
        .send(f.buffer);
    },
  });
  r.get('/api/registry/import/template.xlsx', {
    config: { permission: 'registry:household:view' },
    schema: { tags, operationId: 'downloadImportTemplate', summary: '下载导入模板（户信息、成员信息、字典取值）' },
    handler: async (_req, reply) =>
      reply
        .header('content-type', XLSX_TYPE)
        .header('content-disposition', `attachment; filename="template.xlsx"; filename*=UTF-8''${encodeURIComponent('农户档案导入模板.xlsx')}`)
        .send(await importTemplate(db)),
  });
  r.get('/api/registry/households/export.xlsx', {
    config: { permission: 'registry:household:export' },
    schema: {
      tags,
      operationId: 'exportRoster',
      summary: '导出花名册（与列表相同的筛选；kind=members 为成员花名册；reveal=true 导出完整身份证号，须有查看权限并记录日志）',
      querystring: z.strictObject({
        ...householdFilters,
        kind: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['households', 'members']).default('households')),
        reveal: z.preprocess((v) => v === 'true' || v === '1', z.boolean()).optional(),
      }),
    },
    handler: async (req, reply) => {
      const { kind, reveal, ...filters } = req.query;
      return exportRoster(db, ctxOf(req), reply, filters, { kind, reveal: !!reveal }, req.log);
    },
  });
};
