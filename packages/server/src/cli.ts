import { parseArgs } from 'node:util';
import { loadConfig } from './config';

const HELP = `扶贫工作站 Fupin Station — 命令行

用法: npx fupin <命令> [选项]

命令:
  serve                      启动服务（默认嵌入式 PostgreSQL，首次启动加载演示数据）
  migrate                    执行数据库迁移
  demo-data --scale township|county|province [--seed N]
                             生成确定性的演示数据（区划、机构、用户、农户、成员）
  audit verify               校验操作日志哈希链，指出第一条被篡改的记录
  backup [--out FILE]        逻辑备份全部数据到一个文件
  restore --file FILE        把备份恢复到空数据库（行数与校验和一致）
  --help                     显示本帮助

环境变量见 README.md（DATABASE_URL、FUPIN_DATA_DIR、PORT、FUPIN_ADMIN_PASSWORD …）。`;

async function main(argv: string[]) {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig();
  const log = (m: string) => console.log(m);
  switch (cmd) {
    case 'serve': {
      const { serve } = await import('./serve');
      await serve(config);
      return null; // keeps running
    }
    case 'migrate': {
      const { connect } = await import('./db/connect');
      const c = await connect(config, log);
      await c.close();
      log('迁移完成');
      return 0;
    }
    case 'demo-data': {
      const { values } = parseArgs({ args: rest, options: { scale: { type: 'string', default: 'township' }, seed: { type: 'string', default: '1' } } });
      const scale = values.scale as string;
      if (!['township', 'county', 'province'].includes(scale)) {
        console.error('--scale 只能是 township、county 或 province');
        return 2;
      }
      const { connect } = await import('./db/connect');
      const { bootstrap } = await import('./bootstrap');
      const { loadDemo } = await import('./demo/generate');
      const c = await connect(config, log);
      try {
        await bootstrap(c.db, { adminPassword: config.FUPIN_ADMIN_PASSWORD });
        const r = await loadDemo(c.db, c.pool, { scale: scale as 'township' | 'county' | 'province', seed: Number(values.seed), log });
        log(JSON.stringify(r.summary, null, 2));
      } finally {
        await c.close();
      }
      return 0;
    }
    case 'audit': {
      if (rest[0] !== 'verify') {
        console.error('用法: npx fupin audit verify');
        return 2;
      }
      const { connect } = await import('./db/connect');
      const { verifyAuditChain } = await import('./audit/verify');
      const c = await connect(config, () => {});
      try {
        const r = await verifyAuditChain(c.db);
        if (r.ok) {
          log(`操作日志完整：${r.chains} 条链，${r.rows} 条记录，哈希全部一致`);
          return 0;
        }
        console.error(
          `操作日志被改动：县 ${r.broken.countyCode} 第 ${r.broken.seq} 条（id ${r.broken.id}）— ${r.broken.reason}；已检查 ${r.rows} 条`,
        );
        return 1;
      } finally {
        await c.close();
      }
    }
    case 'backup':
    case 'restore': {
      const { runBackupCommand } = await import('./backup/cli');
      return runBackupCommand(cmd, rest, config);
    }
    default:
      console.error(`未知命令：${cmd}\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
