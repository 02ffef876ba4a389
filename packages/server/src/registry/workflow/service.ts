/**
 * 识别 / 脱贫退出 / 纳入监测 / 返贫 / 注销 as one state machine. Every step checks the current state
 * under a row lock, checks the caller's version (two people deciding at once: one wins, the other
 * gets 409 E2016), records who, when and what evidence in an insert-only ledger, and keeps the
 * current step's deadline in working days.
 */
import { sql } from 'kysely';
import { addDays, fenToYuan, type WorkingCalendar } from '@fupin/shared';
import { writeAudit } from '../../audit/audit';
import type { Db, Tx } from '../../db/db';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { numberParam, registryCalendar, regErrors, today } from '../common';
import { recordStatus, refreshHousehold } from '../households/members';
import { householdRepo } from '../households/repository';
import { STATUS_LABELS, type HouseholdStatus } from '../rules';
import { exitCheck } from './exit';
import { OPEN_STATES, workflowRepo, type WorkflowListRow, type WorkflowRow } from './repository';
import {
  CANCEL_REASON_LABELS,
  KIND_LABELS,
  STATE_LABELS,
  type ListWorkflowsQuery,
  type StartWorkflowBody,
  type WorkflowKind,
  type WorkflowState,
} from './schemas';
import type { z } from 'zod';
import { assertAttachmentsOf } from '../../files/service';
import type { announceBody, appraiseBody, decideBody, noticeBody, objectionBody, resolveObjectionBody, withdrawBody } from './schemas';

type Chain = { from: HouseholdStatus[]; to: HouseholdStatus; notice: boolean; first: WorkflowState };
export const CHAINS: Record<WorkflowKind, Chain> = {
  identification: { from: ['candidate'], to: 'identified', notice: true, first: 'appraisal' },
  exit: { from: ['identified', 'returned'], to: 'exited', notice: true, first: 'appraisal' },
  monitoring: { from: ['candidate', 'exited'], to: 'monitored', notice: true, first: 'appraisal' },
  return: { from: ['exited', 'monitored'], to: 'returned', notice: false, first: 'township_review' },
  cancellation: { from: ['candidate', 'identified', 'exited', 'returned', 'monitored'], to: 'cancelled', notice: false, first: 'township_review' },
};

export const STEP_LABELS: Record<string, string> = {
  apply: '申请/排查',
  appraise: '村级民主评议',
  notice: '村级公示',
  objection: '公示异议',
  resolve: '异议处理',
  township_review: '乡镇审核',
  county_approval: '县级审批',
  announce: '公告',
  withdraw: '撤回',
};

const PARAMS = {
  appraisal: ['registry.appraisalWorkingDays', 10],
  township: ['registry.townshipReviewWorkingDays', 5],
  county: ['registry.countyApprovalWorkingDays', 5],
  announce: ['registry.announceWorkingDays', 5],
} as const;

async function dueAfter(tx: Tx, cal: WorkingCalendar, from: string, which: keyof typeof PARAMS) {
  const [key, fallback] = PARAMS[which];
  return cal.addWorkingDays(from, await numberParam(tx, key, fallback));
}

/** States a monitoring case must leave by its overall deadline (county approval ends it). */
const BEFORE_APPROVAL = new Set<string>(['appraisal', 'notice', 'township_review', 'county_approval']);

/**
 * 纳入监测 must go from the first clue (the start date) to county approval within
 * `registry.monitoringOverallWorkingDays` (15) working days: the overall date, stored on the case.
 */
async function monitoringOverallDue(tx: Tx, cal: WorkingCalendar, start: string) {
  return cal.addWorkingDays(start, await numberParam(tx, 'registry.monitoringOverallWorkingDays', 15));
}

/**
 * A step's due date capped by the case's overall deadline while that still runs, so queues,
 * the overdue filter and the red marks need no second date to look at. A step without a
 * deadline of its own (评议通过、待公示) is due by the overall date.
 */
export function cappedDue(overall: string | null, state: string, due: string | null): string | null {
  if (!overall || !BEFORE_APPROVAL.has(state)) return due;
  return due == null || due > overall ? overall : due;
}

