import type { Db } from '../../db/db';
import { can, type Ctx } from '../../http/context';
import { loanCalendar, today, yuan } from '../common';
import { DEFAULT_SCHEME, deadlineInfo, nextQuarter, previousQuarter, quarterEnd, quarterLabel, quarterOf, quarterStart, reportDueDate, type Quarter } from '../rules';
import { todoRepo } from './repository';

export type TodoKind = 'prepayment' | 'settlement' | 'claim' | 'allocation' | 'claim_review';
const KIND_LABELS: Record<TodoKind, string> = { prepayment: '季初预拨', settlement: '季末结算', claim: '提款报账', allocation: '季度拨付', claim_review: '报账审核' };
const BUREAU_KINDS: TodoKind[] = ['allocation', 'claim_review'];
const ACTOR_LABELS = { finance_office: '乡镇财政所', finance_bureau: '县财政局' } as const;
// How far back unfinished work is still listed: a year of quarters and the current one.
const LOOKBACK = 4;

/**
 * The finance office's work as a deadline queue, like the review queues: for every township in
 * scope and each quarter from a year back to the current one —
 *  - 季初预拨: the quarter's subsidised loans fall due and no prepayment is in force; due by the
 *    scheme's report day (5th) of the quarter's first month, moved to the next working day;
 *  - 季末结算: the quarter had loans falling due or a prepayment and is not settled; due on the
 *    quarter's last day (the next working day when that is a holiday) — it cannot be done earlier;
 *  - 提款报账: rosters filed by the coop and not yet claimed on; due by the report day of the
 *    next quarter's first month (第十二条3–4's reporting date, which the claim's figures serve).
 * For the county finance bureau (permission loan:subsidy:finance-bureau) its own work as well:
 *  - 季度拨付: a quarter (up to the next one) whose subsidised loans still need money (pending or
 *    earned) and no allocation to the township is in force; due on the quarter's first working
 *    day, so the finance office can pre-pay by the 5th (ours — the seed only says 按季度);
 *  - 报账审核: claims submitted and not yet decided; due the scheme's countyReviewDays (10)
 *    working days after submission (ours — the seed is silent).
 * Overdue items first, then by deadline; working days left as in the review queues.
 */
