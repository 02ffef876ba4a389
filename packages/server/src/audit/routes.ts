import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope } from '../http/common-schemas';
import { AppError } from '../http/errors';
import { typed, type Module } from '../http/types';
import { auditRepo } from './repository';
import { auditFieldLabels, listAuditQuery, listAuditResponse, verifyResponse } from './schemas';
import { verifyAuditChain } from './verify';

// A bare date means the whole day in China (UTC+8), whatever the server's time zone.
const startOf = (s: string) => new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s);
const endOf = (s: string) => (s.length === 10 ? new Date(new Date(`${s}T00:00:00+08:00`).getTime() + 86_400_000) : new Date(s));

export const auditRoutes: Module = (app, { db }) => {
  const r = typed(app);

  r.get('/api/audit-log', {
    config: { permission: 'system:audit:view', fieldLabels: auditFieldLabels },
    schema: {
      tags: ['audit'],
      operationId: 'listAuditLog',
      summary: '操作日志（按数据权限过滤：只显示本人管辖区划内的记录；无区划的系统级记录仅“全部数据”可见）',
      querystring: listAuditQuery,
      response: { 200: listAuditResponse, 400: errorEnvelope, 403: errorEnvelope },
    },
    handler: async (req) => {
      const q = req.query;
      const { total, rows } = await auditRepo.list(
        db,
        ctxOf(req).scope,
        {
          from: q.from ? startOf(q.from) : undefined,
          to: q.to ? endOf(q.to) : undefined,
          username: q.username,
          module: q.module,
          action: q.action,
          entity: q.entity,
          entityId: q.entityId,
          keyword: q.keyword,
        },
        q,
      );
      return {
        items: rows.map((x) => ({
          id: x.id,
          countyCode: x.county_code,
          seq: x.seq,
          at: new Date(x.at).toISOString(),
          username: x.username,
          ip: x.ip,
          module: x.module,
          action: x.action,
          entity: x.entity,
          entityId: x.entity_id,
          areaCode: x.area_code,
          summary: x.summary,
          before: x.before ?? null,
          after: x.after ?? null,
        })),
        total,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  });

  r.get('/api/audit-log/verify', {
    config: { permission: 'system:audit:view' },
    schema: {
      tags: ['audit'],
      operationId: 'verifyAuditLog',
      summary: '校验操作日志哈希链（需要“全部数据”权限）',
      response: { 200: verifyResponse, 403: errorEnvelope },
    },
    handler: async (req) => {
      if (ctxOf(req).scope.kind !== 'all') throw new AppError(403, 'E1501', '校验操作日志须有“全部数据”的数据权限（链条跨越所有区划）');
      return verifyAuditChain(db);
    },
  });
};