/** Minimum notice period for a kind: registry.noticeDays (7), monitoring registry.monitoringNoticeDays (5). */
async function minNoticeDays(tx: Tx, kind: WorkflowKind) {
  return kind === 'monitoring' ? Math.max(5, await numberParam(tx, 'registry.monitoringNoticeDays', 5)) : await numberParam(tx, 'registry.noticeDays', 7);
}

function stateLabel(w: { state: string; notice_start: string | null; notice_end: string | null }, day = today()) {
  if (w.state === 'notice' && !w.notice_start) return '评议通过，待公示';
  if (w.state === 'notice' && w.notice_end && w.notice_end < day) return '公示期满，待乡镇审核';
  return STATE_LABELS[w.state as WorkflowState] ?? w.state;
}

function wrongState(w: WorkflowRow, action: string) {
  return regErrors.workflowState(`当前环节为“${stateLabel(w)}”，不能${action}`, { state: w.state });
}

function checkVersion(w: WorkflowRow, version: number) {
  if (w.version !== version) throw regErrors.workflowRace();
}

/** A step's date: not in the future, not before the case's previous step. */
async function checkStepDate(tx: Tx, w: WorkflowRow, date: string, day: string, what: string) {
  if (date > day) throw regErrors.stepDate(`${what}日期 ${date} 不能晚于今天（${day}）`);
  const last = await workflowRepo.lastStepDate(tx, w.county_code, w.id);
  if (last?.d && date < last.d) throw regErrors.stepDate(`${what}日期 ${date} 不能早于上一环节的日期 ${last.d}`);
}

type StepInput = { step: string; decision?: string | null; date: string; opinion?: string | null; evidence?: unknown[]; data?: Record<string, unknown> };

async function advance(
  tx: Tx,
  ctx: Ctx,
  w: WorkflowRow,
  s: StepInput,
  set: Partial<{ state: WorkflowState; due_date: string | null; notice_start: string | null; notice_end: string | null; notice_days: number | null; finished: boolean }>,
  summary: string,
) {
  const { finished, ...cols } = set;
  if (!finished && (set.state !== undefined || set.due_date !== undefined))
    cols.due_date = cappedDue(w.overall_due_date, set.state ?? w.state, set.due_date !== undefined ? set.due_date : w.due_date);
  const updated = await tx
    .updateTable('registry_workflow')
    .set({ ...cols, ...(finished ? { finished_at: sql`now()` } : {}), version: sql`version + 1`, updated_at: sql`now()` })
    .where('county_code', '=', w.county_code)
    .where('id', '=', w.id)
    .where('version', '=', w.version)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw regErrors.workflowRace();
  await assertAttachmentsOf(tx, 'registry_workflow', w.county_code, w.id, s.evidence);
  await tx
    .insertInto('registry_workflow_step')
    .values({
      county_code: w.county_code,
      workflow_id: w.id,
      step: s.step,
      decision: s.decision ?? null,
      step_date: s.date,
      opinion: s.opinion ?? null,
      evidence: sql`${JSON.stringify(s.evidence ?? [])}::jsonb`,
      data: sql`${JSON.stringify(s.data ?? {})}::jsonb`,
      from_state: w.state,
      to_state: set.state ?? w.state,
      actor_id: ctx.user.id || null,
      actor_name: ctx.user.name,
    })
    .execute();
  await writeAudit(tx, ctx, {
    module: 'registry',
    action: `workflow.${s.step}`,
    entity: 'registry_workflow',
    entityId: w.id,
    areaCode: w.area_code,
    countyCode: w.county_code,
    summary,
    before: { state: w.state, version: w.version },
    after: { state: set.state ?? w.state, decision: s.decision ?? null, date: s.date, opinion: s.opinion ?? null },
  });
}

async function householdName(tx: Tx, w: WorkflowRow) {
  const h = await tx.selectFrom('household').select(['head_name', 'household_no']).where('county_code', '=', w.county_code).where('id', '=', w.household_id).executeTakeFirstOrThrow();
  return `${h.head_name ?? ''}户（${h.household_no}）`;
}

