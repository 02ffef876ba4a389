import { z } from 'zod';
import { pageQuerySchema, pagedResult } from '@fupin/shared';
import { ALL_SCOPE } from '../../scope/scope';
import { registerJob } from '../../jobs/runner';
import { writeAudit } from '../../audit/audit';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { sendWorkbook } from '../excel/xlsx';
import { today } from '../common';
import { qualityService, runQuality } from './service';
import { filters, issueItem, summary } from './schemas';

// The nightly run over the whole register (02:00 China time, jobs/runner.ts).
registerJob('registry-quality', (db) => runQuality(db, ALL_SCOPE, null), { nightly: true });

const errs = { 400: errorEnvelope, 403: errorEnvelope };
const tags = ['registry'];

export const qualityRoutes: Module = (app, { db }) => {
  const r = typed(app);
  r.get('/api/registry/quality/summary', {
    config: { permission: 'registry:quality:view' },
    schema: { tags, operationId: 'qualitySummary', summary: '数据质量：按规则、乡镇、村统计问题数', querystring: z.strictObject(filters), response: { 200: summary, ...errs } },
    handler: (req) => qualityService.summary(db, ctxOf(req), req.query),
  });
  r.get('/api/registry/quality/issues', {
    config: { permission: 'registry:quality:view' },
    schema: { tags, operationId: 'listQualityIssues', summary: '数据质量问题清单（待整改）', querystring: pageQuerySchema.extend(filters), response: { 200: pagedResult(issueItem), ...errs } },
    handler: (req) => qualityService.list(db, ctxOf(req), req.query as never),
  });
  r.get('/api/registry/quality/issues.xlsx', {
    config: { permission: 'registry:quality:view' },
    schema: { tags, operationId: 'exportQualityIssues', summary: '导出数据质量问题清单（Excel，流式）', querystring: z.strictObject(filters) },
    handler: async (req, reply) => {
      const ctx = ctxOf(req);
      await db.transaction().execute((tx) =>
        writeAudit(tx, ctx, { module: 'registry', action: 'export', entity: 'registry_quality_issue', summary: `导出数据质量问题清单（${JSON.stringify(req.query)}）` }),
      );
      return sendWorkbook(
        reply,
        `数据质量问题清单-${today()}.xlsx`,
        async (sheet) => {
          const s = sheet(
            '问题清单',
            [
              { header: '乡镇', key: 'townshipName' },
              { header: '村', key: 'villageName' },
              { header: '户编号', key: 'householdNo', width: 20 },
              { header: '户主', key: 'headName' },
              { header: '成员', key: 'personName' },
              { header: '规则', key: 'ruleLabel', width: 22 },
              { header: '级别', key: 'severityLabel', width: 8 },
              { header: '问题', key: 'message', width: 80 },
            ],
            { title: `数据质量问题清单（${today()}）` },
          );
          for await (const page of qualityService.iterate(db, ctx, req.query)) for (const row of page) s.addObject(row);
        },
        req.log,
      );
    },
  });
  r.post('/api/registry/quality/run', {
    config: { permission: 'registry:quality:view' },
    schema: {
      tags,
      operationId: 'runQuality',
      summary: '立即对本人管辖范围重新检查数据质量（夜间任务每天自动全量检查）',
      response: { 200: z.object({ runId: z.number(), households: z.number(), persons: z.number(), issues: z.number() }), ...errs },
    },
    handler: async (req) => {
      const ctx = ctxOf(req);
      return runQuality(db, ctx.scope, ctx.user.areaCode);
    },
  });
};
