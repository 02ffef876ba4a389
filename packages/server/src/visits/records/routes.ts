import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Deps } from '../../http/types';
import { cfg } from '../pairing/routes';
import { idParam } from '../pairing/schemas';
import {
  closeTaskBody,
  createTaskBody,
  createVisitResponse,
  listTasksQuery,
  listTasksResponse,
  listVisitsQuery,
  listVisitsResponse,
  photoItem,
  photoParams,
  photoQuery,
  taskItem,
  updateVisitBody,
  visitInput,
  visitItem,
} from './schemas';
import { MAX_PHOTO_BYTES, recordService as s } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['visits'];
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

export async function recordRoutes(app: FastifyInstance, { db, config }: Deps) {
  const r = typed(app);

  r.get('/api/visits', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listVisits', summary: '走访记录列表', querystring: listVisitsQuery, response: { 200: listVisitsResponse, ...errs } },
    handler: (req) => s.list(db, ctxOf(req), req.query),
  });
  r.get('/api/visits/:id', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'getVisit', summary: '走访记录详情（含照片）', params: idParam, response: { 200: visitItem, ...errs } },
    handler: (req) => s.get(db, ctxOf(req), req.params.id),
  });
  r.post('/api/visits', {
    config: cfg('visit:record'),
    schema: {
      tags,
      operationId: 'createVisit',
      summary: '登记一次走访（clientId 由网页生成，重复提交只记一次）',
      body: visitInput,
      response: { 200: createVisitResponse, ...errs },
    },
    handler: (req) => s.recordOne(db, ctxOf(req), req.body),
  });
  r.patch('/api/visits/:id', {
    config: cfg('visit:record'),
    schema: {
      tags,
      operationId: 'updateVisit',
      summary: '修改走访记录（带版本号；版本不符返回 409 和当前记录，不会覆盖）',
      params: idParam,
      body: updateVisitBody,
      response: { 200: visitItem, ...errs },
    },
    handler: (req) => s.update(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/visits/photos/:id', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'getVisitPhoto', summary: '下载走访照片（与走访记录同样的权限检查）', params: idParam, response: { 404: errorEnvelope } },
    handler: async (req, reply) => {
      const f = await s.photoFile(db, ctxOf(req), config, req.params.id);
      reply.header('content-type', f.mime);
      reply.header('content-length', String(f.size));
      reply.header('cache-control', 'private, max-age=86400');
      reply.header('content-disposition', 'inline');
      // a stream, not the JSON the schema describes for errors
      return reply.send(fs.createReadStream(f.file) as never);
    },
  });

  // Raw image bodies only here: the parser is scoped to this plugin.
  await app.register(async (sub) => {
    sub.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES + 1024 }, (_req, body, done) => done(null, body));
    typed(sub).put('/api/visits/photos/:clientId', {
      config: cfg('visit:record'),
      schema: {
        tags,
        operationId: 'uploadVisitPhoto',
        summary: '上传走访照片（请求体为图片本身：JPEG/PNG/WebP，≤3 MB；同一 clientId 重复上传只存一次；可先于走访记录上传）',
        params: photoParams,
        querystring: photoQuery,
        response: { 200: photoItem.extend({ duplicate: z.boolean() }), 413: errorEnvelope, 415: errorEnvelope, ...errs },
      },
      handler: (req) => {
        const mime = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        return s.uploadPhoto(db, ctxOf(req), config, req.params.clientId, req.query, mime, req.body as Buffer);
      },
    });
  });

  // 问题整改
  r.get('/api/visits/tasks', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listVisitTasks', summary: '问题整改任务（逾期在前）', querystring: listTasksQuery, response: { 200: listTasksResponse, ...errs } },
    handler: (req) => s.listTasks(db, ctxOf(req), req.query),
  });
  r.post('/api/visits/tasks', {
    config: cfg('visit:task:edit'),
    schema: { tags, operationId: 'createVisitTask', summary: '把走访发现的问题交办为整改任务（责任人、期限）', body: createTaskBody, response: { 200: taskItem, ...errs } },
    handler: (req) => s.createTask(db, ctxOf(req), req.body),
  });
  r.post('/api/visits/tasks/:id/close', {
    config: cfg('visit:task:edit'),
    schema: { tags, operationId: 'closeVisitTask', summary: '整改销号（须附佐证，可关联核实走访）', params: idParam, body: closeTaskBody, response: { 200: taskItem, ...errs } },
    handler: (req) => s.closeTask(db, ctxOf(req), req.params.id, req.body),
  });
}
