/**
 * Visits at county scale (issue 5, "Performance"): `npx tsx bench/visits.ts [--scale county]
 * [--months 12]`. Loads the demo county and a year of visits into an embedded PostgreSQL in a
 * temporary directory, then times, each three times (median reported):
 *   - the month's visit rate of the whole county (engine + rule over every household), first
 *     request and cached, and one township's month on a cold cache,
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
import { evaluateMonth, invalidateVisitRates } from '../packages/server/src/visits/rates/engine';
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
    // The rate page of the county (rates by township): counted in SQL, no household rows
    // (engine.ts#monthCounts); first after the start (cold buffers), then twice more.
    const rates = await timed(3, () => rateService.rates(db, all, { month, groupBy: 'township', behindOnly: false }));
    log(`county rates ${month} by township (SQL counts): ${formatRate(rates.last.totals.rate)} over ${rates.last.totals.required} households — ${rates.all.map((x) => x.toFixed(0)).join(' / ')} ms`);
    const ratesByCadre = await timed(1, () => rateService.rates(db, all, { month, groupBy: 'cadre', behindOnly: false }));
    log(`county rates by cadre (${ratesByCadre.last.rows.length} rows): ${ratesByCadre.ms.toFixed(0)} ms`);
    const county = await timed(1, () => evaluateMonth(db, { scope: all.scope, userId: 0, unitOrgId: null }, { month }));
    const warm = await timed(3, () => evaluateMonth(db, { scope: all.scope, userId: 0, unitOrgId: null }, { month }));
    invalidateVisitRates(county.last.rows[0]?.countyCode);
    const township = county.last.rows[0]?.townshipCode ?? '';
    const station = await timed(1, () =>
      evaluateMonth(db, { scope: { kind: 'areas', below: [township], exact: [], counties: [township.slice(0, 6)] }, userId: 0, unitOrgId: null }, { month }),
    );
    const totals = aggregateRate(
      county.last.rows.map((r) => r.result.outcome),
      'area',
    );
    log(`county rate ${month}: ${formatRate(totals.rate)} over ${totals.required} households — cold ${county.ms.toFixed(0)} ms, cached ${warm.all.map((x) => x.toFixed(0)).join(' / ')} ms; one township cold ${station.ms.toFixed(0)} ms (${station.last.rows.length} households)`);

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

    // The county's month again, now that 1,000 visits arrived: only their households are re-evaluated.
    await evaluateMonth(db, { scope: all.scope, userId: 0, unitOrgId: null }, { month: monthOf(today) });
    await recordService.recordBatch(db, ctx, batch(), 'sync');
    const afterSync = await timed(1, () => evaluateMonth(db, { scope: all.scope, userId: 0, unitOrgId: null }, { month: monthOf(today) }));
    log(`county rate of ${monthOf(today)} right after a 200-visit sync: ${afterSync.ms.toFixed(0)} ms`);

    // A pairing change drops the county's months; the engine evaluates the dropped months again
    // in the background, so a reader some seconds later finds them ready.
    invalidateVisitRates(county.last.rows[0]?.countyCode);
    await new Promise((r) => setTimeout(r, 30_000));
    const afterPairing = await timed(1, () => evaluateMonth(db, { scope: all.scope, userId: 0, unitOrgId: null }, { month: monthOf(today) }));
    log(`county rate 30 s after a pairing change (re-evaluated in the background): ${afterPairing.ms.toFixed(0)} ms`);

    const visitsTotal = await db.selectFrom('visit').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const os_ = `${os.cpus().length} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')}`;
    console.log(`
| measured (${scale}, ${Number(visitsTotal.n).toLocaleString('en')} visits, ${totals.required.toLocaleString('en')} households in the rate; ${os_}) | median of 3 | target |
|---|---:|---:|
| month's visit rate, whole county by township, first request (SQL counts) | ${rates.all[0].toFixed(0)} ms | < 1 s |
| the same, 2nd and 3rd request (still counted in SQL: nothing cached) | ${rates.all.slice(1).map((x) => x.toFixed(0)).join(' / ')} ms | < 1 s |
| the same by cadre (${ratesByCadre.last.rows.length.toLocaleString('en')} rows) | ${ratesByCadre.ms.toFixed(0)} ms | — |
| the county's household rows (chase lists, export), first request | ${county.ms.toFixed(0)} ms | — |
| the same, later requests (cached evaluation) | ${warm.ms.toFixed(0)} ms | < 1 s |
| the county's month right after a sync of 200 visits (cached, their households re-evaluated) | ${afterSync.ms.toFixed(0)} ms | < 1 s |
| the county's month 30 s after a pairing change (re-evaluated in the background) | ${afterPairing.ms.toFixed(0)} ms | < 1 s |
| one township's month, first request (${station.last.rows.length} households) | ${station.ms.toFixed(0)} ms | — |
| a cadre's due list (phone download, ${households.length} households) | ${due.ms.toFixed(0)} ms | < 50 ms |
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
