/**
 * 到户贷款 demo data for a region the foundation's generator (demo/generate.ts) has loaded:
 * schemes for last year and this year, township quotas, loan certificates, applications at
 * every stage, loans lent over the last five quarters with repayments on time, late and
 * missing, and the subsidy money of a settled quarter (allocation, prepayment, payments to
 * farmers, settlement, roster, reimbursement). The previous quarter is left as open work: the
 * bureau has allocated, but the finance office has neither pre-paid nor settled it, so its
 * to-do list shows both overdue. Deterministic for a seed and a date; rows go in set-based
 * (unnest arrays), and the few documents per township go through the services so the ledger
 * is exactly what the screens would have written.
 *
 * Called by the demo generator after its own load: `loadLoanDemo(db, { seed, counties })`.
 */
import { sql } from 'kysely';
import { addDays } from '@fupin/shared/date';
import { writeAudit } from '../audit/audit';
import type { Db, Tx } from '../db/db';
import { Rng } from '../demo/prng';
import { systemCtx } from '../http/context';
import { loanCalendar, today as todayInChina } from './common';
import { fundService } from './funds/service';
import { claimService, rosterService } from './funds/rosters';
import {
  addMonths,
  buildSchedule,
  computeSubsidy,
  DEFAULT_SCHEME,
  evaluateLoan,
  loanStatusAfter,
  previousQuarter,
  quarterEnd,
  quarterOf,
  quarterStart,
  stageDueDate,
  subsidyFormula,
  type Quarter,
  type Repayment,
  type Stage,
  type SubsidyLine,
} from './rules';
import { columnsOf } from './schemes/repository';

export type LoanDemoResult = { counties: number; certificates: number; applications: number; loans: number; repayments: number; subsidyPayments: number };

const INDUSTRIES = ['tobacco', 'sugarcane', 'mulberry', 'livestock', 'offseason_veg', 'led_industry', 'other_farming'];
const PROJECTS: Record<string, string[]> = {
  tobacco: ['种植烤烟 10 亩', '种植烤烟 6 亩'],
  sugarcane: ['种植甘蔗 8 亩', '甘蔗扩种 5 亩'],
  mulberry: ['新种桑园 4 亩', '桑蚕养殖扩大规模'],
  livestock: ['养殖肉牛 3 头', '养殖生猪 20 头', '养殖山羊 15 只'],
  offseason_veg: ['反季节蔬菜大棚 2 个', '种植冬季辣椒 5 亩'],
  led_industry: ['龙头企业带动养鸡 500 羽', '订单种植百香果 6 亩'],
  other_farming: ['种植砂糖橘 5 亩', '养殖鱼苗 3 亩塘'],
};
const RATE_BP = 720; // the coop's own annual rate on the contracts (第三条6, informational)

type Household = { id: number; area_code: string; township_code: string; village_code: string; head_name: string; head_person_id: number; pref_family_planning: boolean; pref_veteran: boolean; r: number };

export async function loadLoanDemo(db: Db, opts: { seed?: number; today?: string; counties?: string[]; log?: (m: string) => void } = {}): Promise<LoanDemoResult> {
  const seed = opts.seed ?? 1;
  const on = opts.today ?? todayInChina();
  const log = opts.log ?? (() => {});
  const counties = opts.counties ?? (await db.selectFrom('household').select('county_code').distinct().execute()).map((r) => r.county_code);
  const total: LoanDemoResult = { counties: 0, certificates: 0, applications: 0, loans: 0, repayments: 0, subsidyPayments: 0 };
  for (const county of [...counties].sort()) {
    const already = await db.selectFrom('loan_scheme').select('id').where('county_code', '=', county).limit(1).executeTakeFirst();
    if (already) {
      log(`县 ${county} 已有贷款方案，跳过到户贷款演示数据`);
      continue;
    }
    const t0 = performance.now();
    const r = await loadCounty(db, county, seed, on);
    total.counties++;
    for (const k of ['certificates', 'applications', 'loans', 'repayments', 'subsidyPayments'] as const) total[k] += r[k];
    log(`县 ${county}：贷款证 ${r.certificates}，申请 ${r.applications}，贷款 ${r.loans}，还款 ${r.repayments}，贴息兑付 ${r.subsidyPayments}（${((performance.now() - t0) / 1000).toFixed(1)} 秒）`);
  }
  return total;
}