/** The case is decided: the household's status changes, with history, in the same transaction. */
async function applyOutcome(tx: Tx, ctx: Ctx, w: WorkflowRow, date: string, note: string) {
  const h = await tx.selectFrom('household').selectAll().where('county_code', '=', w.county_code).where('id', '=', w.household_id).forUpdate().executeTakeFirstOrThrow();
  if (h.status !== w.from_status)
    throw regErrors.householdState(
      `该户状态已变为“${STATUS_LABELS[h.status as HouseholdStatus] ?? h.status}”，与本流程启动时的“${STATUS_LABELS[w.from_status as HouseholdStatus]}”不同，不能完成`,
    );
  await tx
    .updateTable('household')
    .set({
      status: w.to_status,
      status_since: date,
      ...(w.kind === 'identification' && h.identification_year == null ? { identification_year: Number(date.slice(0, 4)) } : {}),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('county_code', '=', h.county_code)
    .where('id', '=', h.id)
    .execute();
  await recordStatus(tx, ctx, h, h.status, w.to_status, date, `${KIND_LABELS[w.kind as WorkflowKind]}：${note}`, w.id);
  // A cancelled household no longer holds its members' resident IDs, so a person wrongly
  // registered here (or whose household dissolved) can be registered in another household.
  // The member rows stay as the record of what was registered.
  if (w.to_status === 'cancelled') await householdRepo.releaseHouseholdIds(tx, h.county_code, h.id);
  await refreshHousehold(tx, h.county_code, h.id, today());
}

const needs = (ctx: Ctx, perm: string) => {
  if (!can(ctx, perm)) throw errors.forbidden(perm);
};

export const workflowService = {
  async start(db: Db, ctx: Ctx, b: StartWorkflowBody) {
    const day = today();
    const date = b.date ?? day;
    if (date > day) throw regErrors.stepDate(`启动日期 ${date} 不能晚于今天（${day}）`);
    const chain = CHAINS[b.kind];
    const id = await db.transaction().execute(async (tx) => {
      const h = await householdRepo.lock(tx, ctx.scope, b.householdId);
      if (!h) throw errors.notFound('农户');
      if (!chain.from.includes(h.status as HouseholdStatus))
        throw regErrors.householdState(
          `该户当前状态为“${STATUS_LABELS[h.status as HouseholdStatus] ?? h.status}”，不能启动${KIND_LABELS[b.kind]}（须为${chain.from.map((s) => `“${STATUS_LABELS[s]}”`).join('或')}）`,
        );
      const open = await workflowRepo.openOf(tx, h.county_code, h.id);
      if (open) throw regErrors.workflowOpen(`该户已有进行中的${KIND_LABELS[open.kind as WorkflowKind]}流程（编号 ${open.id}），须先办结或撤回`);
      let verdict = null;
      if (b.kind === 'exit') {
        if (b.householdAgreed !== true) throw regErrors.invalid([{ field: '农户认可', message: '脱贫退出须经农户认可（householdAgreed 为 true）' }]);
        verdict = await exitCheck(tx, h);
        if (!verdict.eligible) throw regErrors.notEligible(verdict.summary, verdict);
      }
      if (b.kind === 'cancellation' && !b.cancelReason) throw regErrors.invalid([{ field: '注销原因', message: '注销须选择原因' }]);
      if ((b.kind === 'return' || b.kind === 'cancellation') && !b.reason) throw regErrors.invalid([{ field: '原因', message: `${KIND_LABELS[b.kind]}须写明原因` }]);
      const cal = await registryCalendar(tx);
      const overall = b.kind === 'monitoring' ? await monitoringOverallDue(tx, cal, date) : null;
      const due = cappedDue(overall, chain.first, await dueAfter(tx, cal, date, chain.first === 'appraisal' ? 'appraisal' : 'township'));
      const reason = b.kind === 'cancellation' ? `${CANCEL_REASON_LABELS[b.cancelReason!]}：${b.reason}` : (b.reason ?? null);
      const w = await tx
        .insertInto('registry_workflow')
        .values({
          county_code: h.county_code,
          household_id: h.id,
          area_code: h.area_code,
          township_code: h.township_code,
          village_code: h.village_code,
          kind: b.kind,
          state: chain.first,
          from_status: h.status,
          to_status: chain.to,
          origin: b.origin,
          reason,
          started_on: date,
          due_date: due,
          overall_due_date: overall,
          exit_check: verdict ? sql`${JSON.stringify(verdict)}::jsonb` : null,
          started_by: ctx.user.id || null,
          started_by_name: ctx.user.name,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // files are uploaded to an existing workflow: none can belong to one started just now
      await assertAttachmentsOf(tx, 'registry_workflow', w.county_code, w.id, b.evidence);
      await tx
        .insertInto('registry_workflow_step')
        .values({
          county_code: w.county_code,
          workflow_id: w.id,
          step: 'apply',
          step_date: date,
          opinion: b.opinion ?? null,
          evidence: sql`${JSON.stringify(b.evidence)}::jsonb`,
          data: sql`${JSON.stringify({ origin: b.origin, cancelReason: b.cancelReason ?? null, householdAgreed: b.householdAgreed ?? null })}::jsonb`,
          from_state: null,
          to_state: w.state,
          actor_id: ctx.user.id || null,
          actor_name: ctx.user.name,
        })
        .execute();
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'workflow.apply',
        entity: 'registry_workflow',
        entityId: w.id,
        areaCode: w.area_code,
        countyCode: w.county_code,
        summary: `启动${KIND_LABELS[b.kind]}：${h.head_name ?? ''}户（${h.household_no}）${reason ? `，原因：${reason}` : ''}`,
        after: { kind: b.kind, state: w.state, origin: b.origin, reason },
      });
      return w.id;
    });
    return this.get(db, ctx, id);
  },

  async appraise(db: Db, ctx: Ctx, id: number, b: z.output<typeof appraiseBody>) {
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      checkVersion(w, b.version);
      if (w.state !== 'appraisal') throw wrongState(w, '进行村级民主评议');
      await checkStepDate(tx, w, b.date, today(), '评议');
      if (b.votesFor != null && b.participants != null && b.votesFor + (b.votesAgainst ?? 0) > b.participants)
        throw regErrors.invalid([{ field: '同意票', message: '同意票与反对票之和不能超过参会人数' }]);
      const name = await householdName(tx, w);
      const data = { participants: b.participants ?? null, votesFor: b.votesFor ?? null, votesAgainst: b.votesAgainst ?? null };
      if (b.decision === 'pass')
        await advance(tx, ctx, w, { step: 'appraise', decision: 'pass', date: b.date, opinion: b.opinion, evidence: b.evidence, data }, { state: 'notice', due_date: null }, `村级民主评议通过：${name}`);
      else
        await advance(tx, ctx, w, { step: 'appraise', decision: 'reject', date: b.date, opinion: b.opinion, evidence: b.evidence, data }, { state: 'rejected', due_date: null, finished: true }, `村级民主评议未通过：${name}`);
    });
    return this.get(db, ctx, id);
  },

  async notice(db: Db, ctx: Ctx, id: number, b: z.output<typeof noticeBody>) {
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      checkVersion(w, b.version);
      if (w.state !== 'notice' || w.notice_start) throw wrongState(w, '张贴公示');
      await checkStepDate(tx, w, b.startDate, today(), '公示开始');
      const min = await minNoticeDays(tx, w.kind as WorkflowKind);
      const days = b.days ?? min;
      if (days < min) throw regErrors.invalid([{ field: '公示天数', message: `${KIND_LABELS[w.kind as WorkflowKind]}的公示期不少于 ${min} 天` }]);
      // 公示期 counts calendar days (the policy's “公示 7 天”), the start day included; the case's
      // deadline is then the township's: N working days after the notice ends.
      const end = addDays(b.startDate, days - 1);
      const cal = await registryCalendar(tx);
      await advance(
        tx,
        ctx,
        w,
        { step: 'notice', date: b.startDate, opinion: b.opinion, evidence: b.evidence, data: { days, end } },
        { notice_start: b.startDate, notice_end: end, notice_days: days, due_date: await dueAfter(tx, cal, end, 'township') },
        `张贴公示：${await householdName(tx, w)}，${b.startDate} 至 ${end}（${days} 天）`,
      );
    });
    return this.get(db, ctx, id);
  },

  async addObjection(db: Db, ctx: Ctx, id: number, b: z.output<typeof objectionBody>) {
    const day = today();
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      if (w.state !== 'notice' || !w.notice_start) throw wrongState(w, '登记公示异议');
      if (b.raisedOn > day) throw regErrors.stepDate(`异议提出日期 ${b.raisedOn} 不能晚于今天`);
      if (b.raisedOn < w.notice_start) throw regErrors.stepDate(`异议提出日期 ${b.raisedOn} 早于公示开始日期 ${w.notice_start}`);
      const o = await tx
        .insertInto('registry_objection')
        .values({
          county_code: w.county_code,
          workflow_id: w.id,
          raised_on: b.raisedOn,
          raised_by: b.raisedBy || null,
          content: b.content,
          recorded_by: ctx.user.id || null,
          recorded_by_name: ctx.user.name,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('registry_workflow_step')
        .values({
          county_code: w.county_code,
          workflow_id: w.id,
          step: 'objection',
          step_date: b.raisedOn,
          opinion: b.content,
          data: sql`${JSON.stringify({ objectionId: o.id, raisedBy: b.raisedBy ?? null })}::jsonb`,
          from_state: w.state,
          to_state: w.state,
          actor_id: ctx.user.id || null,
          actor_name: ctx.user.name,
        })
        .execute();
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'workflow.objection',
        entity: 'registry_workflow',
        entityId: w.id,
        areaCode: w.area_code,
        countyCode: w.county_code,
        summary: `登记公示异议：${await householdName(tx, w)}，${b.raisedBy ? `异议人 ${b.raisedBy}` : '匿名'}`,
        after: { objectionId: o.id, raisedOn: b.raisedOn, content: b.content },
      });
    });
    return this.get(db, ctx, id);
  },

  async resolveObjection(db: Db, ctx: Ctx, objectionId: number, b: z.output<typeof resolveObjectionBody>) {
    const day = today();
    const wid = await db.transaction().execute(async (tx) => {
      const o = await tx.selectFrom('registry_objection').selectAll().where('id', '=', objectionId).executeTakeFirst();
      const w = o ? await workflowRepo.lock(tx, ctx.scope, o.workflow_id) : undefined;
      if (!o || !w) throw errors.notFound('公示异议');
      const locked = await tx.selectFrom('registry_objection').selectAll().where('county_code', '=', o.county_code).where('id', '=', o.id).forUpdate().executeTakeFirstOrThrow();
      if (locked.version !== b.version) throw regErrors.workflowRace();
      if (locked.status !== 'open') throw regErrors.workflowState('该异议已处理');
      if (b.date > day || b.date < locked.raised_on) throw regErrors.stepDate(`处理日期应在异议提出日期 ${locked.raised_on} 与今天之间`);
      await tx
        .updateTable('registry_objection')
        .set({ status: b.decision, resolution: b.resolution, resolved_on: b.date, resolved_by: ctx.user.id || null, resolved_by_name: ctx.user.name, version: sql`version + 1` })
        .where('county_code', '=', o.county_code)
        .where('id', '=', o.id)
        .execute();
      const name = await householdName(tx, w);
      if (b.decision === 'upheld') {
        // A valid objection voids the notice: the village appraises the household again.
        const cal = await registryCalendar(tx);
        await advance(
          tx,
          ctx,
          w,
          { step: 'resolve', decision: 'upheld', date: b.date, opinion: b.resolution, data: { objectionId: o.id } },
          { state: 'appraisal', notice_start: null, notice_end: null, notice_days: null, due_date: await dueAfter(tx, cal, b.date, 'appraisal') },
          `公示异议成立，退回重新评议：${name}`,
        );
      } else {
        await advance(tx, ctx, w, { step: 'resolve', decision: 'dismissed', date: b.date, opinion: b.resolution, data: { objectionId: o.id } }, {}, `公示异议经核实不成立：${name}`);
      }
      return w.id;
    });
    return this.get(db, ctx, wid);
  },

  async townshipReview(db: Db, ctx: Ctx, id: number, b: z.output<typeof decideBody>) {
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      checkVersion(w, b.version);
      const chain = CHAINS[w.kind as WorkflowKind];
      if (chain.notice) {
        if (w.state !== 'notice' || !w.notice_start || !w.notice_end) throw wrongState(w, '进行乡镇审核');
        if (b.date <= w.notice_end) throw regErrors.noticeRunning(`公示期至 ${w.notice_end} 止，公示期满后才能审核`);
        const open = await tx.selectFrom('registry_objection').select('id').where('county_code', '=', w.county_code).where('workflow_id', '=', w.id).where('status', '=', 'open').execute();
        if (open.length) throw regErrors.objectionsOpen(`还有 ${open.length} 条公示异议未处理，处理完毕后才能审核`);
      } else if (w.state !== 'township_review') throw wrongState(w, '进行乡镇审核');
      if (b.decision === 'return' && !chain.notice) throw regErrors.invalid([{ field: '结论', message: `${KIND_LABELS[w.kind as WorkflowKind]}没有村级评议环节，不能退回，请选择通过或不通过` }]);
      await checkStepDate(tx, w, b.date, today(), '审核');
      const cal = await registryCalendar(tx);
      const name = await householdName(tx, w);
      const step = { step: 'township_review', decision: b.decision, date: b.date, opinion: b.opinion, evidence: b.evidence };
      if (b.decision === 'pass')
        await advance(tx, ctx, w, step, { state: 'county_approval', due_date: await dueAfter(tx, cal, b.date, 'county') }, `乡镇审核通过：${name}`);
      else if (b.decision === 'return')
        await advance(
          tx,
          ctx,
          w,
          step,
          { state: 'appraisal', notice_start: null, notice_end: null, notice_days: null, due_date: await dueAfter(tx, cal, b.date, 'appraisal') },
          `乡镇审核退回村级重新评议：${name}`,
        );
      else await advance(tx, ctx, w, step, { state: 'rejected', due_date: null, finished: true }, `乡镇审核不通过：${name}`);
    });
    return this.get(db, ctx, id);
  },

  async countyApproval(db: Db, ctx: Ctx, id: number, b: z.output<typeof decideBody>) {
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      checkVersion(w, b.version);
      if (w.state !== 'county_approval') throw wrongState(w, '进行县级审批');
      await checkStepDate(tx, w, b.date, today(), '审批');
      const chain = CHAINS[w.kind as WorkflowKind];
      const cal = await registryCalendar(tx);
      const name = await householdName(tx, w);
      const step = { step: 'county_approval', decision: b.decision, date: b.date, opinion: b.opinion, evidence: b.evidence };
      if (b.decision === 'pass') {
        if (w.kind === 'exit') {
          // Income or needs may have been corrected since the case started: judge again.
          const h = await tx.selectFrom('household').selectAll().where('county_code', '=', w.county_code).where('id', '=', w.household_id).executeTakeFirstOrThrow();
          const v = await exitCheck(tx, h);
          if (!v.eligible) throw regErrors.notEligible(v.summary, v);
        }
        if (chain.notice) await advance(tx, ctx, w, step, { state: 'announcement', due_date: await dueAfter(tx, cal, b.date, 'announce') }, `县级审批通过：${name}`);
        else {
          await advance(tx, ctx, w, step, { state: 'done', due_date: null, finished: true }, `县级审批通过，${KIND_LABELS[w.kind as WorkflowKind]}完成：${name}`);
          await applyOutcome(tx, ctx, w, b.date, w.reason ?? '县级审批通过');
        }
      } else if (b.decision === 'return')
        await advance(tx, ctx, w, step, { state: 'township_review', due_date: await dueAfter(tx, cal, b.date, 'township') }, `县级审批退回乡镇重新审核：${name}`);
      else await advance(tx, ctx, w, step, { state: 'rejected', due_date: null, finished: true }, `县级审批不通过：${name}`);
    });
    return this.get(db, ctx, id);
  },

  async announce(db: Db, ctx: Ctx, id: number, b: z.output<typeof announceBody>) {
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      checkVersion(w, b.version);
      if (w.state !== 'announcement') throw wrongState(w, '发布公告');
      await checkStepDate(tx, w, b.date, today(), '公告');
      const name = await householdName(tx, w);
      await advance(
        tx,
        ctx,
        w,
        { step: 'announce', decision: 'pass', date: b.date, opinion: b.opinion, evidence: b.evidence, data: { documentNo: b.documentNo ?? null } },
        { state: 'done', due_date: null, finished: true },
        `发布公告${b.documentNo ? `（${b.documentNo}）` : ''}，${KIND_LABELS[w.kind as WorkflowKind]}完成：${name}`,
      );
      await applyOutcome(tx, ctx, w, b.date, `公告${b.documentNo ? ` ${b.documentNo}` : ''}`);
    });
    return this.get(db, ctx, id);
  },

  async withdraw(db: Db, ctx: Ctx, id: number, b: z.output<typeof withdrawBody>) {
    await db.transaction().execute(async (tx) => {
      const w = await workflowRepo.lock(tx, ctx.scope, id);
      if (!w) throw errors.notFound('流程');
      checkVersion(w, b.version);
      // Once the township has decided, only the upper levels can end the case.
      if (!['appraisal', 'notice'].includes(w.state) && !(w.state === 'township_review' && !CHAINS[w.kind as WorkflowKind].notice)) throw wrongState(w, '撤回');
      await advance(tx, ctx, w, { step: 'withdraw', date: today(), opinion: b.reason }, { state: 'withdrawn', due_date: null, finished: true }, `撤回${KIND_LABELS[w.kind as WorkflowKind]}：${await householdName(tx, w)}，原因：${b.reason}`);
    });
    return this.get(db, ctx, id);
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const w = await workflowRepo.find(db, ctx.scope, id);
    if (!w) throw errors.notFound('流程');
    const [steps, objections, cal] = await Promise.all([workflowRepo.steps(db, w.county_code, w.id), workflowRepo.objections(db, w.county_code, w.id), registryCalendar(db)]);
    return {
      ...toItem(w, today(), cal),
      exitCheck: (w.exit_check as never) ?? null,
      steps: steps.map((s) => ({
        id: s.id,
        step: s.step,
        stepLabel: STEP_LABELS[s.step] ?? s.step,
        decision: s.decision,
        date: s.step_date,
        opinion: s.opinion,
        evidence: (s.evidence as unknown as { name: string; ref?: string }[]) ?? [],
        data: (s.data as unknown as Record<string, unknown>) ?? {},
        fromState: s.from_state,
        toState: s.to_state,
        actorName: s.actor_name,
        at: new Date(String(s.at)).toISOString(),
      })),
      objections: objections.map((o) => ({
        id: o.id,
        raisedOn: o.raised_on,
        raisedBy: o.raised_by,
        content: o.content,
        status: o.status,
        resolution: o.resolution,
        resolvedOn: o.resolved_on,
        resolvedByName: o.resolved_by_name,
        recordedByName: o.recorded_by_name,
        version: o.version,
      })),
    };
  },

  async list(db: Db, ctx: Ctx, q: ListWorkflowsQuery) {
    const day = today();
    const [{ rows, total, stateCounts }, cal] = await Promise.all([workflowRepo.list(db, ctx.scope, q, day), registryCalendar(db)]);
    return { items: rows.map((r) => toItem(r, day, cal)), total, page: q.page, pageSize: q.pageSize, stateCounts };
  },

  needs,
};

