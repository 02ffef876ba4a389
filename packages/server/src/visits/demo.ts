/**
 * Pairing and visit data for a demo region that the foundation's generator (demo/generate.ts)
 * has loaded: cadres (the demo cadre login of each village, plus cadres without a login — about
 * one cadre per five households, as in seed 第4–5篇), unit ↔ village with a lead unit, one
 * pairing per household that must be visited, resident teams in every third village with
 * attendance and a quarterly report, and `months` months of visits at ≈ 95 % compliance with
 * some problems found and follow-up tasks. Deterministic for a seed; bulk SQL, so a county of
 * 200 k households with a year of visits (≈ 5 M rows) loads in minutes.
 *
 * Called by the demo generator (demo/generate.ts#loadDemo) after its own load, so `npx fupin
 * demo-data` and a first start show pairings, teams and this year's visits; the demo cadre
 * logins (cd + village code) are paired to about five households each.
 */
import { sql } from 'kysely';
import { addDays, daysInMonth } from '@fupin/shared/date';
import { writeAudit } from '../audit/audit';
import type { Db, Tx } from '../db/db';
import { givenName, SURNAMES } from '../demo/names';
import { Rng } from '../demo/prng';
import { systemCtx } from '../http/context';
import { todayInChinaString } from '../jobs/time';
import { addMonths, monthOf, monthRange, quarterOf, quarterRange, reportDueDate } from './rules';

export type VisitDemoResult = { counties: number; cadres: number; pairings: number; visits: number; teams: number; tasks: number };

const REQUIRED = ['identified', 'returned', 'monitored', 'exited'];
const PROBLEMS = ['住房漏雨，需要维修', '孩子上学交通不便', '慢性病门诊报销不清楚', '饮水管道老化', '家中劳动力外出，老人独居', '养殖缺少技术指导'];
const HELP = ['讲解健康扶贫政策', '联系村医上门随访', '协调危房改造', '介绍公益岗位', '送去种养技术资料', '帮助申请教育资助'];

// A deterministic number in [0, 2^31) from text, in SQL: the same seed gives the same region.
const rnd = (key: ReturnType<typeof sql>) => sql<number>`(('x' || substr(md5(${key}), 1, 8))::bit(32)::int & 2147483647)`;

/**
 * How many months of visits a demo region gets: the last three at every scale — enough for the
 * month's rate, last month's chase list and a trend. A whole year at township scale added ≈ 35 s
 * to every demo load on the shared machine (tests, browser set-up, a first start); a county's
 * year is ≈ 5 M rows (bench/visits.ts asks for it with `visitMonths`).
 */
export function visitDemoMonths(_scale: string): number {
  return 3;
}

export async function loadVisitDemo(db: Db, opts: { seed?: number; months?: number; today?: string; counties?: string[]; log?: (m: string) => void } = {}): Promise<VisitDemoResult> {
  const seed = opts.seed ?? 1;
  const months = Math.max(1, Math.min(24, opts.months ?? 3));
  const today = opts.today ?? todayInChinaString();
  const log = opts.log ?? (() => {});
  const counties =
    opts.counties ??
    (await db.selectFrom('household').select('county_code').distinct().execute()).map((r) => r.county_code);
  const total: VisitDemoResult = { counties: 0, cadres: 0, pairings: 0, visits: 0, teams: 0, tasks: 0 };
  for (const county of counties.sort()) {
    const already = await db.selectFrom('cadre').select('id').where('county_code', '=', county).limit(1).executeTakeFirst();
    if (already) {
      log(`县 ${county} 已有帮扶干部，跳过结对演示数据`);
      continue;
    }
    const t0 = performance.now();
    const r = await db.transaction().execute((tx) => loadCounty(tx, county, { seed, months, today }));
    total.counties++;
    for (const k of ['cadres', 'pairings', 'visits', 'teams', 'tasks'] as const) total[k] += r[k];
    log(`县 ${county}：干部 ${r.cadres}，结对 ${r.pairings}，走访 ${r.visits}，工作队 ${r.teams}（${((performance.now() - t0) / 1000).toFixed(1)} 秒）`);
  }
  // Fresh statistics, or the first rate and due-list queries plan as if the tables were empty.
  if (total.counties) await sql`ANALYZE cadre, pairing, unit_village, visit, visit_day_tally, visit_task, resident_member, resident_attendance`.execute(db);
  return total;
}

