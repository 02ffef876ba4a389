/**
 * `npm run bench` — measured performance, written to docs/benchmarks.md (method described
 * there). Benchmarks are not tests: nothing here asserts a time.
 *
 *   npm run bench                      county scale (demo load vs COPY, HTTP against a county)
 *   npm run bench -- --quick           township scale only (about a minute)
 *   npm run bench -- --scale province  ten counties (long)
 *   options: --duration 10 (seconds per HTTP run), --connections 10, --no-http
 *
 * Uses DATABASE_URL when set (a fresh database is created on that server and dropped after),
 * otherwise an embedded PostgreSQL in a temporary directory.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { hashPassword } from '../packages/server/src/auth/password';
import { bootstrap } from '../packages/server/src/bootstrap';
import { createDb, createPool } from '../packages/server/src/db/db';
import { openBenchDatabase } from './db';
import { migrate } from '../packages/server/src/db/migrate';
import { DEMO_PASSWORD, loadDemo, planRegion, type DemoScale } from '../packages/server/src/demo/generate';
import { renderReport, type BenchResult, type HttpResult, type LoadResult } from './report';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'no-http': { type: 'boolean', default: false },
  },
});
const scale = (values.quick ? 'township' : (values.scale ?? 'county')) as DemoScale;
if (!['township', 'county', 'province'].includes(scale)) throw new Error('--scale: township | county | province');
const duration = Number(values.duration);
const connections = Number(values.connections);
const log = (m: string) => console.log(`[bench] ${m}`);

// ---------------------------------------------------------------------------------------------
// Database

// ---------------------------------------------------------------------------------------------
// Demo load vs plain COPY of the same rows

const BULK_TABLES = ['household', 'person', 'person_id_index', 'household_status_history'] as const;

async function copyBaseline(pool: pg.Pool, countyCodes: string[], withIndexes: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-bench-csv-'));
  const client = await pool.connect();
  try {
    const counties = countyCodes.map((c) => `'${c}'`).join(',');
    for (const t of BULK_TABLES) {
      await pipeline(
        client.query(copyTo(`COPY (SELECT * FROM ${t} WHERE county_code IN (${counties})) TO STDOUT (FORMAT csv)`)),
        fs.createWriteStream(path.join(dir, `${t}.csv`)),
      );
      await client.query(`DROP TABLE IF EXISTS bench_${t}`);
      await client.query(`CREATE TABLE bench_${t} (LIKE ${t} ${withIndexes ? 'INCLUDING ALL' : 'INCLUDING DEFAULTS INCLUDING IDENTITY'})`);
    }
    await client.query('CHECKPOINT');
    const t0 = performance.now();
    let rows = 0;
    await client.query('BEGIN');
    for (const t of BULK_TABLES) {
      const stream = client.query(copyFrom(`COPY bench_${t} FROM STDIN (FORMAT csv)`));
      await pipeline(fs.createReadStream(path.join(dir, `${t}.csv`)), stream);
      rows += Number(stream.rowCount);
    }
    await client.query('COMMIT');
    const seconds = (performance.now() - t0) / 1000;
    for (const t of BULK_TABLES) await client.query(`DROP TABLE bench_${t}`);
    return { rows, seconds, rowsPerSecond: Math.round(rows / seconds) };
  } finally {
    client.release();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchLoad(url: string, s: DemoScale): Promise<LoadResult> {
  const pool = createPool(url, 4);
  const db = createDb(pool);
  try {
    await pool.query('CHECKPOINT');
    log(`loading demo data, ${s} scale …`);
    const t0 = performance.now();
    const r = await loadDemo(db, pool, { scale: s, seed: 1, log: (m) => log(`  ${m.trim()}`) });
    const seconds = (performance.now() - t0) / 1000;
    const counts = {
      households: Number(r.summary.households),
      persons: Number(r.summary.persons),
      statusChanges: Number(r.summary.statusChanges),
    };
    const bulkRows = counts.households + 2 * counts.persons + counts.statusChanges; // person_id_index has one row per person
    const countyCodes = planRegion(s, 1).counties.map((c) => c.code);
    log(`  COPY of the same ${bulkRows.toLocaleString('en-US')} rows into empty copies with the same indexes …`);
    const copyIndexed = await copyBaseline(pool, countyCodes, true);
    log(`  … and into empty copies without indexes …`);
    const copyBare = await copyBaseline(pool, countyCodes, false);
    if (copyIndexed.rows !== bulkRows || copyBare.rows !== bulkRows) throw new Error(`COPY baseline rows ${copyIndexed.rows}/${copyBare.rows} ≠ ${bulkRows}`);
    const result: LoadResult = {
      scale: s,
      ...counts,
      townships: Number(r.summary.townships),
      villages: Number(r.summary.villages),
      users: Number(r.summary.users),
      bulkRows,
      seconds,
      rowsPerSecond: Math.round(bulkRows / seconds),
      copyIndexed,
      copyBare,
    };
    log(
      `  demo load ${seconds.toFixed(1)} s (${result.rowsPerSecond.toLocaleString('en-US')} rows/s); ` +
        `COPY ${copyIndexed.seconds.toFixed(1)} s (${copyIndexed.rowsPerSecond.toLocaleString('en-US')} rows/s) with indexes, ` +
        `${copyBare.seconds.toFixed(1)} s without`,
    );
    return result;
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

function startChild(script: string, env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, script)], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code} before listening`)));
  });
}

async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function cannon(name: string, opts: autocannon.Options, note = ''): Promise<HttpResult> {
  // A short warm-up (JIT, connection pools, caches) that is not counted.
  await autocannon({ ...opts, duration: 2 });
  const latencies: number[] = [];
  const instance = autocannon({ ...opts, duration, connections });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const r = await instance;
  latencies.sort((a, b) => a - b);
  const result: HttpResult = {
    name,
    method: (opts.method as string) ?? 'GET',
    path: new URL(String(opts.url)).pathname + new URL(String(opts.url)).search,
    requests: r.requests.total,
    rps: Math.round((r.requests.total / duration) * 10) / 10,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    note,
  };
  log(`  ${name}: ${result.rps} req/s, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, non-2xx ${result.non2xx}`);
  return result;
}

async function login(base: string, username: string): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('fupin_sid='))!;
  return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

async function benchHttp(url: string, s: DemoScale): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  const plan = planRegion(s, 1);
  const county = plan.counties[0];
  const township = county.townships[0];

  const bare = await startChild('bare-server.ts', {});
  try {
    log('HTTP: bare Fastify route …');
    results.push(await cannon('bare Fastify route (baseline)', { url: `http://127.0.0.1:${bare.port}/bare` }));
  } finally {
    await stopChild(bare.child);
  }

  const app = await startChild('server.ts', { DATABASE_URL: url });
  const base = `http://127.0.0.1:${app.port}`;
  try {
    log(`HTTP: real server with the ${s}-scale demo data …`);
    results.push(await cannon('GET /api/health (database round trip)', { url: `${base}/api/health` }));

    // Logins rotate over every demo user of the county (argon2id verify on each).
    const users = [`co${county.code}`, `fb${county.code}`, `cu${county.code}`, `in${county.code}`];
    for (const t of county.townships) users.push(`st${t.code}`, `fo${t.code}`, `cp${t.code}`, ...t.villages.map((v) => `vc${v.code}`));
    let next = 0;
    results.push(
      await cannon(
        'POST /api/auth/login (argon2id)',
        {
          url: `${base}/api/auth/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [
            {
              method: 'POST',
              path: '/api/auth/login',
              setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: users[next++ % users.length], password: DEMO_PASSWORD }) }),
            },
          ],
        },
        `rotating over ${users.length} demo users; per-address limit lifted for the run`,
      ),
    );

    const office = await login(base, `co${county.code}`);
    const probe = await fetch(`${base}/api/users?page=1&pageSize=20`, { headers: { cookie: office.cookie } });
    if (probe.status === 200) {
      const total = ((await probe.json()) as { total: number }).total;
      results.push(
        await cannon('GET /api/users?page=1&pageSize=20', { url: `${base}/api/users?page=1&pageSize=20`, headers: { cookie: office.cookie } }, `county office user, ${total} users in scope`),
      );
    } else {
      results.push(
        await cannon('GET /api/auth/me', { url: `${base}/api/auth/me`, headers: { cookie: office.cookie } }, `/api/users answered ${probe.status}: measured /api/auth/me instead`),
      );
    }

    // The registry list at scale, when the registry module is there.
    const hhPath = `/api/registry/households?page=1&pageSize=20&townshipCode=${township.code}`;
    const hhProbe = await fetch(base + hhPath, { headers: { cookie: office.cookie } });
    if (hhProbe.status === 200) {
      const total = ((await hhProbe.json()) as { total: number }).total;
      results.push(await cannon(`GET ${hhPath.split('&townshipCode')[0]}&townshipCode=…`, { url: base + hhPath, headers: { cookie: office.cookie } }, `county office user, one township: ${total} households`));
      const all = `/api/registry/households?page=1&pageSize=20`;
      const allProbe = await fetch(base + all, { headers: { cookie: office.cookie } });
      if (allProbe.status === 200) {
        const n = ((await allProbe.json()) as { total: number }).total;
        results.push(await cannon(`GET ${all}`, { url: base + all, headers: { cookie: office.cookie } }, `county office user, whole county: ${n} households`));
      }
    } else {
      log(`  (registry list answered ${hhProbe.status}; skipped)`);
    }
  } finally {
    await stopChild(app.child);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------

/**
 * A yardstick for how busy the machine is: one argon2id hash costs ~7 ms of CPU on an idle core
 * (stack-notes.md); on a shared machine the measured time shows how much of a core we got.
 */