async function loadCounty(db: Db, county: string, seed: number, on: string) {
  const rng = new Rng(seed, `loans/${county}`);
  const cal = await loanCalendar(db);
  const cur = quarterOf(on);
  const prev = previousQuarter(cur);
  const settledQ = previousQuarter(prev);
  const year = cur.year;
  // Loans lent from a year before the settled quarter on: they fall due in it or later.
  const firstLent = addMonths(quarterStart(settledQ), -12);
  const lastLent = addDays(on, -10);
  const ctx = systemCtx('demo-data');

  // Phase 1, one transaction: schemes, quotas, certificates, applications, loans as lent.
  const p1 = await db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`fupin:loan-demo:${county}`}))`.execute(tx);
    const schemeIds = new Map<number, number>();
    for (const y of [...new Set([Number(addDays(firstLent, -40).slice(0, 4)), Number(firstLent.slice(0, 4)), year - 1, year])].sort()) {
      const s = await tx
        .insertInto('loan_scheme')
        .values({ county_code: county, year: y, version: 1, name: `${y} 年扶贫到户贷款`, document_no: `县扶办〔${y}〕${3 + (y % 7)} 号`, ...columnsOf(DEFAULT_SCHEME), created_by_name: '演示数据' })
        .returning('id')
        .executeTakeFirstOrThrow();
      schemeIds.set(y, s.id);
    }
    // The households that borrow: identified or monitored, not 特困, a working-age head with full
    // capacity and labour (the eligibility rules); a deterministic share of them by hash.
    const rows = await sql<Household>`
      SELECT h.id, h.area_code, h.township_code, h.village_code, h.head_name, h.head_person_id, h.pref_family_planning, h.pref_veteran,
             (('x' || substr(md5(${String(seed)} || ':' || h.id), 1, 8))::bit(32)::int & 2147483647) % 1000 AS r
      FROM household h JOIN person p ON p.county_code = h.county_code AND p.id = h.head_person_id
      WHERE h.county_code = ${county} AND h.status IN ('identified', 'monitored') AND h.category <> 'tekun'
        AND p.civil_capacity = 'full' AND p.labour IN ('ordinary', 'skilled')
        AND p.birth_date BETWEEN ${`${year - 62}-01-01`}::date AND ${`${year - 20}-12-31`}::date
      ORDER BY h.id`.execute(tx);
    const borrowers = rows.rows.filter((h) => h.r < 250); // ≈ 25 % of those able to borrow: lent
    const applicants = rows.rows.filter((h) => h.r >= 250 && h.r < 290); // ≈ 4 %: applications under way
    const applied = rows.rows.filter((h) => h.r >= 290 && h.r < 300); // ≈ 1 %: certificate applied for

    // Quotas: about what the township lends in a year, with room to spare.
    const perTown = new Map<string, number>();
    for (const h of [...borrowers, ...applicants]) perTown.set(h.township_code, (perTown.get(h.township_code) ?? 0) + 1);
    const towns = (await tx.selectFrom('area').select('code').where('county_code', '=', county).where('level', '=', 4).orderBy('code').execute()).map((t) => t.code);
    const quotaRows = [...schemeIds.keys()].flatMap((y) =>
      towns.map((t) => {
        const n = Math.max(10, Math.ceil((perTown.get(t) ?? 0) * 1.3));
        return { county_code: county, year: y, township_code: t, amount_fen: n * 1_500_000, loan_count: n, document_no: `县扶贫领导组〔${y}〕2 号` };
      }),
    );
    if (quotaRows.length) await tx.insertInto('loan_quota').values(quotaRows).execute();

    // Certificates: issued for borrowers and applicants, applied for by a few more.
    const certHolders = [...borrowers, ...applicants];
    const certYear = Number(firstLent.slice(0, 4));
    const certs = [
      ...certHolders.map((h, i) => ({ h, no: `DKZ${county}-${certYear}-${String(i + 1).padStart(5, '0')}`, status: 'issued' as const, grade: ['AAA', 'AA', 'AA', 'A'][h.r % 4] })),
      ...applied.map((h, i) => ({ h, no: `DKZ${county}-${year}-${String(i + 1).padStart(5, '0')}`, status: 'applied' as const, grade: null })),
    ];
    if (certs.length) {
      await sql`
        INSERT INTO loan_certificate (county_code, cert_no, household_id, area_code, township_code, status, applied_on, village_opinion, income_checked,
          integrity_checked, village_reviewed_by_name, village_reviewed_on, credit_grade, valid_from, valid_to, issued_by_name, issued_on)
        SELECT ${county}, no, hid, area, town, st, ap, CASE WHEN st = 'issued' THEN '收入属实，诚实守信' END, st = 'issued', st = 'issued',
               CASE WHEN st = 'issued' THEN '演示数据' END, CASE WHEN st = 'issued' THEN ap + 3 END, grade,
               CASE WHEN st = 'issued' THEN ap + 8 END, CASE WHEN st = 'issued' THEN (ap + 8 + interval '3 years')::date END,
               CASE WHEN st = 'issued' THEN '演示数据' END, CASE WHEN st = 'issued' THEN ap + 8 END
        FROM unnest(${certs.map((c) => c.no)}::text[], ${certs.map((c) => c.h.id)}::bigint[], ${certs.map((c) => c.h.area_code)}::text[],
                    ${certs.map((c) => c.h.township_code)}::text[], ${certs.map((c) => c.status)}::text[],
                    ${certs.map((c) => (c.status === 'issued' ? addDays(firstLent, -40 - (c.h.r % 30)) : addDays(on, -(c.h.r % 6))))}::date[],
                    ${certs.map((c) => c.grade)}::text[]) AS t(no, hid, area, town, st, ap, grade)`.execute(tx);
    }
    const certIds = new Map(
      (await tx.selectFrom('loan_certificate').select(['id', 'household_id']).where('county_code', '=', county).where('status', '=', 'issued').execute()).map((c) => [c.household_id, c.id]),
    );

    // Applications: the borrowers' (approved and lent) and those under way at every stage.
    type AppPlan = {
      h: Household;
      no: string;
      year: number;
      industry: string;
      project: string;
      production: boolean;
      amountFen: number;
      status: 'submitted' | 'returned' | 'approved' | 'rejected';
      stage: Stage | null;
      submittedOn: string;
      arrivedOn: string | null;
      decidedOn: string | null;
      disbursedOn: string | null;
      events: { action: string; stage: Stage | null; on: string; toStatus: string; toStage: Stage | null; opinion: string }[];
    };
    const seq = new Map<string, number>();
    const number = (kind: string, y: number) => {
      const k = `${kind}${y}`;
      const n = (seq.get(k) ?? 0) + 1;
      seq.set(k, n);
      return `${kind}${county}-${y}-${String(n).padStart(5, '0')}`;
    };
    const span = Math.max(1, Math.round((Date.parse(lastLent) - Date.parse(firstLent)) / 86_400_000));
    const lent = borrowers
      .map((h) => ({ h, disbursedOn: addDays(firstLent, rng.int(0, span)) }))
      .sort((a, b) => (a.disbursedOn < b.disbursedOn ? -1 : a.disbursedOn > b.disbursedOn ? 1 : a.h.id - b.h.id));
    const project = (h: Household) => {
      const production = rng.chance(0.95);
      const industry = production ? INDUSTRIES[rng.int(0, INDUSTRIES.length - 1)] : 'non_production';
      const name = production ? PROJECTS[industry][rng.int(0, PROJECTS[industry].length - 1)] : '修缮住房';
      return { industry, project: name, production, amountFen: rng.int(5, 20) * 100_000, pref: h };
    };
    const steps: Stage[] = ['village', 'station', 'coop'];
    const plans: AppPlan[] = [];
    for (const { h, disbursedOn } of lent) {
      const p = project(h);
      const decidedOn = addDays(disbursedOn, -rng.int(1, 6));
      const submittedOn = addDays(decidedOn, -rng.int(8, 18));
      const y = Number(submittedOn.slice(0, 4));
      plans.push({
        h, no: number('SQ', y), year: y, ...p, status: 'approved', stage: null, submittedOn, arrivedOn: null, decidedOn, disbursedOn,
        events: [
          { action: 'submit', stage: null, on: submittedOn, toStatus: 'submitted', toStage: 'village', opinion: '' },
          { action: 'approve', stage: 'village', on: addDays(submittedOn, 2), toStatus: 'submitted', toStage: 'station', opinion: '情况属实，同意上报' },
          { action: 'approve', stage: 'station', on: addDays(submittedOn, 5), toStatus: 'submitted', toStage: 'coop', opinion: '同意推荐' },
          { action: 'approve', stage: 'coop', on: decidedOn, toStatus: 'approved', toStage: null, opinion: '资信良好，同意放贷' },
        ],
      });
    }
    // Under way: spread over the stages, some past their deadline; a few returned, rejected, or approved awaiting the contract.
    for (const h of applicants) {
      const p = project(h);
      const kind = h.r % 7; // 0–2 at a review step, 3 returned, 4 rejected, 5–6 approved awaiting the contract
      const submittedOn = addDays(on, -rng.int(1, 20));
      const y = Number(submittedOn.slice(0, 4));
      const plan: AppPlan = { h, no: number('SQ', y), year: y, ...p, status: 'submitted', stage: null, submittedOn, arrivedOn: null, decidedOn: null, disbursedOn: null, events: [{ action: 'submit', stage: null, on: submittedOn, toStatus: 'submitted', toStage: 'village', opinion: '' }] };
      const reached = kind <= 2 ? kind : kind === 3 || kind === 4 ? 2 : 3;
      let day = submittedOn;
      for (let i = 0; i < reached; i++) {
        day = addDays(day, rng.int(0, 2));
        if (day > on) day = on;
        plan.events.push({ action: 'approve', stage: steps[i], on: day, toStatus: i === 2 ? 'approved' : 'submitted', toStage: i === 2 ? null : steps[i + 1], opinion: ['情况属实，同意上报', '同意推荐', '资信良好，同意放贷'][i] });
      }
      if (kind <= 2) Object.assign(plan, { stage: steps[kind], arrivedOn: day });
      else if (kind === 3) {
        Object.assign(plan, { status: 'returned', stage: 'coop', arrivedOn: day });
        plan.events.push({ action: 'return', stage: 'coop', on: day, toStatus: 'returned', toStage: 'coop', opinion: '请补充项目实施方案和养殖技术培训证明' });
      } else if (kind === 4) {
        Object.assign(plan, { status: 'rejected', decidedOn: day });
        plan.events.push({ action: 'reject', stage: 'coop', on: day, toStatus: 'rejected', toStage: null, opinion: '项目缺乏市场，还款来源不足' });
      } else Object.assign(plan, { status: 'approved', decidedOn: day });
      plans.push(plan);
    }
    const appRows = await sql<{ id: number; app_no: string }>`
      INSERT INTO loan_application (county_code, app_no, kind, scheme_id, year, area_code, township_code, household_id, borrower_person_id, borrower_name,
        certificate_id, project_name, industry, production, amount_fen, term_months, purpose, preferential, pref_reasons, needs_county, subsidy_eligible,
        eligibility, status, stage, stage_arrived_on, stage_due_on, decided_on, decision_reason, submitted_on, created_by_name)
      SELECT ${county}, no, 'household', sid, y, area, town, hid, pid, name, cid, proj, ind, prod, amt, 12, '购买生产资料', pref, prefr::text[],
             false, prod, jsonb_build_object('eligible', true, 'failures', '[]'::jsonb, 'notes', '[]'::jsonb, 'needsCountyApproval', false, 'subsidyEligible', prod),
             st, stg, arr, due, dec, reason, sub, '演示数据'
      FROM unnest(${plans.map((p) => p.no)}::text[], ${plans.map((p) => schemeIds.get(p.year)!)}::bigint[], ${plans.map((p) => p.year)}::smallint[],
                  ${plans.map((p) => p.h.area_code)}::text[], ${plans.map((p) => p.h.township_code)}::text[], ${plans.map((p) => p.h.id)}::bigint[],
                  ${plans.map((p) => p.h.head_person_id)}::bigint[], ${plans.map((p) => p.h.head_name)}::text[], ${plans.map((p) => certIds.get(p.h.id) ?? null)}::bigint[],
                  ${plans.map((p) => p.project)}::text[], ${plans.map((p) => p.industry)}::text[], ${plans.map((p) => p.production)}::boolean[],
                  ${plans.map((p) => p.amountFen)}::bigint[], ${plans.map((p) => p.h.pref_family_planning || p.h.pref_veteran)}::boolean[],
                  ${plans.map((p) => `{${[p.h.pref_family_planning ? '计划生育示范户' : null, p.h.pref_veteran ? '复员退伍军人' : null].filter(Boolean).join(',')}}`)}::text[],
                  ${plans.map((p) => p.status)}::text[], ${plans.map((p) => p.stage)}::text[], ${plans.map((p) => p.arrivedOn)}::date[],
                  ${plans.map((p) => (p.stage && p.arrivedOn && p.status === 'submitted' ? stageDueDate(cal, DEFAULT_SCHEME, p.stage, p.arrivedOn) : null))}::date[],
                  ${plans.map((p) => p.decidedOn)}::date[], ${plans.map((p) => (p.status === 'rejected' ? '项目缺乏市场，还款来源不足' : p.status === 'approved' ? '资信良好，同意放贷' : null))}::text[],
                  ${plans.map((p) => p.submittedOn)}::date[])
        AS t(no, sid, y, area, town, hid, pid, name, cid, proj, ind, prod, amt, pref, prefr, st, stg, arr, due, dec, reason, sub)
      RETURNING id, app_no`.execute(tx);
    const appId = new Map(appRows.rows.map((r) => [r.app_no, Number(r.id)]));
    const ev = plans.flatMap((p) => p.events.map((e) => ({ ...e, app: appId.get(p.no)!, from: e.action === 'submit' ? null : 'submitted' })));
    const actorOf = (stage: Stage | null) => (stage === 'village' ? '村委会' : stage === 'station' ? '扶贫工作站' : stage === 'coop' ? '信用社' : '村委会（代农户提交）');
    if (ev.length) {
      await sql`
        INSERT INTO loan_application_event (county_code, application_id, on_date, action, stage, from_status, to_status, to_stage, opinion, actor_name, actor_org)
        SELECT ${county}, a, d, act, stg, fr, ts, tst, NULLIF(op, ''), '演示数据', org
        FROM unnest(${ev.map((e) => e.app)}::bigint[], ${ev.map((e) => e.on)}::date[], ${ev.map((e) => e.action)}::text[], ${ev.map((e) => e.stage)}::text[],
                    ${ev.map((e) => e.from)}::text[], ${ev.map((e) => e.toStatus)}::text[], ${ev.map((e) => e.toStage)}::text[], ${ev.map((e) => e.opinion)}::text[],
                    ${ev.map((e) => actorOf(e.stage))}::text[]) AS t(a, d, act, stg, fr, ts, tst, op, org)`.execute(tx);
    }

    // Loans as lent (bullet, 12 months); repayments come in phase 3, after the quarter-start prepayment.
    const lentPlans = plans.filter((p) => p.disbursedOn);
    const loanPlans = lentPlans.map((p) => {
      const schedule = buildSchedule({ principalFen: p.amountFen, disbursedOn: p.disbursedOn!, termMonths: 12, kind: 'bullet' });
      const ev0 = evaluateLoan({ schedule, repayments: [], asOf: p.disbursedOn!, cal });
      const est = computeSubsidy({ production: p.production, writtenOff: false, scheme: DEFAULT_SCHEME, disbursedOn: p.disbursedOn!, evaluation: ev0 });
      return { p, schedule, ev0, est, loanNo: number('DK', Number(p.disbursedOn!.slice(0, 4))), contractNo: `HT${county}-${p.no.slice(-10)}` };
    });
    const loanRows = await sql<{ id: number; loan_no: string }>`
      INSERT INTO loan (county_code, loan_no, application_id, kind, scheme_id, year, area_code, township_code, household_id, borrower_name, industry, production,
        principal_fen, coop_rate_bp, term_months, contract_no, contract_date, disbursed_on, maturity_date, schedule_kind, outstanding_fen,
        first_unpaid_due_on, first_unpaid_grace_on, lender_org_name, created_by_name)
      SELECT ${county}, no, app, 'household', sid, y, area, town, hid, name, ind, prod, amt, ${RATE_BP}, 12, cno, d, d, mat, 'bullet', amt, mat, grace, org, '演示数据'
      FROM unnest(${loanPlans.map((l) => l.loanNo)}::text[], ${loanPlans.map((l) => appId.get(l.p.no)!)}::bigint[], ${loanPlans.map((l) => schemeIds.get(l.p.year)!)}::bigint[],
                  ${loanPlans.map((l) => l.p.year)}::smallint[], ${loanPlans.map((l) => l.p.h.area_code)}::text[], ${loanPlans.map((l) => l.p.h.township_code)}::text[],
                  ${loanPlans.map((l) => l.p.h.id)}::bigint[], ${loanPlans.map((l) => l.p.h.head_name)}::text[], ${loanPlans.map((l) => l.p.industry)}::text[],
                  ${loanPlans.map((l) => l.p.production)}::boolean[], ${loanPlans.map((l) => l.p.amountFen)}::bigint[], ${loanPlans.map((l) => l.contractNo)}::text[],
                  ${loanPlans.map((l) => l.p.disbursedOn)}::date[], ${loanPlans.map((l) => l.schedule[0].dueDate)}::date[], ${loanPlans.map((l) => l.ev0.instalments[0].graceDate)}::date[],
                  ${loanPlans.map(() => '信用社')}::text[])
        AS t(no, app, sid, y, area, town, hid, name, ind, prod, amt, cno, d, mat, grace, org)
      RETURNING id, loan_no`.execute(tx);
    const loanId = new Map(loanRows.rows.map((r) => [r.loan_no, Number(r.id)]));
    const ids = loanPlans.map((l) => loanId.get(l.loanNo)!);
    if (ids.length) {
      await sql`UPDATE loan_application a SET loan_id = t.l FROM unnest(${loanPlans.map((l) => appId.get(l.p.no)!)}::bigint[], ${ids}::bigint[]) AS t(a, l) WHERE a.county_code = ${county} AND a.id = t.a`.execute(tx);
      await sql`
        INSERT INTO loan_instalment (county_code, loan_id, seq, due_date, grace_date, principal_fen)
        SELECT ${county}, l, 1, d, g, amt FROM unnest(${ids}::bigint[], ${loanPlans.map((l) => l.schedule[0].dueDate)}::date[], ${loanPlans.map((l) => l.ev0.instalments[0].graceDate)}::date[], ${loanPlans.map((l) => l.p.amountFen)}::bigint[]) AS t(l, d, g, amt)`.execute(tx);
      await sql`
        INSERT INTO loan_subsidy (county_code, loan_id, status, payer, rate_bp, day_count_basis, amount_fen, lines, formula, reason)
        SELECT ${county}, l, st, 'coop', ${DEFAULT_SCHEME.subsidyRateBp}, ${DEFAULT_SCHEME.dayCountBasis}, amt, lines::jsonb, f, reason
        FROM unnest(${ids}::bigint[], ${loanPlans.map((l) => l.est.status)}::text[], ${loanPlans.map((l) => l.est.amountFen)}::bigint[], ${loanPlans.map((l) => JSON.stringify(l.est.lines))}::text[],
                    ${loanPlans.map((l) => subsidyFormula(l.est.lines as SubsidyLine[]))}::text[], ${loanPlans.map((l) => l.est.reason)}::text[]) AS t(l, st, amt, lines, f, reason)`.execute(tx);
      await sql`
        INSERT INTO loan_subsidy_event (county_code, loan_id, on_date, event, amount_fen, document, note, actor_name)
        SELECT ${county}, l, d, CASE WHEN st = 'not_applicable' THEN 'not_applicable' ELSE 'due' END, amt, cno, reason, '演示数据'
        FROM unnest(${ids}::bigint[], ${loanPlans.map((l) => l.p.disbursedOn)}::date[], ${loanPlans.map((l) => l.est.status)}::text[], ${loanPlans.map((l) => l.est.amountFen)}::bigint[],
                    ${loanPlans.map((l) => l.contractNo)}::text[], ${loanPlans.map((l) => l.est.reason)}::text[]) AS t(l, d, st, amt, cno, reason)`.execute(tx);
    }
    // Serial numbers continue after the demo's own.
    for (const [k, n] of seq) {
      await tx
        .insertInto('loan_number_seq')
        .values({ county_code: county, kind: k.slice(0, 2), year: Number(k.slice(2)), last: n })
        .onConflict((oc) => oc.columns(['county_code', 'kind', 'year']).doUpdateSet({ last: sql`greatest(loan_number_seq.last, excluded.last)` }))
        .execute();
    }
    const certSeq = new Map<number, number>();
    for (const c of certs) {
      const y = Number(c.no.slice(-10, -6));
      certSeq.set(y, Math.max(certSeq.get(y) ?? 0, Number(c.no.slice(-5))));
    }
    for (const [y, n] of certSeq) {
      await tx.insertInto('loan_number_seq').values({ county_code: county, kind: 'DKZ', year: y, last: n }).onConflict((oc) => oc.columns(['county_code', 'kind', 'year']).doUpdateSet({ last: sql`greatest(loan_number_seq.last, excluded.last)` })).execute();
    }
    return { loanPlans, ids, towns, certificates: certs.length, applications: plans.length };
  });

  // Phase 2: the money documents of the settled quarter's start, through the services.
  const byTown = new Map<string, number[]>();
  p1.loanPlans.forEach((l, i) => byTown.set(l.p.h.township_code, [...(byTown.get(l.p.h.township_code) ?? []), i]));
  const dueIn = (i: number, q: Quarter) => p1.loanPlans[i].schedule[0].dueDate >= quarterStart(q) && p1.loanPlans[i].schedule[0].dueDate <= quarterEnd(q);
  const estimate = (idx: number[], q: Quarter) => idx.filter((i) => dueIn(i, q) && p1.loanPlans[i].est.status === 'pending').reduce((s, i) => s + p1.loanPlans[i].est.amountFen, 0);
  const need = p1.towns.reduce((s, t) => s + estimate(byTown.get(t) ?? [], settledQ) + estimate(byTown.get(t) ?? [], prev), 0);
  if (need > 0) {
    const budget = Math.ceil((need * 1.2) / 1_000_000) * 1_000_000;
    await fundService.budget(db, ctx, { countyCode: county, amountFen: budget, docNo: `${county}-YS-${settledQ.year}-${settledQ.quarter}`, onDate: addDays(quarterStart(settledQ), -10), note: '县财政贴息资金到位（演示）' });
  }
  for (const t of p1.towns) {
    const idx = byTown.get(t) ?? [];
    for (const [q, k] of [[settledQ, 's'], [prev, 'p']] as const) {
      const est = estimate(idx, q);
      if (est <= 0) continue;
      const amount = Math.ceil(est / 10_000) * 10_000; // allocated in round hundreds of yuan
      await fundService.allocate(db, ctx, { townshipCode: t, year: q.year, quarter: q.quarter, amountFen: amount, docNo: `${t}-BF-${q.year}-${q.quarter}${k}`, onDate: addDays(quarterStart(q), -3) });
    }
    if (estimate(idx, settledQ) > 0) {
      await fundService.prepay(db, ctx, { townshipCode: t, year: settledQ.year, quarter: settledQ.quarter, docNo: `${t}-YB-${settledQ.year}-${settledQ.quarter}`, onDate: quarterStart(settledQ) });
    }
  }

  // Phase 3, one transaction: repayments as they came, the loans' and subsidies' state as of
  // today, and the coop's payments to the farmers of the settled quarter.
  const p3 = await db.transaction().execute(async (tx) => {
    const reps: { loan: number; paidOn: string; fen: number; receipt: string }[] = [];
    const upd: { id: number; status: string; repaid: number; outstanding: number; firstDue: string | null; firstGrace: string | null; anyLate: boolean; closedOn: string | null; paidOn: string | null; late: boolean }[] = [];
    const subs: { id: number; status: string; amount: number; lines: string; formula: string; reason: string; determined: string | null; event: string | null; eventOn: string }[] = [];
    let dueCount = 0;
    for (const [i, l] of p1.loanPlans.entries()) {
      const due = l.schedule[0].dueDate;
      const grace = l.ev0.instalments[0].graceDate;
      if (due > on) continue; // not yet due: lent and open
      const q = quarterOf(due);
      // About one due loan in fourteen is repaid late and one in seventeen not at all, spread
      // evenly (by position, so a small township has some of each).
      const n = dueCount++;
      let repayments: Repayment[] = [];
      if (n % 17 === 9) repayments = [];
      else if (n % 14 === 5) {
        const paid = addDays(grace, rng.int(3, 40));
        repayments = [{ paidOn: paid <= on ? paid : on, principalFen: l.p.amountFen }];
        if (paid > on && on <= grace) repayments = [];
      } else {
        let paid = addDays(due, -rng.int(0, 10));
        if (paid < quarterStart(q)) paid = quarterStart(q);
        if (paid <= l.p.disbursedOn!) paid = due;
        repayments = [{ paidOn: paid, principalFen: l.p.amountFen }];
      }
      const ev = evaluateLoan({ schedule: l.schedule, repayments, asOf: on, cal });
      const outcome = computeSubsidy({ production: l.p.production, writtenOff: false, scheme: DEFAULT_SCHEME, disbursedOn: l.p.disbursedOn!, evaluation: ev });
      const inst = ev.instalments[0];
      for (const r of repayments) reps.push({ loan: p1.ids[i], paidOn: r.paidOn, fen: r.principalFen, receipt: `SJ-${l.loanNo.slice(-10)}` });
      const firstUnpaid = ev.instalments.find((s) => s.paidFen < s.principalFen);
      upd.push({
        id: p1.ids[i], status: loanStatusAfter(ev), repaid: ev.repaidFen, outstanding: ev.outstandingFen, firstDue: firstUnpaid?.dueDate ?? null,
        firstGrace: firstUnpaid?.graceDate ?? null, anyLate: ev.anyLate, closedOn: ev.closedOn, paidOn: inst.paidOffOn, late: inst.late,
      });
      if (l.est.status !== 'not_applicable' && outcome.status !== 'pending') {
        const determined = ev.closedOn ?? on;
        subs.push({ id: p1.ids[i], status: outcome.status, amount: outcome.amountFen, lines: JSON.stringify(outcome.lines), formula: subsidyFormula(outcome.lines as SubsidyLine[]), reason: outcome.reason, determined, event: outcome.status, eventOn: determined });
      }
    }
    if (reps.length) {
      await sql`
        INSERT INTO loan_repayment (county_code, loan_id, paid_on, principal_fen, receipt_no, created_by_name)
        SELECT ${county}, l, d, f, r, '演示数据' FROM unnest(${reps.map((r) => r.loan)}::bigint[], ${reps.map((r) => r.paidOn)}::date[], ${reps.map((r) => r.fen)}::bigint[], ${reps.map((r) => r.receipt)}::text[]) AS t(l, d, f, r)`.execute(tx);
    }
    if (upd.length) {
      await sql`
        UPDATE loan l SET status = t.st, repaid_fen = t.rp, outstanding_fen = t.os, first_unpaid_due_on = t.fd, first_unpaid_grace_on = t.fg, any_late = t.al, closed_on = t.co, version = l.version + 1
        FROM unnest(${upd.map((u) => u.id)}::bigint[], ${upd.map((u) => u.status)}::text[], ${upd.map((u) => u.repaid)}::bigint[], ${upd.map((u) => u.outstanding)}::bigint[],
                    ${upd.map((u) => u.firstDue)}::date[], ${upd.map((u) => u.firstGrace)}::date[], ${upd.map((u) => u.anyLate)}::boolean[], ${upd.map((u) => u.closedOn)}::date[])
          AS t(id, st, rp, os, fd, fg, al, co)
        WHERE l.county_code = ${county} AND l.id = t.id`.execute(tx);
      await sql`
        UPDATE loan_instalment i SET paid_fen = t.rp, paid_off_on = t.po, late = t.lt
        FROM unnest(${upd.map((u) => u.id)}::bigint[], ${upd.map((u) => u.repaid)}::bigint[], ${upd.map((u) => u.paidOn)}::date[], ${upd.map((u) => u.late)}::boolean[]) AS t(id, rp, po, lt)
        WHERE i.county_code = ${county} AND i.loan_id = t.id AND i.seq = 1`.execute(tx);
    }
    if (subs.length) {
      await sql`
        UPDATE loan_subsidy s SET status = t.st, amount_fen = t.amt, lines = t.lines::jsonb, formula = t.f, reason = t.reason, determined_on = t.det, version = s.version + 1
        FROM unnest(${subs.map((s) => s.id)}::bigint[], ${subs.map((s) => s.status)}::text[], ${subs.map((s) => s.amount)}::bigint[], ${subs.map((s) => s.lines)}::text[],
                    ${subs.map((s) => s.formula)}::text[], ${subs.map((s) => s.reason)}::text[], ${subs.map((s) => s.determined)}::date[]) AS t(id, st, amt, lines, f, reason, det)
        WHERE s.county_code = ${county} AND s.loan_id = t.id`.execute(tx);
      await sql`
        INSERT INTO loan_subsidy_event (county_code, loan_id, on_date, event, amount_fen, note, actor_name)
        SELECT ${county}, l, d, e, amt, reason, '演示数据' FROM unnest(${subs.map((s) => s.id)}::bigint[], ${subs.map((s) => s.eventOn)}::date[], ${subs.map((s) => s.event!)}::text[],
               ${subs.map((s) => s.amount)}::bigint[], ${subs.map((s) => s.reason)}::text[]) AS t(l, d, e, amt, reason)`.execute(tx);
    }
    // The coop pays the settled quarter's earned subsidies from the prepaid fund, a few days after repayment.
    const byId = new Map(p1.loanPlans.map((l, i) => [p1.ids[i], l]));
    const toPay = subs
      .filter((s) => s.status === 'earned' && s.amount > 0 && s.determined! >= quarterStart(settledQ) && s.determined! <= quarterEnd(settledQ))
      .map((s) => ({ ...s, l: byId.get(s.id)!, paidOn: [addDays(s.determined!, rng.int(0, 5)), quarterEnd(settledQ)].sort()[0] }))
      .sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.id - b.id));
    let payments = 0;
    for (const t of p1.towns) {
      const mine = toPay.filter((p) => p.l.p.h.township_code === t);
      if (!mine.length) continue;
      const account = await tx.selectFrom('loan_fund_account').selectAll().where('county_code', '=', county).where('kind', '=', 'coop').where('area_code', '=', t).forUpdate().executeTakeFirst();
      if (!account) continue;
      let balance = account.balance_fen;
      const ok = mine.filter((p) => (balance >= p.amount ? ((balance -= p.amount), true) : false));
      if (!ok.length) continue;
      const pay = await sql<{ id: number; loan_id: number }>`
        INSERT INTO loan_subsidy_payment (county_code, loan_id, township_code, amount_fen, paid_on, voucher_no, payee_name, payer, created_by_name)
        SELECT ${county}, l, ${t}, amt, d, v, n, 'coop', '演示数据'
        FROM unnest(${ok.map((p) => p.id)}::bigint[], ${ok.map((p) => p.amount)}::bigint[], ${ok.map((p) => p.paidOn)}::date[], ${ok.map((p) => `PZ-${p.l.loanNo.slice(-10)}`)}::text[],
                    ${ok.map((p) => p.l.p.h.head_name)}::text[]) AS t(l, amt, d, v, n)
        RETURNING id, loan_id`.execute(tx);
      const payId = new Map(pay.rows.map((r) => [Number(r.loan_id), Number(r.id)]));
      let running = account.balance_fen;
      const after = ok.map((p) => (running -= p.amount));
      await sql`
        INSERT INTO loan_fund_entry (county_code, account_id, area_code, entry_date, kind, direction, amount_fen, balance_after_fen, source_doc_type, source_doc_id, source_doc_no, counterparty, memo, created_by_name)
        SELECT ${county}, ${account.id}, ${t}, d, 'subsidy_payment', 'out', amt, bal, 'subsidy_payment', pid, v, n, m, '演示数据'
        FROM unnest(${ok.map((p) => p.paidOn)}::date[], ${ok.map((p) => p.amount)}::bigint[], ${after}::bigint[], ${ok.map((p) => payId.get(p.id)!)}::bigint[],
                    ${ok.map((p) => `PZ-${p.l.loanNo.slice(-10)}`)}::text[], ${ok.map((p) => p.l.p.h.head_name)}::text[], ${ok.map((p) => `贷款 ${p.l.loanNo} 贴息：${p.formula}`)}::text[]) AS t(d, amt, bal, pid, v, n, m)`.execute(tx);
      await tx.updateTable('loan_fund_account').set({ balance_fen: running, updated_at: sql`now()` }).where('county_code', '=', county).where('id', '=', account.id).execute();
      await sql`UPDATE loan_subsidy SET status = 'paid', version = version + 1 WHERE county_code = ${county} AND loan_id = ANY(${ok.map((p) => p.id)}::bigint[])`.execute(tx);
      await sql`
        INSERT INTO loan_subsidy_event (county_code, loan_id, on_date, event, amount_fen, document, note, actor_name)
        SELECT ${county}, l, d, 'paid', amt, v, f, '演示数据' FROM unnest(${ok.map((p) => p.id)}::bigint[], ${ok.map((p) => p.paidOn)}::date[], ${ok.map((p) => p.amount)}::bigint[],
               ${ok.map((p) => `PZ-${p.l.loanNo.slice(-10)}`)}::text[], ${ok.map((p) => p.formula)}::text[]) AS t(l, d, amt, v, f)`.execute(tx);
      payments += ok.length;
    }
    return { repayments: reps.length, payments };
  });

  // Phase 4: the settled quarter is settled, its roster filed, claimed and reimbursed.
  for (const t of p1.towns) {
    const prepaid = await db.selectFrom('loan_fund_transfer').select('id').where('county_code', '=', county).where('township_code', '=', t).where('kind', '=', 'prepayment').where('year', '=', settledQ.year).where('quarter', '=', settledQ.quarter).executeTakeFirst();
    if (!prepaid) continue;
    await fundService.settle(db, ctx, { townshipCode: t, year: settledQ.year, quarter: settledQ.quarter, mode: 'carry_over', docNo: `${t}-JS-${settledQ.year}-${settledQ.quarter}` });
    const paid = await db.selectFrom('loan_subsidy_payment').select('id').where('county_code', '=', county).where('township_code', '=', t).where('roster_id', 'is', null).executeTakeFirst();
    if (!paid) continue;
    const roster = await rosterService.create(db, ctx, { townshipCode: t, year: settledQ.year, quarter: settledQ.quarter });
    const claim = await claimService.submit(db, ctx, { townshipCode: t, rosterIds: [roster.id] });
    await claimService.decide(db, ctx, claim.id, { version: claim.version, approve: true, note: '花名册与凭证相符（演示）' });
  }
  await db.transaction().execute((tx: Tx) =>
    writeAudit(tx, ctx, {
      module: 'loan',
      action: 'demo_load',
      entity: 'area',
      entityId: county,
      areaCode: county,
      countyCode: county,
      summary: `加载到户贷款演示数据：贷款证 ${p1.certificates}，申请 ${p1.applications}，贷款 ${p1.ids.length}，还款 ${p3.repayments}，贴息兑付 ${p3.payments}（种子 ${seed}）`,
      after: { seed, asOf: on, settledQuarter: settledQ, openQuarter: prev },
    }),
  );
  return { certificates: p1.certificates, applications: p1.applications, loans: p1.ids.length, repayments: p3.repayments, subsidyPayments: p3.payments };
}
