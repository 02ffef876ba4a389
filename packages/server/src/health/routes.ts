import { sql } from 'kysely';
import { z } from 'zod';
import { typed, type Module } from '../http/types';

export const healthRoutes: Module = (app, { db }) => {
  typed(app).get('/api/health', {
    config: { public: true },
    schema: {
      tags: ['system'],
      operationId: 'health',
      summary: '健康检查',
      response: {
        200: z.object({ status: z.literal('ok'), database: z.object({ ok: z.boolean(), version: z.string(), latencyMs: z.number() }) }),
        503: z.object({ status: z.literal('degraded'), database: z.object({ ok: z.boolean(), error: z.string() }) }),
      },
    },
    handler: async (_req, reply) => {
      const t = performance.now();
      try {
        const r = await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db);
        return { status: 'ok' as const, database: { ok: true, version: r.rows[0].v, latencyMs: Math.round((performance.now() - t) * 100) / 100 } };
      } catch (e) {
        return reply.status(503).send({ status: 'degraded' as const, database: { ok: false, error: '数据库不可用' } });
      }
    },
  });
};
