import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { migrationsDir } from '../db/migrate';

/**
 * In-app logical backup (Debian's pg_dump 15 cannot dump the embedded PostgreSQL 18,
 * stack-notes.md). One gzip file:
 *
 *   FUPIN-BACKUP 1                     ← magic line, format version
 *   {"format":1,…,"tables":[…]}        ← manifest: migrations, per table columns, rows, checksum
 *   #TABLE area                        ← then, per table in foreign-key order,
 *   <COPY text rows>                      the rows exactly as `COPY … TO STDOUT` wrote them
 *   \.
 *
 * The manifest is a first gzip member and the data a second one (gzip members concatenate),
 * so the manifest comes first although it is only known once the data has been written.
 *
 * Checksum of a table: md5 of its COPY text output with rows ordered by primary key (text keys
 * compared with COLLATE "C"), under fixed output settings. Backup hashes the rows it writes;
 * restore hashes what the database holds after loading, the same way.
 */
export const BACKUP_FORMAT = 1;
const MAGIC = `FUPIN-BACKUP ${BACKUP_FORMAT}`;

// Not backed up: migration bookkeeping (the restoring server writes its own) and login
// sessions (after a restore everyone logs in again; a session is a credential of the moment).
const SKIP_TABLES = new Set(['schema_migration', 'session']);

// Settings that make COPY's text output identical on both sides.
const OUTPUT_SETTINGS = [
  `SET TimeZone = 'UTC'`,
  `SET DateStyle = 'ISO, YMD'`,
  `SET IntervalStyle = 'postgres'`,
  `SET extra_float_digits = 1`,
  `SET bytea_output = 'hex'`,
];

/** `key`: the columns the checksum orders by (the primary key; all columns when there is none). */
export type TableManifest = { name: string; columns: string[]; key: string[]; rows: number; checksum: string };
export type SequenceManifest = { name: string; lastValue: number | null };
export type Manifest = {
  format: number;
  app: 'fupin';
  createdAt: string;
  server: string;
  database: string;
  migrations: string[];
  tables: TableManifest[];
  sequences: SequenceManifest[];
};

type TableInfo = {
  name: string;
  columns: string[];
  key: string[];
  collatable: Set<string>;
  identity: { column: string; sequence: string }[];
};

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** Base tables of the public schema with their columns, keys and FK-respecting order. */
async function listTables(client: pg.PoolClient): Promise<TableInfo[]> {
  const cols = await client.query<{ table: string; column: string; collatable: boolean; seq: string | null; pk_pos: number | null }>(`
    SELECT c.relname AS table, a.attname AS column, a.attcollation <> 0 AS collatable,
           pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq,
           array_position(i.indkey::int2[], a.attnum) AS pk_pos
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
    WHERE c.relkind = 'r'
    ORDER BY c.relname, a.attnum`);
  const fks = await client.query<{ child: string; parent: string }>(`
    SELECT DISTINCT c.relname AS child, p.relname AS parent
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`);

  const byTable = new Map<string, TableInfo & { pk: { pos: number; column: string }[] }>();
  for (const r of cols.rows) {
    if (SKIP_TABLES.has(r.table)) continue;
    let t = byTable.get(r.table);
    if (!t) byTable.set(r.table, (t = { name: r.table, columns: [], key: [], collatable: new Set(), identity: [], pk: [] }));
    t.columns.push(r.column);
    if (r.collatable) t.collatable.add(r.column);
    if (r.pk_pos !== null) t.pk.push({ pos: r.pk_pos, column: r.column });
    if (r.seq) t.identity.push({ column: r.column, sequence: r.seq });
  }
  for (const t of byTable.values()) {
    // A table without a primary key is ordered by all of its columns: still deterministic.
    t.key = t.pk.length ? t.pk.sort((a, b) => a.pos - b.pos).map((p) => p.column) : [...t.columns];
  }

  // Parents before children (Kahn's algorithm, alphabetical among equals for a stable file).
  const deps = new Map<string, Set<string>>([...byTable.keys()].map((n) => [n, new Set<string>()]));
  for (const fk of fks.rows) if (deps.has(fk.child) && deps.has(fk.parent)) deps.get(fk.child)!.add(fk.parent);
  const order: string[] = [];
  while (deps.size) {
    const ready = [...deps].filter(([, ps]) => ps.size === 0).map(([n]) => n).sort();
    if (!ready.length) throw new Error(`表之间存在循环外键，无法确定备份顺序：${[...deps.keys()].join('、')}`);
    for (const n of ready) {
      order.push(n);
      deps.delete(n);
      for (const ps of deps.values()) ps.delete(n);
    }
  }
  return order.map((n) => {
    const { name, columns, key, collatable, identity } = byTable.get(n)!;
    return { name, columns, key, collatable, identity };
  });
}

