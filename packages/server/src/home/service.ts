import { addDays } from '@fupin/shared/date';
import type { Db } from '../db/db';
import { can, type Ctx } from '../http/context';
import { applicationService } from '../loans/applications/service';
import { financeTodo } from '../loans/todo/service';
import { listWorkflowsQuery, type WorkflowState } from '../registry/workflow/schemas';
import { workflowService } from '../registry/workflow/service';
import { evaluateMonth } from '../visits/rates/engine';
import { recordService } from '../visits/records/service';
import { monthOf } from '../visits/rules';
import { syncRepo } from '../visits/sync/repository';
import { today } from '../visits/common';
import { homeRepo } from './repository';
import type { TodoItem, TodoSection } from './schemas';

const TOP = 5;
/** Bound on a cadre's own households read for the home page (the phone's own cap is 300). */
const MAX_OWN_HOUSEHOLDS = 300;

/** Which workflow states wait for whom: the step each permission acts on (registry/workflow/routes.ts). */
function workflowStatesFor(ctx: Ctx): WorkflowState[] {
  const s: WorkflowState[] = [];
  if (can(ctx, 'registry:workflow:village')) s.push('appraisal', 'notice');
  if (can(ctx, 'registry:workflow:township')) s.push('township_review');
  if (can(ctx, 'registry:workflow:county')) s.push('county_approval', 'announcement');
  return s;
}

async function registrySection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  const states = workflowStatesFor(ctx);
  if (!states.length || !can(ctx, 'registry:household:view')) return null;
  const q = (extra: Record<string, unknown>) => listWorkflowsQuery.parse({ state: states.join(','), ...extra });
  const [top, late] = await Promise.all([workflowService.list(db, ctx, q({ pageSize: TOP })), workflowService.list(db, ctx, q({ pageSize: 1, overdue: 'true' }))]);
  return {
    key: 'registry',
    title: '识别退出流程待办',
    count: top.total,
    overdue: late.total,
    link: `/registry/workflows?state=${states.join(',')}`,
    items: top.items.map(
      (w): TodoItem => ({
        key: `registry_workflow:${w.id}`,
        title: `${w.headName ?? '（无户主）'}户 · ${w.kindLabel}`,
        detail: `${w.stateLabel}（${w.townshipName ?? ''}${w.villageName ?? ''}）`,
        dueDate: w.dueDate,
        daysLeft: w.workingDaysLeft,
        daysKind: w.workingDaysLeft == null ? null : 'working',
        overdue: w.overdue,
        link: `/registry/workflows?open=${w.id}`,
      }),
    ),
  };
}

const REVIEW_PERMISSIONS = ['loan:review:village', 'loan:review:station', 'loan:review:coop', 'loan:review:county'];

async function loansSection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  if (!can(ctx, 'loan:view') || !REVIEW_PERMISSIONS.some((p) => can(ctx, p))) return null;
  const r = await applicationService.queue(db, ctx, { page: 1, pageSize: TOP, order: 'asc' });
  return {
    key: 'loans',
    title: '贷款申请待审',
    count: r.total,
    overdue: r.stages.reduce((s, x) => s + x.overdue, 0),
    link: '/loans/applications',
    items: r.items.map(
      (a): TodoItem => ({
        key: `loan_application:${a.id}`,
        title: `${a.appNo} ${a.borrowerName}`,
        detail: `${a.stageLabel ?? ''}${a.areaName ? `（${a.areaName}）` : ''}`,
        dueDate: a.deadline?.dueDate ?? null,
        daysLeft: a.deadline?.workingDaysLeft ?? null,
        daysKind: a.deadline ? 'working' : null,
        overdue: a.deadline?.overdue ?? false,
        link: `/loans/applications?open=${a.id}`,
      }),
    ),
  };
}

async function loansReturnedSection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  if (!can(ctx, 'loan:view') || !can(ctx, 'loan:apply')) return null;
  const r = await applicationService.queue(db, ctx, { page: 1, pageSize: TOP, order: 'asc', stage: 'returned' });
  if (!r.total) return null;
  return {
    key: 'loansReturned',
    title: '退回待补充的贷款申请',
    count: r.total,
    overdue: 0,
    link: '/loans/applications',
    items: r.items.map(
      (a): TodoItem => ({
        key: `loan_application:${a.id}`,
        title: `${a.appNo} ${a.borrowerName}`,
        detail: `${a.stageLabel ?? ''}退回，补充材料后重新提交`,
        dueDate: null,
        daysLeft: null,
        daysKind: null,
        overdue: false,
        link: `/loans/applications?open=${a.id}`,
      }),
    ),
  };
}

/**
 * The subsidy work from the loans module's own queue: the finance office's (prepayments,
 * settlements, claims) and the county finance bureau's (allocations, claims to review). The
 * bureau's queue also lists the offices' work for oversight; on its home page only its own.
 */