export function toItem(w: WorkflowListRow, day: string, cal: WorkingCalendar) {
  const open = (OPEN_STATES as readonly string[]).includes(w.state);
  return {
    id: w.id,
    householdId: w.household_id,
    householdNo: w.household_no,
    headName: w.head_name,
    villageCode: w.village_code,
    villageName: w.village_name,
    townshipName: w.township_name,
    kind: w.kind as WorkflowKind,
    kindLabel: KIND_LABELS[w.kind as WorkflowKind],
    state: w.state as WorkflowState,
    stateLabel: stateLabel(w, day),
    fromStatus: w.from_status,
    toStatus: w.to_status,
    origin: w.origin,
    reason: w.reason,
    startedOn: w.started_on,
    startedByName: w.started_by_name,
    noticeDays: w.notice_days,
    noticeStart: w.notice_start,
    noticeEnd: w.notice_end,
    dueDate: w.due_date,
    overallDueDate: w.overall_due_date,
    overallOverdue: w.overall_due_date != null && BEFORE_APPROVAL.has(w.state) && w.overall_due_date < day,
    overdue: open && w.due_date != null && w.due_date < day,
    workingDaysLeft: open && w.due_date ? cal.workingDaysBetween(day, w.due_date) : null,
    openObjections: w.open_objections,
    version: w.version,
  };
}

