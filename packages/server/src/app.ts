import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { repoRoot, type Config } from './config';
import type { Db } from './db/db';
import type pg from 'pg';
import { installAuthHooks } from './http/auth-hooks';
import { installErrorHandler } from './http/error-handler';
import type { Deps, Module } from './http/types';
import { modules } from './modules';

// Validation messages in Chinese for every schema, server and browser alike.
z.config(z.locales.zhCN());

export const webDist = path.join(repoRoot, 'packages/web/dist');

export async function buildApp(deps: { db: Db; pool: pg.Pool; config: Config; logger?: boolean | object }): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: deps.config.LOG_LEVEL },
    bodyLimit: deps.config.FUPIN_BODY_LIMIT,
    trustProxy: false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    ajv: undefined,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: '扶贫工作站 Fupin Station API', version: '0.1.0', description: '所有接口均需登录（标注为公开的除外）；修改类请求须带 x-csrf-token 头。' },
      tags: [],
    },
    transform: jsonSchemaTransform,
  });
  const hasWeb = fs.existsSync(path.join(webDist, 'index.html'));
  installErrorHandler(app, { notFound: !hasWeb });
  installAuthHooks(app, deps.db);

  const full: Deps = { db: deps.db, pool: deps.pool, config: deps.config };
  for (const m of modules as Module[]) await m(app, full);

  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  if (hasWeb) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false, index: 'index.html' });
    // Client-side routes: any non-API GET that is not a file gets the app shell.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.status(404).send({ error: { code: 'E1404', message: `接口不存在：${req.method} ${req.url.split('?')[0]}` } });
    });
  }
  return app;
}