/** The checksum query: text keys compare byte-wise, so the database's collation cannot change the order. */
function selectSql(table: string, columns: string[], key: string[], collatable: Set<string>) {
  const orderBy = key.map((c) => (collatable.has(c) ? `${q(c)} COLLATE "C"` : q(c))).join(', ');
  return `COPY (SELECT ${columns.map(q).join(', ')} FROM ${q(table)} ORDER BY ${orderBy}) TO STDOUT`;
}

/** Streams a table's rows in checksum order; calls `sink` with each chunk. */
async function streamTable(client: pg.PoolClient, sqlText: string, sink?: (chunk: Buffer) => Promise<void> | void) {
  const hash = createHash('md5');
  let rows = 0;
  const stream = client.query(copyTo(sqlText));
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
    if (sink) await sink(chunk);
  }
  return { rows, checksum: hash.digest('hex') };
}

async function applySettings(client: pg.PoolClient) {
  for (const s of OUTPUT_SETTINGS) await client.query(s);
}

export type BackupResult = { file: string; bytes: number; manifest: Manifest };

/** Writes a consistent snapshot of the whole database to `file` (gzip). */
export async function backupDatabase(pool: pg.Pool, file: string, log: (m: string) => void = () => {}): Promise<BackupResult> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const dataPart = `${file}.data.part`;
  const finalPart = `${file}.part`;
  const client = await pool.connect();
  try {
    await applySettings(client);
    // One snapshot for every table, so the file is consistent even while the server is in use.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await listTables(client);
    const migrations = (await client.query<{ name: string }>(`SELECT name FROM schema_migration ORDER BY name`)).rows.map((r) => r.name);
    const server = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const database = (await client.query<{ d: string }>(`SELECT current_database() AS d`)).rows[0].d;
    const sequences = (
      await client.query<{ name: string; last_value: string | null }>(
        `SELECT sequencename AS name, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
      )
    ).rows.map((r) => ({ name: r.name, lastValue: r.last_value === null ? null : Number(r.last_value) }));

    const gz = zlib.createGzip({ level: 6 });
    const out = fs.createWriteStream(dataPart);
    const done = pipeline(gz, out);
    const write = async (b: Buffer | string) => {
      if (!gz.write(b)) await once(gz, 'drain');
    };
    const manifests: TableManifest[] = [];
    for (const t of tables) {
      await write(`#TABLE ${t.name}\n`);
      const r = await streamTable(client, selectSql(t.name, t.columns, t.key, t.collatable), write);
      await write('\\.\n');
      manifests.push({ name: t.name, columns: t.columns, key: t.key, rows: r.rows, checksum: r.checksum });
      if (r.rows >= 10_000) log(`  ${t.name}: ${r.rows.toLocaleString('en-US')} 行`);
    }
    gz.end();
    await done;
    await client.query('COMMIT');

    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      app: 'fupin',
      createdAt: new Date().toISOString(),
      server,
      database,
      migrations,
      tables: manifests,
      sequences,
    };
    fs.writeFileSync(finalPart, zlib.gzipSync(`${MAGIC}\n${JSON.stringify(manifest)}\n`));
    await pipeline(fs.createReadStream(dataPart), fs.createWriteStream(finalPart, { flags: 'a' }));
    fs.renameSync(finalPart, file);
    return { file, bytes: fs.statSync(file).size, manifest };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    fs.rmSync(finalPart, { force: true });
    throw e;
  } finally {
    fs.rmSync(dataPart, { force: true });
    client.release();
  }
}

/** Reads just the magic line and the manifest. */
export async function readManifest(file: string): Promise<Manifest> {
  if (!fs.existsSync(file)) throw new Error(`备份文件不存在：${file}`);
  const source = fs.createReadStream(file);
  const input = source.pipe(zlib.createGunzip());
  let text = '';
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      const lines = text.split('\n');
      if (lines.length >= 3) {
        if (lines[0] !== MAGIC) break;
        return JSON.parse(lines[1]) as Manifest;
      }
      if (text.length > 64 * 1024 * 1024) break;
    }
  } catch {
    /* not gzip, or cut short: reported below */
  } finally {
    input.destroy();
    source.destroy();
  }
  if (!text.startsWith('FUPIN-BACKUP ')) throw new Error(`${file} 不是扶贫工作站的备份文件`);
  if (!text.startsWith(MAGIC + '\n')) throw new Error(`备份文件格式版本不受支持（${text.split('\n')[0]}），本程序只能恢复格式 ${BACKUP_FORMAT}`);
  throw new Error(`备份文件 ${file} 不完整或已损坏`);
}