async function argon2Ms(): Promise<number> {
  await hashPassword('warm-up');
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) await hashPassword(`probe-${i}`);
  return Math.round(((performance.now() - t0) / 10) * 10) / 10;
}

async function machine(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const v = (await c.query(`SELECT current_setting('server_version') AS v`)).rows[0].v as string;
  await c.end();
  let commit = '';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
  } catch {
    /* not a git checkout */
  }
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? '',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    argon2Ms: await argon2Ms(),
    node: process.version,
    postgres: v,
    embedded: !process.env.DATABASE_URL,
    commit,
  };
}

async function main() {
  const db = await openBenchDatabase('fupin-bench');
  try {
    const pool = createPool(db.url, 4);
    await migrate(pool);
    await bootstrap(createDb(pool), { adminPassword: `Bench#${randomBytes(6).toString('hex')}` });
    await pool.end();
    const info = await machine(db.url);
    log(`${info.cores} cores, ${info.memoryGiB} GiB, Node ${info.node}, PostgreSQL ${info.postgres}, load ${info.loadAverage.join(' ')}, argon2 ${info.argon2Ms} ms`);

    const loads: LoadResult[] = [await benchLoad(db.url, 'township')];
    if (scale !== 'township') loads.push(await benchLoad(db.url, scale));
    const http = values['no-http'] ? [] : await benchHttp(db.url, scale);

    const after = { loadAverageAfter: os.loadavg().map((x) => Math.round(x * 100) / 100), argon2MsAfter: await argon2Ms() };
    const result: BenchResult = { scale, machine: { ...info, ...after }, duration, connections, loads, http };
    const dir = path.join(here, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${scale}.json`), JSON.stringify(result, null, 2) + '\n');
    const report = renderReport(dir);
    fs.writeFileSync(path.join(root, 'docs', 'benchmarks.md'), report);
    log(`results: bench/results/${scale}.json → docs/benchmarks.md`);
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