async function loadCounty(tx: Tx, county: string, o: { seed: number; months: number; today: string }) {
  const seedText = sql`${String(o.seed)}::text`;
  const rng = new Rng(o.seed, `visits/${county}`);
  const villages = await tx
    .selectFrom('household')
    .select(['village_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('county_code', '=', county)
    .where('status', 'in', REQUIRED)
    .groupBy('village_code')
    .orderBy('village_code')
    .execute();
  const units = await tx.selectFrom('org').select(['id']).where('county_code', '=', county).where('kind', '=', 'unit').orderBy('id').execute();
  if (!villages.length || !units.length) return { cadres: 0, pairings: 0, visits: 0, teams: 0, tasks: 0 };
  const logins = await tx
    .selectFrom('app_user as u')
    .innerJoin('user_role as ur', 'ur.user_id', 'u.id')
    .innerJoin('role as r', 'r.id', 'ur.role_id')
    .select(['u.id', 'u.name', 'u.org_id', 'u.area_code', 'u.phone'])
    .where('r.code', '=', 'cadre')
    .where('u.county_code', '=', county)
    .execute();
  const loginOf = new Map(logins.map((l) => [l.area_code, l]));

  // Cadres: the village's demo login first, then people without a login.
  const pairStart = `${Number(o.today.slice(0, 4)) - 1}-01-01`;
  const plan: { village: string; unit: number; userId: number | null; name: string; phone: string | null }[] = [];
  for (const [i, v] of villages.entries()) {
    const k = Math.max(1, Math.ceil(Number(v.n) / 5));
    const login = loginOf.get(v.village_code);
    const unit = login?.org_id ?? units[i % units.length].id;
    for (let j = 0; j < k; j++) {
      if (j === 0 && login) plan.push({ village: v.village_code, unit, userId: login.id, name: login.name, phone: login.phone });
      else {
        const sex = rng.chance(0.6) ? 'M' : 'F';
        plan.push({ village: v.village_code, unit, userId: null, name: SURNAMES.draw(rng) + givenName(rng, sex, 1975 + rng.int(0, 25)), phone: null });
      }
    }
  }
  const cadreIds: number[] = [];
  for (let i = 0; i < plan.length; i += 1000) {
    const rows = await tx
      .insertInto('cadre')
      .values(plan.slice(i, i + 1000).map((p) => ({ county_code: county, user_id: p.userId, name: p.name, unit_org_id: p.unit, post: '帮扶责任人', phone: p.phone })))
      .returning('id')
      .execute();
    cadreIds.push(...rows.map((r) => r.id));
  }
  await sql`CREATE TEMP TABLE visit_demo_cadre (village_code text, idx int, k int, cadre_id bigint) ON COMMIT DROP`.execute(tx);
  const perVillage = new Map<string, number>();
  for (const p of plan) perVillage.set(p.village, (perVillage.get(p.village) ?? 0) + 1);
  const seen = new Map<string, number>();
  const tmpRows = plan.map((p, i) => {
    const idx = seen.get(p.village) ?? 0;
    seen.set(p.village, idx + 1);
    return { village: p.village, idx, k: perVillage.get(p.village)!, id: cadreIds[i] };
  });
  for (let i = 0; i < tmpRows.length; i += 5000) {
    const part = tmpRows.slice(i, i + 5000);
    await sql`INSERT INTO visit_demo_cadre SELECT * FROM unnest(${part.map((r) => r.village)}::text[], ${part.map((r) => r.idx)}::int[], ${part.map((r) => r.k)}::int[], ${part.map((r) => r.id)}::bigint[])`.execute(tx);
  }

  // Pairings: households of the village round-robin over its cadres.
  const pairings = await sql<{ n: number }>`
    WITH h AS (
      SELECT county_code, id, village_code, row_number() OVER (PARTITION BY village_code ORDER BY id) - 1 AS rn
      FROM household WHERE county_code = ${county} AND status = ANY(${REQUIRED}::text[]))
    , ins AS (
      INSERT INTO pairing (county_code, household_id, cadre_id, start_date, start_reason)
      SELECT h.county_code, h.id, c.cadre_id, ${pairStart}::date, '年度结对安排'
      FROM h JOIN visit_demo_cadre c ON c.village_code = h.village_code AND c.idx = h.rn % c.k
      RETURNING 1)
    SELECT count(*)::int AS n FROM ins`.execute(tx);

  // The county's 200 k pairings and 40 k cadres are new in this transaction, which autovacuum
  // cannot see: without statistics the visits' INSERT … SELECT below joins them by nested loops
  // (≈ 7 min a month at county scale instead of seconds).
  await sql`ANALYZE cadre, pairing`.execute(tx);

  // 单位包村: the unit of the village's cadres leads.
  await sql`
    INSERT INTO unit_village (county_code, unit_org_id, village_code, is_lead, start_date)
    SELECT DISTINCT ON (c.village_code) ${county}, cd.unit_org_id, c.village_code, true, ${pairStart}::date
    FROM visit_demo_cadre c JOIN cadre cd ON cd.county_code = ${county} AND cd.id = c.cadre_id
    ORDER BY c.village_code, c.idx`.execute(tx);

  // A few cadres retired two months ago: their households wait for re-pairing (需重新结对).
  const retiredSince = monthRange(addMonths(monthOf(o.today), -2)).first;
  await sql`
    UPDATE cadre SET status = 'retired', status_since = ${retiredSince}::date, status_reason = '到龄退休'
    WHERE county_code = ${county} AND user_id IS NULL AND ${rnd(sql`${seedText} || ':retire:' || id`)} % 100 = 0`.execute(tx);

  // Visits: per household and month two home visits (first and second half of the days that
  // have passed): ≈ 1 % of households get none, ≈ 1.5 % only one; a few are phone calls (not
  // counted), some find a problem — a month's rate lands near the seed's 98 %.
  const monthsList = Array.from({ length: o.months }, (_, i) => addMonths(monthOf(o.today), -(o.months - 1 - i)));
  let visits = 0;
  for (const m of monthsList) {
    const r = monthRange(m);
    const avail = m === monthOf(o.today) ? Number(o.today.slice(8, 10)) : daysInMonth(r.year, r.month);
    const half = Math.max(1, Math.floor(avail / 2));
    const res = await sql<{ n: number }>`
      WITH ins AS (
        INSERT INTO visit (county_code, client_id, household_id, cadre_id, area_code, visit_date, kind,
          food_ok, clothing_ok, schooling_ok, medical_ok, housing_ok, water_ok, income_change,
          problems, help_given, policies_explained, satisfaction, source)
        SELECT p.county_code, md5(${seedText} || ':v:' || p.id || ':' || ${m} || ':' || k)::uuid, p.household_id, p.cadre_id, h.area_code,
          ${r.first}::date + CASE WHEN k = 1 THEN x.r1 % ${half}::int ELSE ${half}::int + x.r1 % ${Math.max(1, avail - half)}::int END,
          CASE WHEN x.r2 % 60 = 0 THEN 'phone' ELSE 'home' END,
          true, true, true, x.r3 % 9 <> 0, x.r3 % 13 <> 0, true,
          (ARRAY['up','same','same','down'])[1 + x.r2 % 4],
          CASE WHEN x.r3 % 9 = 0 OR x.r3 % 13 = 0 THEN (${PROBLEMS}::text[])[1 + x.r4 % ${PROBLEMS.length}::int] END,
          (${HELP}::text[])[1 + x.r4 % ${HELP.length}::int],
          '两不愁三保障政策、健康扶贫',
          (ARRAY['very_satisfied','satisfied','satisfied','basically'])[1 + x.r1 % 4],
          'sync'
        FROM pairing p
        JOIN household h ON h.county_code = p.county_code AND h.id = p.household_id
        CROSS JOIN generate_series(1, 2) k
        CROSS JOIN LATERAL (SELECT
          ${rnd(sql`${seedText} || ':d:' || p.id || ':' || ${m} || ':' || k`)} AS r1,
          ${rnd(sql`${seedText} || ':k:' || p.id || ':' || ${m} || ':' || k`)} AS r2,
          ${rnd(sql`${seedText} || ':p:' || p.id || ':' || ${m} || ':' || k`)} AS r3,
          ${rnd(sql`${seedText} || ':t:' || p.id || ':' || ${m} || ':' || k`)} AS r4,
          ${rnd(sql`${seedText} || ':c:' || p.id || ':' || ${m}`)} AS rc) x
        JOIN cadre c ON c.county_code = p.county_code AND c.id = p.cadre_id
        WHERE p.county_code = ${county} AND p.end_date IS NULL
          AND (c.status = 'active' OR ${r.last}::date < c.status_since)
          AND (k = 1 OR x.rc % 1000 >= 25)
          AND x.rc % 1000 >= 10
        RETURNING 1)
      SELECT count(*)::int AS n FROM ins`.execute(tx);
    visits += Number(res.rows[0].n);
  }

  // Follow-up tasks from last month's problems: most closed with evidence, some open.
  const last = monthRange(addMonths(monthOf(o.today), -1));
  const tasks = await sql<{ n: number }>`
    WITH ins AS (
      INSERT INTO visit_task (county_code, household_id, area_code, visit_id, problem, category, owner_cadre_id, deadline, status, evidence, closed_on)
      SELECT v.county_code, v.household_id, v.area_code, v.id, v.problems,
        CASE WHEN v.medical_ok = false THEN 'medical' WHEN v.housing_ok = false THEN 'housing' ELSE 'other' END,
        v.cadre_id, v.visit_date + 20,
        CASE WHEN v.id % 4 = 0 THEN 'open' ELSE 'closed' END,
        CASE WHEN v.id % 4 = 0 THEN NULL ELSE '已落实，见回访记录' END,
        CASE WHEN v.id % 4 = 0 THEN NULL ELSE LEAST(v.visit_date + 10, ${o.today}::date) END
      FROM visit v
      WHERE v.county_code = ${county} AND v.visit_date BETWEEN ${last.first} AND ${last.last} AND v.problems IS NOT NULL AND v.id % 3 = 0
      RETURNING 1)
    SELECT count(*)::int AS n FROM ins`.execute(tx);

  // Resident teams in every third village: the demo login is the first secretary.
  const teamVillages = villages.filter((_, i) => i % 3 === 0).map((v) => v.village_code).filter((v) => loginOf.has(v));
  let teams = 0;
  const prevMonth = monthRange(addMonths(monthOf(o.today), -1));
  const q = quarterOf(addDays(quarterRange(quarterOf(o.today).year, quarterOf(o.today).quarter).first, -1));
  for (const v of teamVillages) {
    const first = tmpRows.find((r) => r.village === v && r.idx === 0)!;
    const team = await tx
      .insertInto('resident_team')
      .values({ county_code: county, village_code: v, name: '驻村工作队', sent_by_org_id: plan.find((p) => p.village === v)!.unit, start_date: pairStart })
      .returning('id')
      .executeTakeFirstOrThrow();
    const member = await tx
      .insertInto('resident_member')
      .values({ county_code: county, team_id: team.id, cadre_id: first.id, role: 'first_secretary', start_date: pairStart })
      .returning('id')
      .executeTakeFirstOrThrow();
    const present = rng.int(11, 24);
    await sql`
      INSERT INTO resident_attendance (county_code, member_id, date, status, note)
      SELECT ${county}, ${member.id}, d::date, CASE WHEN n <= ${present}::int THEN 'in_village' ELSE 'leave' END,
        CASE WHEN n <= ${present}::int THEN NULL ELSE '回原单位处理工作' END
      FROM generate_series(${prevMonth.first}::date, ${prevMonth.last}::date, '1 day') WITH ORDINALITY AS g(d, n)
      WHERE extract(isodow FROM d) < 7`.execute(tx);
    if (rng.chance(0.7)) {
      const due = reportDueDate(q.year, q.quarter, 5);
      await tx
        .insertInto('resident_report')
        .values({
          county_code: county,
          member_id: member.id,
          year: q.year,
          quarter: q.quarter,
          due_date: due,
          content: '本季度入户走访全部结对户，协调解决饮水、道路等实际困难，组织技能培训一期。',
          submitted_on: due > o.today ? o.today : addDays(due, rng.int(-4, 2)),
        })
        .execute();
    }
    teams++;
  }

  await writeAudit(tx, systemCtx('demo'), {
    module: 'visits',
    action: 'demo',
    entity: 'visit_demo',
    countyCode: county,
    summary: `生成结对帮扶演示数据：帮扶干部 ${plan.length} 名，结对 ${pairings.rows[0].n} 户，走访 ${visits} 次，驻村工作队 ${teams} 个`,
  });
  return { cadres: plan.length, pairings: Number(pairings.rows[0].n), visits, teams, tasks: Number(tasks.rows[0].n) };
}