/** Tables that migrations themselves fill (dictionaries, parameters): allowed to hold rows before a restore. */
export function migrationSeededTables(): Set<string> {
  const seeded = new Set<string>();
  for (const f of fs.readdirSync(migrationsDir).filter((x) => x.endsWith('.sql'))) {
    const text = fs.readFileSync(path.join(migrationsDir, f), 'utf8');
    for (const m of text.matchAll(/INSERT\s+INTO\s+"?(\w+)"?/gi)) seeded.add(m[1].toLowerCase());
  }
  return seeded;
}

export type RestoreResult = { manifest: Manifest; tables: { name: string; rows: number; checksum: string; ok: boolean }[] };

/**
 * Loads a backup into an empty, migrated database in one transaction: nothing is kept
 * unless every table's row count and checksum match the manifest.
 */
export async function restoreDatabase(pool: pg.Pool, file: string, log: (m: string) => void = () => {}): Promise<RestoreResult> {
  const manifest = await readManifest(file);
  if (manifest.format !== BACKUP_FORMAT || manifest.app !== 'fupin') throw new Error('备份文件格式不受支持');
  const client = await pool.connect();
  try {
    await applySettings(client);
    const applied = new Set((await client.query<{ name: string }>(`SELECT name FROM schema_migration`)).rows.map((r) => r.name));
    const unknown = manifest.migrations.filter((m) => !applied.has(m));
    if (unknown.length) {
      throw new Error(`备份来自更新的程序版本（包含本程序没有的迁移 ${unknown.join('、')}），请先升级程序再恢复`);
    }
    const target = new Map((await listTables(client)).map((t) => [t.name, t]));
    for (const t of manifest.tables) {
      const have = target.get(t.name);
      if (!have) throw new Error(`目标数据库缺少表 ${t.name}，无法恢复`);
      const missing = [...t.columns, ...t.key].filter((c) => !have.columns.includes(c));
      if (missing.length) throw new Error(`目标数据库的表 ${t.name} 缺少列 ${missing.join('、')}，无法恢复`);
    }

    // Only an empty database may be restored into; rows that migrations seed are replaced.
    const seeded = migrationSeededTables();
    const allTables = (
      await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migration' ORDER BY 1`)
    ).rows.map((r) => r.name);
    const nonEmpty: string[] = [];
    for (const name of allTables) {
      if (seeded.has(name)) continue;
      const r = await client.query(`SELECT EXISTS (SELECT 1 FROM ${q(name)}) AS x`);
      if (r.rows[0].x) nonEmpty.push(name);
    }
    if (nonEmpty.length) {
      throw new Error(
        `目标数据库不是空的（${nonEmpty.slice(0, 8).join('、')}${nonEmpty.length > 8 ? ' 等' : ''} 表中已有数据）。` +
          '恢复只能在全新的空数据库上进行：请使用新的数据目录（FUPIN_DATA_DIR）或新建一个数据库，且不要先启动服务（首次启动会加载演示数据）。',
      );
    }

    await client.query('BEGIN');
    try {
      // Empty, apart from what migrations seeded; one TRUNCATE so foreign keys among them are
      // fine. Tables the backup does not have keep their seeded rows.
      const inBackup = new Set(manifest.tables.map((t) => t.name));
      const truncate = allTables.filter((n) => inBackup.has(n) || !seeded.has(n));
      await client.query(`TRUNCATE ${truncate.map(q).join(', ')}`);
      await loadData(client, file, manifest, log);

      // Sequences as they were, and never below the highest id now in the table.
      for (const s of manifest.sequences) {
        if (s.lastValue === null) continue;
        await client.query(`SELECT setval($1, $2, true) FROM pg_class WHERE relname = $3 AND relkind = 'S'`, [q(s.name), s.lastValue, s.name]);
      }
      for (const t of manifest.tables) {
        for (const idc of target.get(t.name)!.identity) {
          await client.query(
            `SELECT setval($1, GREATEST(m, (SELECT last_value FROM ${idc.sequence}))) FROM (SELECT max(${q(idc.column)}) AS m FROM ${q(t.name)}) x WHERE m IS NOT NULL`,
            [idc.sequence],
          );
        }
      }

      const results: RestoreResult['tables'] = [];
      for (const t of manifest.tables) {
        const info = target.get(t.name)!;
        // The backup's own key order, so a later change of primary key cannot upset the comparison.
        const r = await streamTable(client, selectSql(t.name, t.columns, t.key, info.collatable));
        results.push({ name: t.name, rows: r.rows, checksum: r.checksum, ok: r.rows === t.rows && r.checksum === t.checksum });
      }
      const bad = results.filter((r) => !r.ok);
      if (bad.length) {
        throw new Error(
          `恢复后校验不一致，已全部撤销：${bad
            .map((b) => {
              const want = manifest.tables.find((t) => t.name === b.name)!;
              return `${b.name}（应为 ${want.rows} 行/${want.checksum.slice(0, 8)}，实为 ${b.rows} 行/${b.checksum.slice(0, 8)}）`;
            })
            .join('；')}`,
        );
      }
      await client.query('COMMIT');
      await client.query('ANALYZE');
      return { manifest, tables: results };
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    }
  } finally {
    client.release();
  }
}