const NOTICE_TEXT: Partial<Record<WorkflowKind, (n: number, period: string) => string>> = {
  identification: (n, p) =>
    `经农户申请、干部入户核查和村民主评议，拟将以下 ${n} 户识别为建档立卡贫困户，现予公示。公示期：${p}。如有异议，请在公示期内以书面或口头形式向村民委员会或乡镇扶贫工作站反映。`,
  exit: (n, p) =>
    `经村民主评议、入户核实和农户认可，以下 ${n} 户达到脱贫退出标准，拟予退出，现予公示。公示期：${p}。如有异议，请在公示期内以书面或口头形式向村民委员会或乡镇扶贫工作站反映。`,
  monitoring: (n, p) =>
    `经农户申报（干部排查、部门预警）、入户核实和村民主评议，拟将以下 ${n} 户纳入防止返贫监测对象，现予公示。公示期：${p}。如有异议，请在公示期内向村民委员会或乡镇扶贫工作站反映。`,
};

const cn = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/**
 * The data of a village's printed public notice (A4, for the village board): names, groups,
 * household sizes, category or income — never an ID number, phone, bank account or health detail.
 */
export async function noticePrintData(db: Db, ctx: Ctx, q: { villageCode: string; kind: WorkflowKind; startDate?: string }) {
  const village = await db
    .selectFrom('area as v')
    .leftJoin('area as t', 't.code', 'v.parent_code')
    .leftJoin('area as c', 'c.code', 't.parent_code')
    .select(['v.code', 'v.name', 't.name as township_name', 'c.name as county_name'])
    .where('v.code', '=', q.villageCode)
    .executeTakeFirst();
  if (!village || !scopeCoversArea(ctx.scope, village.code)) throw errors.notFound('村');
  const rows = await workflowRepo.noticeRows(db, ctx.scope, q.villageCode, q.kind, q.startDate);
  const labels = await db.selectFrom('dict_item').select(['code', 'label']).where('type_code', '=', 'household_category').execute();
  const cat = new Map(labels.map((l) => [l.code, l.label]));
  const first = rows[0];
  const start = q.startDate ?? first?.notice_start ?? null;
  const end = first?.notice_end ?? null;
  const period = start && end ? `${cn(start)}至${cn(end)}（${first?.notice_days} 天）` : '（尚未张贴）';
  const columns = [
    { key: 'seq', title: '序号' },
    { key: 'group', title: '村民组' },
    { key: 'headName', title: '户主姓名' },
    { key: 'memberCount', title: '家庭人口' },
    ...(q.kind === 'exit' ? [{ key: 'income', title: '年人均纯收入（元）' }] : [{ key: 'category', title: '户属性' }]),
  ];
  return {
    title: `${village.name}${KIND_LABELS[q.kind]}公示`,
    kind: q.kind,
    kindLabel: KIND_LABELS[q.kind],
    countyName: village.county_name,
    townshipName: village.township_name,
    villageName: village.name,
    noticeStart: start,
    noticeEnd: end,
    noticeDays: first?.notice_days ?? null,
    body: (NOTICE_TEXT[q.kind] ?? NOTICE_TEXT.identification!)(rows.length, period),
    columns,
    rows: rows.map((r, i) => {
      // an exit notice shows the income and size the exit check judged, so a reprint says what was posted
      const judged = q.kind === 'exit' ? ((r.exit_check as { perCapitaFen?: number; memberCount?: number } | null) ?? {}) : {};
      return {
        seq: i + 1,
        group: r.group_name ?? '',
        headName: r.head_name ?? '',
        memberCount: judged.memberCount ?? r.member_count,
        ...(q.kind === 'exit' ? { income: fenToYuan(judged.perCapitaFen ?? r.net_income_per_capita_fen, { thousands: true }) } : { category: cat.get(r.category) ?? r.category }),
      };
    }),
    issuer: `${village.name}村民委员会`,
    date: start ?? today(),
  };
}
