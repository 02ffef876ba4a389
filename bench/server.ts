/**
 * The real Fupin server for `npm run bench`, run as a child process so that autocannon (in the
 * parent) and the server do not share one JavaScript thread. Built exactly as `serve` builds it,
 * except:
 *  - the per-address login limit (30 a minute) is lifted, or a login benchmark from one address
 *    would measure the 429 path after the first 30 requests;
 *  - request logging is off (LOG_LEVEL=warn), like the bare Fastify baseline.
 * Prints "LISTENING <port>" when ready.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../packages/server/src/app';
import { authRoutes } from '../packages/server/src/auth/routes';
import { loadConfig } from '../packages/server/src/config';
import { createDb, createPool } from '../packages/server/src/db/db';
import type { Module } from '../packages/server/src/http/types';
import { modules } from '../packages/server/src/modules';

function withoutLoginRateLimit(app: FastifyInstance): FastifyInstance {
  const proxy: FastifyInstance = new Proxy(app, {
    get(target, prop, receiver) {
      if (prop === 'withTypeProvider') return () => proxy;
      if (prop === 'post') {
        return (path: string, opts: { config?: Record<string, unknown> }, ...rest: unknown[]) => {
          if (path === '/api/auth/login' && opts?.config?.rateLimit) {
            const { rateLimit: _lifted, ...config } = opts.config;
            opts = { ...opts, config };
          }
          return (target.post as (...a: unknown[]) => unknown).call(target, path, opts, ...rest);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return proxy;
}

const i = (modules as Module[]).indexOf(authRoutes);
if (i < 0) throw new Error('authRoutes not found in modules');
(modules as Module[])[i] = (app, deps) => authRoutes(withoutLoginRateLimit(app), deps);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const pool = createPool(config.DATABASE_URL!, 20);
const db = createDb(pool);
const app = await buildApp({ db, pool, config, logger: { level: 'warn' } });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
console.log(`LISTENING ${typeof addr === 'object' && addr ? addr.port : 0}`);
const stop = async () => {
  await app.close();
  await db.destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