async function loanFundsSection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  const office = can(ctx, 'loan:subsidy:finance-office');
  const bureau = can(ctx, 'loan:subsidy:finance-bureau');
  if (!can(ctx, 'loan:view') || (!office && !bureau)) return null;
  const r = await financeTodo(db, ctx, {});
  const items = office ? r.items : r.items.filter((i) => i.actor === 'finance_bureau');
  return {
    key: 'loanFunds',
    title: '贴息资金待办',
    count: items.length,
    overdue: items.filter((i) => i.overdue).length,
    link: office ? '/loans/subsidy' : '/loans/todo',
    items: items.slice(0, TOP).map(
      (i): TodoItem => ({
        key: `loan_funds:${i.kind}:${i.townshipCode}:${i.year}:${i.quarter}`,
        title: i.title,
        detail: i.detail,
        dueDate: i.dueDate,
        daysLeft: i.workingDaysLeft,
        daysKind: 'working',
        overdue: i.overdue,
        link: i.link,
      }),
    ),
  };
}

/** The signed-in cadre's own paired households still short of this month's visits. */
async function visitsSection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  if (!can(ctx, 'visit:record')) return null;
  const pairs = await syncRepo.ownPairings(db, ctx.user.id, MAX_OWN_HOUSEHOLDS);
  if (!pairs.length) return null;
  const on = today();
  const month = monthOf(on);
  // the 28th plus 4 days is always in the next month: its first day minus one is this month's last
  const monthEnd = addDays(`${addDays(`${month}-28`, 4).slice(0, 7)}-01`, -1);
  const own = { scope: { kind: 'self' as const, userId: ctx.user.id }, userId: ctx.user.id, unitOrgId: null };
  const evals = await evaluateMonth(db, own, { month, householdIds: [...new Set(pairs.map((p) => p.household_id))] });
  const due = pairs
    .map((p) => ({ p, e: evals.rows.find((x) => x.countyCode === p.county_code && x.householdId === p.household_id) }))
    .filter((x) => x.e && x.e.result.required > x.e.result.done);
  return {
    key: 'visits',
    title: '本月待走访',
    count: due.length,
    overdue: 0,
    link: '/visits/field',
    items: due.slice(0, TOP).map(
      ({ p, e }): TodoItem => ({
        key: `household:${p.county_code}:${p.household_id}`,
        title: `${p.head_name ?? '（无户主）'}户（${p.village_name ?? ''}）`,
        detail: `本月还需走访 ${e!.result.required - e!.result.done} 次（已走访 ${e!.result.done} 次）`,
        dueDate: monthEnd,
        daysLeft: null,
        daysKind: null,
        overdue: false,
        link: '/visits/field',
      }),
    ),
  };
}

async function tasksSection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  if (!can(ctx, 'visit:view')) return null;
  const [top, late] = await Promise.all([
    recordService.listTasks(db, ctx, { page: 1, pageSize: TOP, status: 'open' }),
    recordService.listTasks(db, ctx, { page: 1, pageSize: 1, status: 'open', overdue: true }),
  ]);
  if (!top.total) return null;
  return {
    key: 'tasks',
    title: '走访发现问题整改',
    count: top.total,
    overdue: late.total,
    link: '/visits/records',
    items: top.items.map(
      (t): TodoItem => ({
        key: `visit_task:${t.id}`,
        title: `${t.headName ?? '（无户主）'}户：${t.problem}`,
        detail: `${t.categoryLabel}${t.ownerCadreName || t.ownerUserName ? ` · 责任人 ${t.ownerCadreName ?? t.ownerUserName}` : ''}`,
        dueDate: t.deadline,
        daysLeft: t.daysLeft,
        daysKind: t.daysLeft == null ? null : 'calendar',
        overdue: t.overdue,
        link: '/visits/records',
      }),
    ),
  };
}

async function qualitySection(db: Db, ctx: Ctx): Promise<TodoSection | null> {
  if (!can(ctx, 'registry:quality:view')) return null;
  const c = await homeRepo.qualityCounts(db, ctx.scope);
  return { key: 'quality', title: '数据质量问题', count: c.issues, overdue: c.errors, link: '/registry/quality', items: [] };
}

export const homeService = {
  /**
   * The signed-in user's work across modules. Each part is read through the owning module's
   * own service (its scope and permission rules), so this page can never show more than the
   * module's own page would.
   */
  async todo(db: Db, ctx: Ctx) {
    const parts = await Promise.all([registrySection(db, ctx), loansSection(db, ctx), loansReturnedSection(db, ctx), loanFundsSection(db, ctx), visitsSection(db, ctx), tasksSection(db, ctx), qualitySection(db, ctx)]);
    return { today: today(), sections: parts.filter((p): p is TodoSection => p !== null) };
  },
};
