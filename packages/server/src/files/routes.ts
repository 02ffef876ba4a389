import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope, idParams } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { attachmentItem, filesFieldLabels, listAttachmentsQuery, listAttachmentsResponse, uploadQuery } from './schemas';
import { fileService } from './service';
import { contentDisposition } from './types';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['files'];

/**
 * No `config.permission` here: which permission applies depends on the record a file belongs
 * to (files/owners.ts — seeing a workflow or an application to read, acting on it to upload
 * or remove), so the service checks it with the owner.
 */
export const fileRoutes: Module = async (app, { db, config }) => {
  const r = typed(app);
  const cfg = { fieldLabels: filesFieldLabels };

  r.get('/api/files', {
    config: cfg,
    schema: {
      tags,
      operationId: 'listAttachments',
      summary: '某条业务记录（识别退出流程、贷款申请）的附件列表；看得到该记录才看得到附件',
      querystring: listAttachmentsQuery,
      response: { 200: listAttachmentsResponse, ...errs },
    },
    handler: (req) => fileService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/files/:id/download', {
    config: cfg,
    schema: { tags, operationId: 'downloadAttachment', summary: '下载附件（与所属记录同样的权限和数据范围检查；记录日志）', params: idParams, response: { 404: errorEnvelope } },
    handler: async (req, reply) => {
      const f = await fileService.download(db, ctxOf(req), config, req.params.id);
      reply.header('content-type', f.mime);
      reply.header('content-length', String(f.size));
      reply.header('cache-control', 'private, no-store');
      reply.header('content-disposition', contentDisposition(f.fileName));
      return reply.send(fs.createReadStream(f.file) as never);
    },
  });

  r.delete('/api/files/:id', {
    config: cfg,
    schema: { tags, operationId: 'removeAttachment', summary: '移除附件（只做标记，记录移除人和时间，文件保留备查）', params: idParams, response: { 200: attachmentItem, ...errs } },
    handler: (req) => fileService.remove(db, ctxOf(req), req.params.id),
  });

  // The body is the file itself, streamed: this plugin's only parser hands the request stream
  // through unread, so nothing is buffered and the size limit is the parameter's, not Fastify's.
  await app.register(async (sub) => {
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    typed(sub).post('/api/files', {
      config: cfg,
      schema: {
        tags,
        operationId: 'uploadAttachment',
        summary: '上传附件：请求体为文件本身，文件名放在 fileName 参数（类型与大小上限见参数 files.allowedTypes、files.maxBytes）',
        querystring: uploadQuery,
        response: { 200: attachmentItem, 413: errorEnvelope, 415: errorEnvelope, ...errs },
      },
      handler: (req) => {
        const body = (req.body as Readable | undefined) ?? req.raw;
        return fileService.upload(db, ctxOf(req), config, req.query, body, () => req.raw.destroy());
      },
    });
  });
};