/** Streams the data section of the file into COPY … FROM STDIN, table by table. */
async function loadData(client: pg.PoolClient, file: string, manifest: Manifest, log: (m: string) => void) {
  const tables = new Map(manifest.tables.map((t) => [t.name, t]));
  const input = fs.createReadStream(file).pipe(zlib.createGunzip());
  let headerLines = 2; // magic and manifest
  let pending = Buffer.alloc(0);
  let copy: ReturnType<typeof copyFrom> | null = null;
  let copyDone: Promise<void> | null = null;
  let current: string | null = null;
  const seen = new Set<string>();

  const startTable = (name: string) => {
    const t = tables.get(name);
    if (!t) throw new Error(`备份文件中出现清单里没有的表 ${name}，文件已损坏`);
    if (seen.has(name)) throw new Error(`备份文件中表 ${name} 出现了两次，文件已损坏`);
    seen.add(name);
    current = name;
    copy = client.query(copyFrom(`COPY ${q(name)} (${t.columns.map(q).join(', ')}) FROM STDIN`));
    copyDone = new Promise<void>((resolve, reject) => {
      copy!.on('finish', () => resolve());
      copy!.on('error', reject);
    });
    copyDone.catch(() => {}); // awaited in writeRows/endTable; this only avoids an unhandled rejection
  };
  const endTable = async () => {
    copy!.end();
    await copyDone;
    if (tables.get(current!)!.rows >= 10_000) log(`  ${current}: ${tables.get(current!)!.rows.toLocaleString('en-US')} 行`);
    copy = null;
    copyDone = null;
    current = null;
  };
  const writeRows = async (b: Buffer) => {
    // A COPY that fails (bad row) never drains: wait for whichever comes first.
    if (b.length && !copy!.write(b)) await Promise.race([once(copy!, 'drain'), copyDone]);
  };

  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let pos = 0;
      for (;;) {
        if (headerLines > 0 || !copy) {
          const nl = buf.indexOf(10, pos);
          if (nl === -1) break;
          const line = buf.toString('utf8', pos, nl);
          pos = nl + 1;
          if (headerLines > 0) {
            headerLines--;
            continue;
          }
          if (!line.startsWith('#TABLE ')) throw new Error('备份文件数据段格式错误，文件已损坏');
          startTable(line.slice(7));
          continue;
        }
        // Inside a table: rows go through in bulk up to the terminator line "\.".
        const term = pos < buf.length && buf[pos] === 0x5c && buf[pos + 1] === 0x2e && buf[pos + 2] === 10 ? pos : buf.indexOf('\n\\.\n', pos);
        if (term === -1) {
          // Keep the tail that might be the start of a terminator; pass the rest on.
          const lastNl = buf.lastIndexOf(10);
          if (lastNl >= pos) {
            await writeRows(buf.subarray(pos, lastNl + 1));
            pos = lastNl + 1;
          }
          break;
        }
        if (term === pos) {
          pos += 3;
        } else {
          await writeRows(buf.subarray(pos, term + 1));
          pos = term + 4;
        }
        await endTable();
      }
      pending = pos < buf.length ? Buffer.from(buf.subarray(pos)) : Buffer.alloc(0);
    }
    if (copy || pending.length) throw new Error('备份文件不完整（数据段中途结束），文件已损坏');
  } catch (e) {
    // An open COPY holds the connection: fail it (CopyFail) so that ROLLBACK can run.
    if (copy && !(copy as ReturnType<typeof copyFrom>).destroyed) {
      const open = copy as ReturnType<typeof copyFrom>;
      await new Promise<void>((resolve) => {
        open.once('close', () => resolve());
        open.once('error', () => resolve());
        open.destroy(e as Error);
      });
    }
    throw e;
  } finally {
    input.destroy();
  }
  const absent = manifest.tables.filter((t) => !seen.has(t.name)).map((t) => t.name);
  if (absent.length) throw new Error(`备份文件缺少表 ${absent.join('、')} 的数据，文件已损坏`);
}