export async function financeTodo(db: Db, ctx: Ctx, q: { countyCode?: string; townshipCode?: string }) {
  const on = today();
  const cal = await loanCalendar(db);
  let towns = await todoRepo.townships(db, ctx.scope, q.countyCode);
  if (q.townshipCode) towns = towns.filter((t) => t.code === q.townshipCode);
  const codes = towns.map((t) => t.code);
  const current = quarterOf(on);
  const quarters: Quarter[] = [current];
  for (let i = 0; i < LOOKBACK; i++) quarters.unshift(previousQuarter(quarters[0]));
  const from = quarterStart(quarters[0]);
  const fromYear = quarters[0].year;
  const bureau = can(ctx, 'loan:subsidy:finance-bureau');
  const next = nextQuarter(current);
  const [maturing, prepaid, settled, rosters, schemes, allocated, claims] = await Promise.all([
    todoRepo.maturing(db, codes, from, quarterEnd(bureau ? next : current)),
    todoRepo.prepaid(db, codes, fromYear),
    todoRepo.settled(db, codes, fromYear),
    todoRepo.unclaimedRosters(db, codes),
    todoRepo.schemes(db, [...new Set(towns.map((t) => t.county_code))]),
    bureau ? todoRepo.allocated(db, codes, fromYear) : Promise.resolve([]),
    bureau ? todoRepo.submittedClaims(db, codes) : Promise.resolve([]),
  ]);
  const key = (t: string, y: number, qq: number) => `${t}|${y}|${qq}`;
  const maturingBy = new Map(maturing.map((m) => [key(m.township_code, m.year, m.quarter), m]));
  const prepaidBy = new Map(prepaid.map((p) => [key(p.township_code, p.year, p.quarter), p]));
  const settledBy = new Set(settled.map((s) => key(s.township_code, s.year, s.quarter)));
  const scheme = (county: string, year: number) => {
    const s = schemes.find((x) => x.county_code === county && x.year === year);
    return {
      reportDay: s?.report_day ?? DEFAULT_SCHEME.reportDay,
      remindDays: s?.remind_days ?? DEFAULT_SCHEME.remindDays,
      countyReviewDays: s?.county_review_days ?? DEFAULT_SCHEME.countyReviewDays,
    };
  };

  type Item = ReturnType<typeof item>;
  const item = (kind: TodoKind, t: { code: string; name: string }, qt: Quarter, dueDate: string, remindDays: number, detail: string, amountFen: number, link: string) => {
    const d = deadlineInfo(cal, dueDate, on, remindDays);
    return {
      kind,
      kindLabel: KIND_LABELS[kind],
      townshipCode: t.code,
      townshipName: t.name,
      year: qt.year,
      quarter: qt.quarter,
      quarterLabel: quarterLabel(qt),
      title: `${t.name}${quarterLabel(qt)}${KIND_LABELS[kind]}`,
      detail,
      amountFen,
      dueDate: d.dueDate,
      workingDaysLeft: d.workingDaysLeft,
      overdue: d.overdue,
      remind: d.remind,
      link,
      actor: BUREAU_KINDS.includes(kind) ? ('finance_bureau' as const) : ('finance_office' as const),
      actorLabel: BUREAU_KINDS.includes(kind) ? ACTOR_LABELS.finance_bureau : ACTOR_LABELS.finance_office,
    };
  };
  const items: Item[] = [];
  for (const t of towns) {
    for (const qt of quarters) {
      const k = key(t.code, qt.year, qt.quarter);
      const { reportDay, remindDays } = scheme(t.county_code, qt.year);
      const link = `/loans/subsidy?township=${t.code}&year=${qt.year}&quarter=${qt.quarter}`;
      const m = maturingBy.get(k);
      const p = prepaidBy.get(k);
      if (m && !p && Number(m.pending_fen) > 0) {
        items.push(
          item('prepayment', t, qt, reportDueDate(cal, previousQuarter(qt), reportDay), remindDays, `本季到期贷款 ${m.loans} 笔，应预拨贴息 ${yuan(Number(m.pending_fen))}`, Number(m.pending_fen), link),
        );
      }
      if ((m || p) && !settledBy.has(k)) {
        const detail = p ? `本季已预拨 ${yuan(Number(p.fen))}，季末按实际按期还款兑付情况结算（结转、退回或补拨）` : `本季到期贷款 ${m!.loans} 笔，未预拨，季末仍须结算`;
        items.push(item('settlement', t, qt, cal.workingDayOnOrAfter(quarterEnd(qt)), remindDays, detail, p ? Number(p.fen) : 0, `${link}&tab=settle`));
      }
    }
  }
  for (const r of rosters) {
    const t = towns.find((x) => x.code === r.township_code);
    if (!t) continue;
    const qt = { year: r.year, quarter: r.quarter } as Quarter;
    const { reportDay, remindDays } = scheme(t.county_code, qt.year);
    items.push(
      item('claim', t, qt, reportDueDate(cal, qt, reportDay), remindDays, `信用社已报花名册 ${r.rosters} 份 ${yuan(Number(r.fen))}，待向县财政局提款报账`, Number(r.fen), `/loans/subsidy?township=${t.code}&year=${qt.year}&quarter=${qt.quarter}&tab=claims`),
    );
  }
  if (bureau) {
    const allocatedBy = new Set(allocated.map((a) => key(a.township_code, a.year, a.quarter)));
    for (const t of towns) {
      for (const qt of [...quarters, next]) {
        const k = key(t.code, qt.year, qt.quarter);
        const m = maturingBy.get(k);
        if (!m || Number(m.open_fen) <= 0 || allocatedBy.has(k)) continue;
        const { remindDays } = scheme(t.county_code, qt.year);
        items.push(
          item(
            'allocation',
            t,
            qt,
            cal.workingDayOnOrAfter(quarterStart(qt)),
            remindDays,
            `本季到期贷款 ${m.loans} 笔，应付未付贴息 ${yuan(Number(m.open_fen))}，尚未向财政所拨付`,
            Number(m.open_fen),
            `/loans/ledger?year=${qt.year}&quarter=${qt.quarter}`,
          ),
        );
      }
    }
    for (const c of claims) {
      const t = towns.find((x) => x.code === c.township_code);
      if (!t) continue;
      const qt = quarterOf(c.submitted_on);
      const { remindDays, countyReviewDays } = scheme(t.county_code, qt.year);
      const it = item(
        'claim_review',
        t,
        qt,
        cal.addWorkingDays(c.submitted_on, countyReviewDays),
        remindDays,
        `${t.name}财政所 ${c.submitted_on} 提交报账单 ${c.claim_no}（花名册 ${c.roster_count} 份，${yuan(c.amount_fen)}），待审核`,
        c.amount_fen,
        `/loans/subsidy?township=${t.code}&tab=claims`,
      );
      items.push({ ...it, title: `${t.name}报账单 ${c.claim_no} 待审核` });
    }
  }
  const open = items;
  open.sort((a, b) => (a.overdue !== b.overdue ? (a.overdue ? -1 : 1) : a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.townshipCode.localeCompare(b.townshipCode)));
  const counts = (Object.keys(KIND_LABELS) as TodoKind[]).map((k) => ({
    kind: k,
    label: KIND_LABELS[k],
    count: open.filter((i) => i.kind === k).length,
    overdue: open.filter((i) => i.kind === k && i.overdue).length,
  }));
  return { asOf: on, items: open, total: open.length, overdue: open.filter((i) => i.overdue).length, counts, rules: RULES };
}

const RULES = [
  '季初预拨：本季有到期的贴息贷款且未预拨的，应在季度第一个月 5 日前（遇节假日顺延）完成。',
  '季末结算：本季有到期贷款或已预拨的，应在季度最后一天（遇节假日顺延）结算，之前不能结算。',
  '提款报账：信用社已报送、尚未报账的花名册，应在下季度第一个月 5 日前（遇节假日顺延）向县财政局提款报账。',
  '季度拨付（县财政局）：本季有到期且应付未付贴息的贷款、尚未向乡镇财政所拨付的，应在季度第一个工作日前拨付，以便财政所 5 日前预拨。',
  '报账审核（县财政局）：财政所提交的提款报账单，应在提交后 10 个工作日内（贷款方案的县级审核期限）审核。',
  '剩余天数按工作日计（不含今天）；逾期的排在最前并标红。',
];
