import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Deps } from '../../http/types';
import { importPairings, importTemplate } from './import';
import { cfg } from './routes';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const tags = ['visits'];
const importResponse = z.object({
  dryRun: z.boolean(),
  total: z.number(),
  applied: z.number(),
  ok: z.number(),
  rejected: z.number(),
  rows: z.array(
    z.object({
      row: z.number(),
      householdNo: z.string(),
      headName: z.string().nullable(),
      cadreName: z.string(),
      status: z.enum(['ok', 'applied', 'rejected']),
      message: z.string().nullable(),
    }),
  ),
});

export async function pairingImportRoutes(app: FastifyInstance, { db }: Deps) {
  typed(app).get('/api/visits/pairings/import-template', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'pairingImportTemplate', summary: '批量结对导入模板（Excel）' },
    handler: async (_req, reply) => {
      reply.header('content-type', XLSX);
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent('批量结对模板.xlsx')}`);
      return reply.send(await importTemplate());
    },
  });
  // The workbook itself is the body; the parser is scoped to this plugin.
  await app.register(async (sub) => {
    sub.addContentTypeParser(XLSX, { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_req, body, done) => done(null, body));
    typed(sub).post('/api/visits/pairings/import', {
      config: cfg('visit:pairing:edit'),
      schema: {
        tags,
        operationId: 'importPairings',
        summary: '从 Excel 批量结对（逐行给出结果；dryRun=true 只预检不写入）',
        querystring: z.strictObject({ dryRun: z.preprocess((v) => v === 'true' || v === '1', z.boolean()).default(false) }),
        response: { 200: importResponse, 400: errorEnvelope, 403: errorEnvelope, 413: errorEnvelope, 415: errorEnvelope },
      },
      handler: (req) => importPairings(db, ctxOf(req), req.body as Buffer, { dryRun: req.query.dryRun }),
    });
  });
}
