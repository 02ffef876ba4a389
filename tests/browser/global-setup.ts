import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp } from '../../packages/server/src/app';
import { bootstrap } from '../../packages/server/src/bootstrap';
import { loadConfig } from '../../packages/server/src/config';
import { connect } from '../../packages/server/src/db/connect';
import { loadDemo } from '../../packages/server/src/demo/generate';
import { keepTestExitCode } from '../../packages/server/src/test/exit-code';

export const BROWSER_ADMIN_PASSWORD = 'Admin#Browser2026';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    demoUsers: { username: string; password: string; role: string; areaCode: string }[];
    /** For tests that must put a record in the past (a finished quarter), which no API allows. */
    databaseUrl: string;
  }
}

/**
 * The real server (built web app, embedded PostgreSQL in a temporary directory, township demo
 * data) for the browser tests. `npm run test:browser` builds the web app first.
 */
export default async function setup(project: TestProject) {
  keepTestExitCode();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-browser-'));
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: undefined,
    FUPIN_DATA_DIR: dataDir,
    FUPIN_PG_PORT: String(57000 + Math.floor(Math.random() * 2000)),
    FUPIN_ADMIN_PASSWORD: BROWSER_ADMIN_PASSWORD,
    LOG_LEVEL: 'warn',
  });
  const c = await connect(config);
  await bootstrap(c.db, { adminPassword: BROWSER_ADMIN_PASSWORD });
  const demo = await loadDemo(c.db, c.pool, { scale: 'township', seed: 7 });
  const app = await buildApp({ db: c.db, pool: c.pool, config, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  project.provide('baseUrl', `http://127.0.0.1:${port}`);
  project.provide('demoUsers', demo.users);
  project.provide('databaseUrl', c.url);
  return async () => {
    await app.close();
    await c.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
