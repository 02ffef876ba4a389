import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildApp, webDist } from './app';
import { bootstrap } from './bootstrap';
import { repoRoot, type Config } from './config';
import { connect } from './db/connect';
import { startJobRunner } from './jobs/runner';

export async function serve(config: Config) {
  const log = (m: string) => console.log(`[fupin] ${m}`);
  if (!fs.existsSync(path.join(webDist, 'index.html'))) {
    log('首次启动：正在构建网页前端（约半分钟）…');
    const r = spawnSync('npm', ['run', 'build', '-w', '@fupin/web'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('前端构建失败');
  }
  const c = await connect(config, log);
  const boot = await bootstrap(c.db, { adminPassword: config.FUPIN_ADMIN_PASSWORD });
  let demoNote = '';
  if (config.FUPIN_DEMO !== 'none') {
    const anyArea = await c.db.selectFrom('area').select('code').limit(1).executeTakeFirst();
    if (!anyArea) {
      const { loadDemo } = await import('./demo/generate');
      log(`正在加载演示数据（${config.FUPIN_DEMO === 'county' ? '一个县' : '一个乡镇'}）…`);
      const r = await loadDemo(c.db, c.pool, { scale: config.FUPIN_DEMO, seed: 1, log });
      demoNote = r.loginHint;
    }
  }
  const app = await buildApp({ db: c.db, pool: c.pool, config });
  const jobs = startJobRunner(c.db, app.log);
  const shutdown = async () => {
    log('正在停止…');
    jobs.stop();
    await app.close().catch(() => {});
    await c.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ port: config.PORT, host: config.HOST });
  const url = `http://${config.HOST}:${config.PORT}`;
  console.log('');
  console.log(`  扶贫工作站已启动：${url}`);
  if (boot.generatedAdminPassword) {
    console.log(`  管理员账号 admin，初始密码 ${boot.generatedAdminPassword}（只显示这一次，首次登录须修改）`);
  } else if (config.FUPIN_ADMIN_PASSWORD) {
    console.log('  管理员账号 admin，密码为环境变量 FUPIN_ADMIN_PASSWORD 的值');
  } else {
    console.log('  管理员账号 admin（密码已在首次启动时显示；忘记时可用 FUPIN_ADMIN_PASSWORD 之外的方式重置，见 README）');
  }
  if (demoNote) console.log(`  ${demoNote}`);
  console.log('');
}
