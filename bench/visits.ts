/**
 * Visits at county scale (issue 5, "Performance"): `npx tsx bench/visits.ts [--scale county]
 * [--months 12] [--keep DIR]`. Loads the demo county and a year of visits into an embedded
 * PostgreSQL in a temporary directory, then times:
 *   - building a month's stored verdicts (visit_month_outcome, migration 043) and, meanwhile,
 *     the month counted in SQL without them,
 *   - the month's visit rate of the whole county from the stored verdicts (nothing is kept in
 *     the server's memory, so every request is a "cold" one for the server), against the same
 *     GROUP BY sent to PostgreSQL directly,
 *   - a page of the chase list, the chase-list export, and the rate right after a sync and
 *     after a pairing change (the marked households decided again),
 *   - a cadre's due list (the phone's download: own households, members, last 5 visits),
 *   - a sync of 1,000 queued visits (5 uploads of 200, one cadre's households).
 * Prints a Markdown table for docs/visits.md. Not a test: nothing asserts a time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { bootstrap } from '../packages/server/src/bootstrap';
import { createDb, createPool } from '../packages/server/src/db/db';
import { startEmbeddedPostgres } from '../packages/server/src/db/embedded';
import { migrate } from '../packages/server/src/db/migrate';
import { loadDemo, type DemoScale } from '../packages/server/src/demo/generate';
import { systemCtx, type Ctx } from '../packages/server/src/http/context';
import { todayInChinaString } from '../packages/server/src/jobs/time';
import { loadVisitDemo } from '../packages/server/src/visits/demo';
import { evaluateMonth, monthCounts } from '../packages/server/src/visits/rates/engine';
import { rateService } from '../packages/server/src/visits/rates/service';
import { recordService } from '../packages/server/src/visits/records/service';
import { addMonths, aggregateRate, formatRate, monthOf } from '../packages/server/src/visits/rules';
import { syncService } from '../packages/server/src/visits/sync/service';

const { values } = parseArgs({ options: { scale: { type: 'string', default: 'county' }, months: { type: 'string', default: '12' }, keep: { type: 'string' } } });
const scale = values.scale as DemoScale;
const months = Number(values.months);
const log = (m: string) => console.log(`[bench:visits] ${m}`);

async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; all: number[]; last: T }> {
  const all: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    all.push(performance.now() - t);
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)], all, last };
}

async function main() {
  // --keep DIR: the loaded database stays in DIR and a later run with the same DIR measures
  // again without loading (a county with a year of visits takes minutes to load here).
  const dir = values.keep ? path.resolve(values.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-bench-visits-'));
  const pgh = await startEmbeddedPostgres({ dataDir: dir, port: 58000 + Math.floor(Math.random() * 1000) });
  const pool = createPool(pgh.url, 10);
  const db = createDb(pool);
  try {
    const applied = await migrate(pool, log);
    const loaded = values.keep && Number((await pool.query(`SELECT count(*) AS n FROM visit`).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n) > 0;
    let loadS = Number.NaN;
    if (!loaded) {
      await bootstrap(db, { adminPassword: 'Bench#Visits2026' });
      let t = performance.now();
      // the demo generator loads the visit demo too; visitMonths asks for a whole year of visits
      await loadDemo(db, pool, { scale, seed: 1, log, visitMonths: months });
      log(`demo region loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
      const v = await loadVisitDemo(db, { seed: 1, months, log });
      loadS = (performance.now() - t) / 1000;
      if (v.counties) log(`visits loaded in ${loadS.toFixed(1)} s: ${JSON.stringify(v)}`);
      await pool.query('ANALYZE');
    } else {
      log(`reusing the database in ${dir}`);
      // a migration applied to the kept database (e.g. a new summary table) needs statistics
      if (applied.length) await pool.query('ANALYZE');
    }

    const month = addMonths(monthOf(todayInChinaString()), -1);
    const all = systemCtx('bench');
    const allAccess = { scope: all.scope, userId: 0, unitOrgId: null };
    const countyCode = (await db.selectFrom('pairing').select('county_code').limit(1).executeTakeFirstOrThrow()).county_code;
    // a kept database may have the months built by an earlier run: start from nothing
    await db.deleteFrom('visit_month_outcome').execute();
    await db.deleteFrom('visit_month_dirty').execute();
    await db.deleteFrom('visit_month_state').execute();
    // A month nobody has read: counted in SQL while it is built (engine.ts#sqlCounts) …
    const sqlOnly = await timed(3, () => monthCounts(db, allAccess, { month }, 'township', 'sql'));
    log(`county month counted in SQL without the store: ${sqlOnly.all.map((x) => x.toFixed(0)).join(' / ')} ms`);
    // … and the build itself (decide ≈ 200 k households, write their verdicts).
    const build = await timed(1, () => monthCounts(db, allAccess, { month }, 'township', 'stored'));
    log(`building the county's month: ${build.ms.toFixed(0)} ms`);
    // The rate page of the county (rates by township) from the store: no server memory involved.
    const rates = await timed(5, () => rateService.rates(db, all, { month, groupBy: 'township', behindOnly: false }));
    log(`county rates ${month} by township (stored verdicts): ${formatRate(rates.last.totals.rate)} over ${rates.last.totals.required} households — ${rates.all.map((x) => x.toFixed(0)).join(' / ')} ms`);
    // The same counting sent to PostgreSQL directly: the floor of this design.
    const direct = await timed(5, () =>
      pool.query(
        `SELECT township_code, outcome, count(*) FROM visit_month_outcome WHERE county_code = $1 AND month = $2::date AND outcome <> 'not_required' GROUP BY 1, 2`,
        [countyCode, `${month}-01`],
      ),
    );
    log(`the same GROUP BY in PostgreSQL directly: ${direct.all.map((x) => x.toFixed(0)).join(' / ')} ms`);
    const ratesByCadre = await timed(3, () => rateService.rates(db, all, { month, groupBy: 'cadre', behindOnly: false }));
    log(`county rates by cadre (${ratesByCadre.last.rows.length} rows): ${ratesByCadre.all.map((x) => x.toFixed(0)).join(' / ')} ms`);
    const chasePage = await timed(3, () => rateService.households(db, all, { page: 1, pageSize: 20, month, outcome: 'behind' }));
    const chaseDeep = await timed(3, () => rateService.households(db, all, { page: 500, pageSize: 20, month, outcome: 'all' }));
    log(`chase list page 1 (${chasePage.last.total} behind): ${chasePage.ms.toFixed(0)} ms; page 500 of all: ${chaseDeep.ms.toFixed(0)} ms`);
    const exported = await timed(1, () => rateService.exportXlsx(db, all, { month }));
    log(`chase-list export (${(exported.last.buffer.length / 1e6).toFixed(1)} MB): ${exported.ms.toFixed(0)} ms`);
    const county = await timed(1, () => evaluateMonth(db, allAccess, { month }));
    const totals = aggregateRate(
      county.last.rows.map((r) => r.result.outcome),
      'area',
    );
    const township = county.last.rows[0]?.townshipCode ?? '';
    const station = await timed(3, () =>
      rateService.households(
        db,
        { ...all, scope: { kind: 'areas', below: [township], exact: [], counties: [township.slice(0, 6)] } },
        { page: 1, pageSize: 20, month, outcome: 'all' },
      ),
    );
    log(`county rate ${month}: ${formatRate(totals.rate)} over ${totals.required} households — all rows ${county.ms.toFixed(0)} ms; one township's first page ${station.ms.toFixed(0)} ms (${station.last.total} households)`);

    // The busiest cadre login: the demo login of the village with most households.
    const who = await db
      .selectFrom('cadre as c')
      .innerJoin('pairing as p', (j) => j.onRef('p.county_code', '=', 'c.county_code').onRef('p.cadre_id', '=', 'c.id'))
      .innerJoin('app_user as u', 'u.id', 'c.user_id')
      .select(['u.id', 'u.username', 'u.name', 'u.org_id', 'u.area_code', 'u.county_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('p.end_date', 'is', null)
      .where('c.status', '=', 'active')
      .groupBy(['u.id', 'u.username', 'u.name', 'u.org_id', 'u.area_code', 'u.county_code'])
      .orderBy('n', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const ctx: Ctx = {
      user: { id: who.id, username: who.username, name: who.name, orgId: who.org_id, areaCode: who.area_code, countyCode: who.county_code, dataScope: 'self', mustChangePassword: false },
      permissions: new Set(['visit:view', 'visit:record']),
      scope: { kind: 'self', userId: who.id },
      ip: 'bench',
      requestId: 'bench',
    };
    const due = await timed(3, () => syncService.download(db, ctx, 5));
    log(`due list of ${who.username} (${due.last.households.length} households): ${due.all.map((x) => x.toFixed(0)).join(' / ')} ms`);

    const households = due.last.households;
    const today = todayInChinaString();
    const batch = () =>
      Array.from({ length: 200 }, (_, i) => ({
        clientId: randomUUID(),
        householdId: households[i % households.length].id,
        visitDate: today,
        kind: 'home',
        checks: { food: true, clothing: true, schooling: true, medical: true, housing: true, water: true },
        problems: i % 10 === 0 ? '需要维修' : undefined,
        satisfaction: 'satisfied',
      }));
    const sync = await timed(3, async () => {
      let created = 0;
      for (let k = 0; k < 5; k++) created += (await recordService.recordBatch(db, ctx, batch(), 'sync')).filter((r) => r.status === 'created').length;
      return created;
    });
    log(`sync of 1,000 queued visits: ${sync.all.map((x) => x.toFixed(0)).join(' / ')} ms (created ${sync.last})`);

    // The current month, built, right after 200 more visits: only their households are decided again.
    await monthCounts(db, allAccess, { month: monthOf(today) }, 'township', 'stored');
    await recordService.recordBatch(db, ctx, batch(), 'sync');
    const afterSync = await timed(1, () => rateService.rates(db, all, { month: monthOf(today), groupBy: 'township', behindOnly: false }));
    log(`county rate of ${monthOf(today)} right after a 200-visit sync: ${afterSync.ms.toFixed(0)} ms`);

    // A hand-over of all of one cadre's households (a cadre transferred): the marked households
    // are decided again by the next reader.
    const handed = await db
      .updateTable('cadre')
      .set({ status: 'transferred', status_since: today })
      .where('county_code', '=', countyCode)
      .where('id', '=', (await db.selectFrom('cadre').select('id').where('user_id', '=', who.id).executeTakeFirstOrThrow()).id)
      .executeTakeFirst();
    const marked = await db.selectFrom('visit_month_dirty').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const afterPairing = await timed(1, () => rateService.rates(db, all, { month: monthOf(today), groupBy: 'township', behindOnly: false }));
    log(`county rate after a cadre's transfer (${handed.numUpdatedRows} cadre, ${marked.n} households marked): ${afterPairing.ms.toFixed(0)} ms`);

    const visitsTotal = await db.selectFrom('visit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const os_ = `${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`;
    console.log(`
| measured (${scale}, ${Number(visitsTotal.n).toLocaleString('en')} visits, ${totals.required.toLocaleString('en')} households in the rate; ${os_}) | result | target |
|---|---:|---:|
| month's visit rate, whole county by township, from the stored verdicts (5 requests; no server cache exists) | ${rates.all.map((x) => x.toFixed(0)).join(' / ')} ms | < 1 s |
| the same GROUP BY sent to PostgreSQL directly | ${direct.all.map((x) => x.toFixed(0)).join(' / ')} ms | — |
| the same by cadre (${ratesByCadre.last.rows.length.toLocaleString('en')} rows, names included) | ${ratesByCadre.ms.toFixed(0)} ms | — |
| a month nobody read yet: counted in SQL while it is built (3 requests) | ${sqlOnly.all.map((x) => x.toFixed(0)).join(' / ')} ms | < 1 s |
| building a month's stored verdicts (once per month; the nightly job builds this year's months and last month) | ${build.ms.toFixed(0)} ms | — |
| chase list, first page of 20 behind (${chasePage.last.total.toLocaleString('en')}) / page 500 of all | ${chasePage.ms.toFixed(0)} / ${chaseDeep.ms.toFixed(0)} ms | — |
| chase-list export (.xlsx, whole county) | ${exported.ms.toFixed(0)} ms | — |
| one township's first page (${station.last.total.toLocaleString('en')} households) | ${station.ms.toFixed(0)} ms | — |
| the county's rate right after a sync of 200 visits (their households decided again) | ${afterSync.ms.toFixed(0)} ms | < 1 s |
| the county's rate after a cadre's transfer (${marked.n} households decided again) | ${afterPairing.ms.toFixed(0)} ms | < 1 s |
| a cadre's due list (phone download, ${households.length} households) | ${due.ms.toFixed(0)} ms (${due.all.map((x) => x.toFixed(0)).join(' / ')}) | < 50 ms |
| sync of 1,000 queued visits (5 × 200) | ${sync.ms.toFixed(0)} ms | < 5 s |
| loading ${months} months of visits (bulk SQL) | ${loadS.toFixed(0)} s | — |
`);
  } finally {
    await db.destroy();
    await pgh.stop();
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
