import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config';
import { connect } from '../db/connect';
import { backupDatabase, restoreDatabase } from './dump';

/** `npx fupin backup [--out FILE]` and `npx fupin restore --file FILE` (docs/backup.md). */
export async function runBackupCommand(cmd: 'backup' | 'restore', args: string[], config: Config): Promise<number> {
  const log = (m: string) => console.log(m);
  let values: { out?: string; file?: string };
  try {
    values = parseArgs({ args, options: { out: { type: 'string' }, file: { type: 'string' } }, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n用法: npx fupin backup [--out 文件]  |  npx fupin restore --file 文件`);
    return 2;
  }
  if (cmd === 'restore' && !values.file) {
    console.error('用法: npx fupin restore --file 备份文件');
    return 2;
  }
  const busy = embeddedInUse(config);
  if (busy) {
    // connect() would treat the running postmaster as a stale one and stop it under the server.
    console.error(
      `嵌入式数据库正被运行中的服务使用（进程 ${busy}）。请先停止服务再${cmd === 'backup' ? '备份' : '恢复'}，` +
        '或设置 DATABASE_URL 连接到该数据库。',
    );
    return 1;
  }

  const c = await connect(config, cmd === 'restore' ? log : () => {});
  try {
    if (cmd === 'backup') {
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      const out = values.out ?? path.join(config.FUPIN_DATA_DIR, 'backups', `fupin-${stamp}.backup.gz`);
      if (fs.existsSync(out)) {
        console.error(`文件已存在，不会覆盖：${out}`);
        return 1;
      }
      const started = Date.now();
      log(`正在备份到 ${out} …`);
      const r = await backupDatabase(c.pool, out, log);
      const rows = r.manifest.tables.reduce((s, t) => s + t.rows, 0);
      log(
        `备份完成：${r.manifest.tables.length} 张表，${rows.toLocaleString('en-US')} 行，` +
          `${(r.bytes / 1024 / 1024).toFixed(1)} MB，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
      );
      log(`迁移 ${r.manifest.migrations.length} 个（最新 ${r.manifest.migrations.at(-1) ?? '无'}），PostgreSQL ${r.manifest.server}`);
      log(`文件：${path.resolve(out)}`);
      return 0;
    }
    const started = Date.now();
    log(`正在从 ${values.file} 恢复 …`);
    const r = await restoreDatabase(c.pool, values.file!, log);
    log('表                         行数  校验和（md5）                       结果');
    for (const t of r.tables) log(`${t.name.padEnd(24)} ${String(t.rows).padStart(9)}  ${t.checksum}  ${t.ok ? '一致' : '不一致'}`);
    const rows = r.tables.reduce((s, t) => s + t.rows, 0);
    log(
      `恢复完成：${r.tables.length} 张表、${rows.toLocaleString('en-US')} 行的行数与校验和全部与备份一致` +
        `（备份于 ${r.manifest.createdAt}），用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
    );
    log('建议接着运行 npx fupin audit verify 校验操作日志哈希链。');
    return 0;
  } catch (e) {
    console.error(`${cmd === 'backup' ? '备份' : '恢复'}失败：${(e as Error).message}`);
    return 1;
  } finally {
    await c.close();
  }
}

/** The pid of a live postmaster on the embedded data directory, if a server is using it. */
function embeddedInUse(config: Config): number | null {
  if (config.DATABASE_URL) return null;
  const pidFile = path.join(config.FUPIN_DATA_DIR, 'pg', 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  // A postmaster whose Node parent died (kill -9) is re-parented to init: that one is stale,
  // and connect() stops it as usual.
  try {
    const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
    if (ppid === 1) return null;
  } catch {
    /* no /proc: assume it is in use */
  }
  return pid;
}
