import type { FastifyInstance } from 'fastify';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Deps } from '../../http/types';
import { cfg } from '../pairing/routes';
import { syncPushBody, syncPushResponse, syncQuery, syncResponse } from './schemas';
import { syncService as s } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['visits'];

export function syncRoutes(app: FastifyInstance, { db }: Deps) {
  const r = typed(app);
  r.get('/api/visits/sync', {
    config: cfg('visit:record'),
    schema: {
      tags,
      operationId: 'downloadVisitSync',
      summary: '手机离线数据：本人结对户（仅本人）、家庭成员、本月应走访、每户最近 N 条走访（N≤20）',
      querystring: syncQuery,
      response: { 200: syncResponse, ...errs },
    },
    handler: (req) => s.download(db, ctxOf(req), req.query.recent),
  });
  r.post('/api/visits/sync', {
    config: cfg('visit:record'),
    schema: {
      tags,
      operationId: 'uploadVisitSync',
      summary: '上传手机离线队列中的走访（每条带手机生成的 clientId：重复上传只记一次；逐条返回结果，农户已变更时报告冲突）',
      body: syncPushBody,
      response: { 200: syncPushResponse, ...errs },
    },
    handler: (req) => s.upload(db, ctxOf(req), req.body.visits),
  });
}
