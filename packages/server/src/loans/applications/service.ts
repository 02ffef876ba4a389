import type { WorkingCalendar } from '@fupin/shared/calendar';
import { writeAudit } from '../../audit/audit';
import type { Db, DbOrTx } from '../../db/db';
import type { LoanStage } from '../../db/schema';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { scopeCoversArea, type Scope } from '../../scope/scope';
import { certRepo } from '../certificates/repository';
import { actorOf, coversCounty, loanCalendar, nextNumber, today, yuan, type Actor } from '../common';
import { loanErrors } from '../errors';
import {
  checkEligibility,
  deadlineInfo,
  firstStage,
  LIFECYCLE_LABELS,
  nextStage,
  preferenceReasons,
  quotaCheck,
  STAGE_LABELS,
  stageDueDate,
  type EligibilityResult,
  type LifecycleStatus,
  type SchemeParams,
} from '../rules';
import { paramsOf, quotaRepo, schemeRepo, type SchemeRow } from '../schemes/repository';
import { assertAttachmentsOf } from '../../files/service';
import { recordDecisionNotice } from '../decisions/service';
import { appRepo, type AppRow } from './repository';
import type { ApplicationItem, CreateApplicationBody, CreateEnterpriseApplicationBody, DecideBody, ResubmitBody } from './schemas';

const STATUS_LABELS: Record<AppRow['status'], string> = {
  submitted: '审查中',
  returned: '退回补充材料',
  approved: '已批准',
  rejected: '已拒绝',
  withdrawn: '已撤回',
};
const ACTION_LABELS: Record<string, string> = {
  submit: '提交申请',
  approve: '同意',
  return: '退回补充材料',
  reject: '不同意',
  withdraw: '撤回',
  resubmit: '补充材料后重新提交',
  quota_decision: '超指标审批决定',
  remind: '期限提醒',
  escalate: '逾期督办',
  disburse: '放款',
};

export function lifecycleOf(r: { status: AppRow['status']; loan_status: string | null; loan_first_unpaid_grace_on: string | null }, on: string): LifecycleStatus {
  if (!r.loan_status) return r.status;
  if (r.loan_status === 'active' && r.loan_first_unpaid_grace_on && r.loan_first_unpaid_grace_on < on) return 'overdue';
  return r.loan_status as LifecycleStatus;
}

/** What the user sees of an application in a state other than the one they acted on. */
function stateLabel(r: { status: AppRow['status']; stage: LoanStage | null }) {
  return r.status === 'submitted' && r.stage ? STAGE_LABELS[r.stage] : STATUS_LABELS[r.status];
}

export function toItem(r: AppRow, cal: WorkingCalendar, on: string, remindDays = 1): ApplicationItem {
  const life = lifecycleOf(r, on);
  return {
    id: r.id,
    appNo: r.app_no,
    kind: r.kind,
    kindLabel: r.kind === 'household' ? '农户贷款' : '企业贷款',
    year: r.year,
    schemeId: r.scheme_id,
    areaCode: r.area_code,
    areaName: r.area_name,
    townshipCode: r.township_code,
    townshipName: r.township_name,
    householdId: r.household_id,
    borrowerName: r.borrower_name,
    projectName: r.project_name,
    industry: r.industry,
    industryLabel: r.industry_label ?? r.industry,
    production: r.production,
    amountFen: r.amount_fen,
    termMonths: r.term_months,
    status: r.status,
    lifecycleStatus: life,
    lifecycleLabel: LIFECYCLE_LABELS[life],
    stage: r.stage,
    stageLabel: r.stage ? STAGE_LABELS[r.stage] : null,
    stageArrivedOn: r.stage_arrived_on,
    deadline: r.status === 'submitted' && r.stage_due_on ? deadlineInfo(cal, r.stage_due_on, on, remindDays) : null,
    preferential: r.preferential,
    prefReasons: r.pref_reasons,
    needsCounty: r.needs_county,
    subsidyEligible: r.subsidy_eligible,
    overQuota: r.over_quota,
    quotaDecided: r.quota_decided,
    loanId: r.loan_id,
    version: r.version,
    submittedOn: r.submitted_on,
    decidedOn: r.decided_on,
  };
}

/** The stages a user may decide, from their permissions and (for county reviews) their organisation. */
export function stagesOf(ctx: Ctx, actor: Actor): LoanStage[] {
  const out: LoanStage[] = [];
  if (can(ctx, 'loan:review:village')) out.push('village');
  if (can(ctx, 'loan:review:station')) out.push('station');
  if (can(ctx, 'loan:review:coop')) out.push('coop');
  if (can(ctx, 'loan:review:county')) {
    // 第七条1 and 第十三条: the county poverty office and the county credit union each decide their own step.
    if (actor.orgKind === 'poverty_office') out.push('county_office');
    else if (actor.orgKind === 'credit_union') out.push('credit_union');
    else if (ctx.permissions.has('*')) out.push('county_office', 'credit_union');
  }
  return out;
}

async function activeScheme(db: DbOrTx, countyCode: string, year: number): Promise<SchemeRow> {
  const s = await schemeRepo.active(db, countyCode, year);
  if (!s) throw loanErrors.noScheme(countyCode, year);
  return s;
}

type Project = { amountFen: number; termMonths: number; production: boolean; industry: string };

async function checkIndustry(db: DbOrTx, industry: string) {
  if (!(await appRepo.industryLabel(db, industry))) throw errors.badRequest(`产业：未知的产业代码 ${industry}`);
}

/** Loads every fact the household rules need and runs them. */
async function householdEligibility(db: DbOrTx, scope: Scope, scheme: SchemeParams, householdId: number, borrowerPersonId: number | undefined, p: Project, exceptAppId?: number) {
  const h = await appRepo.household(db, scope, householdId);
  if (!h) throw loanErrors.householdNotFound();
  const [members, cert, unpaid, open] = await Promise.all([
    appRepo.members(db, h.county_code, h.id),
    certRepo.issuedFor(db, h.county_code, h.id),
    appRepo.unpaidLoans(db, h.county_code, { householdId: h.id }),
    appRepo.openApplications(db, h.county_code, { householdId: h.id }, exceptAppId),
  ]);
  const borrowerId = borrowerPersonId ?? h.head_person_id ?? members[0]?.id ?? 0;
  const result = checkEligibility({
    kind: 'household',
    scheme,
    today: today(),
    ...p,
    townshipPreconditionMet: h.loan_precondition_met ?? false,
    household: {
      category: h.category,
      status: h.status,
      borrowerPersonId: borrowerId,
      members: members.map((m) => ({ id: m.id, name: m.name, civilCapacity: m.civil_capacity, labour: m.labour, status: m.status, birthDate: m.birth_date })),
    },
    certificate: cert ? { status: cert.status, certNo: cert.cert_no, validFrom: cert.valid_from ?? '', validTo: cert.valid_to ?? '' } : null,
    unpaidLoans: unpaid.map((l) => ({ loanNo: l.loan_no, status: l.status })),
    openApplications: open.map((a) => ({ appNo: a.app_no })),
  });
  const borrower = members.find((m) => m.id === borrowerId);
  return { h, result, cert, borrower };
}

async function enterpriseEligibility(db: DbOrTx, countyCode: string, scheme: SchemeParams, creditCode: string, preconditionMet: boolean, p: Project, exceptAppId?: number) {
  const [unpaid, open] = await Promise.all([
    appRepo.unpaidLoans(db, countyCode, { creditCode }),
    appRepo.openApplications(db, countyCode, { creditCode }, exceptAppId),
  ]);
  return checkEligibility({
    kind: 'enterprise',
    scheme,
    today: today(),
    ...p,
    townshipPreconditionMet: preconditionMet,
    unpaidLoans: unpaid.map((l) => ({ loanNo: l.loan_no, status: l.status })),
    openApplications: open.map((a) => ({ appNo: a.app_no })),
  });
}

async function quotaState(db: DbOrTx, r: { county_code: string; year: number; township_code: string | null; amount_fen: number; id?: number }) {
  if (!r.township_code) return null;
  const q = await quotaRepo.find(db, r.county_code, r.year, r.township_code);
  const used = await quotaRepo.used(db, r.county_code, r.year, r.township_code, r.id);
  return quotaCheck(q ? { amountFen: q.amount_fen, count: q.loan_count } : null, used, r.amount_fen);
}

async function load(db: DbOrTx, ctx: Ctx, id: number) {
  const r = await appRepo.get(db, ctx.scope, id);
  if (!r) throw errors.notFound('贷款申请');
  return r;
}

export const applicationService = {
  async eligibility(db: Db, ctx: Ctx, q: { householdId: number; borrowerPersonId?: number; amountFen: number; termMonths: number; production: 'true' | 'false'; industry: string }) {
    const h = await appRepo.household(db, ctx.scope, q.householdId);
    if (!h) throw loanErrors.householdNotFound();
    const scheme = await activeScheme(db, h.county_code, Number(today().slice(0, 4)));
    const { result } = await householdEligibility(db, ctx.scope, paramsOf(scheme), q.householdId, q.borrowerPersonId, {
      amountFen: q.amountFen,
      termMonths: q.termMonths,
      production: q.production === 'true',
      industry: q.industry,
    });
    return result;
  },

  async list(db: Db, ctx: Ctx, q: { page: number; pageSize: number; order: 'asc' | 'desc'; status?: AppRow['status']; stage?: LoanStage; kind?: 'household' | 'enterprise'; year?: number; areaCode?: string; householdId?: number; keyword?: string; overdue?: 'true' | 'false' }) {
    const on = today();
    const cal = await loanCalendar(db);
    const r = await appRepo.list(db, ctx.scope, { ...q, overdueBefore: q.overdue === 'true' ? on : undefined });
    return { items: r.items.map((i) => toItem(i, cal, on)), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  /** My work queue: what waits for my decision, deadlines first, preference households first at the station. */
  async queue(db: Db, ctx: Ctx, q: { page: number; pageSize: number; order: 'asc' | 'desc'; stage?: LoanStage | 'returned' }) {
    const actor = await actorOf(db, ctx);
    const mine = stagesOf(ctx, actor);
    const on = today();
    const cal = await loanCalendar(db);
    let r;
    if (q.stage === 'returned') {
      if (!can(ctx, 'loan:apply') && !can(ctx, 'loan:review:county')) throw errors.forbidden('loan:apply');
      r = await appRepo.list(db, ctx.scope, { ...q, stage: undefined, status: 'returned' });
    } else {
      if (q.stage && !mine.includes(q.stage)) throw loanErrors.notYourStage(STAGE_LABELS[q.stage]);
      const stages = q.stage ? [q.stage] : mine;
      r = await appRepo.list(db, ctx.scope, { ...q, stage: undefined, status: 'submitted', stages, preferenceFirst: stages.includes('station') });
    }
    const counts = await appRepo.stageCounts(db, ctx.scope, mine, on);
    return {
      items: r.items.map((i) => toItem(i, cal, on)),
      total: r.total,
      page: q.page,
      pageSize: q.pageSize,
      stages: mine.map((s) => {
        const c = counts.find((x) => x.stage === s);
        return { stage: s, label: STAGE_LABELS[s], count: c?.count ?? 0, overdue: c?.overdue ?? 0 };
      }),
    };
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const r = await load(db, ctx, id);
    const on = today();
    const cal = await loanCalendar(db);
    const scheme = await schemeRepo.byId(db, r.county_code, r.scheme_id);
    const events = await appRepo.events(db, r.county_code, r.id);
    const cert = r.certificate_id ? await db.selectFrom('loan_certificate').select(['id', 'cert_no', 'credit_grade', 'valid_to']).where('county_code', '=', r.county_code).where('id', '=', r.certificate_id).executeTakeFirst() : null;
    const quota = r.kind === 'household' && r.status !== 'approved' ? await quotaState(db, r) : null;
    const decision = r.quota_decision_id ? await appRepo.quotaDecision(db, r.county_code, r.quota_decision_id) : null;
    const attachments = (typeof r.attachments === 'string' ? JSON.parse(r.attachments) : r.attachments) as { name: string; note?: string }[];
    return {
      ...toItem(r, cal, on, scheme.remind_days),
      purpose: r.purpose,
      expectedBenefit: r.expected_benefit,
      attachments,
      borrowerPersonId: r.borrower_person_id,
      enterpriseCreditCode: r.enterprise_credit_code,
      enterpriseLegalRep: r.enterprise_legal_rep,
      certificate: cert ? { id: cert.id, certNo: cert.cert_no, creditGrade: cert.credit_grade, validTo: cert.valid_to } : null,
      eligibility: r.eligibility as EligibilityResult,
      quota: quota
        ? {
            quotaFen: quota.quotaFen,
            quotaCount: quota.quotaCount,
            usedFen: quota.usedFen,
            usedCount: quota.usedCount,
            remainingFen: quota.remainingFen,
            remainingCount: quota.remainingCount,
            over: quota.over,
            message: quota.message,
            decision: decision ? { documentNo: decision.document_no, reason: decision.reason, decidedByName: decision.decided_by_name } : null,
          }
        : null,
      scheme: { id: scheme.id, version: scheme.version, name: scheme.name },
      decisionReason: r.decision_reason,
      events: events.map((e) => ({
        id: e.id,
        at: new Date(e.at as unknown as string).toISOString(),
        onDate: e.on_date,
        action: e.action,
        actionLabel: ACTION_LABELS[e.action] ?? e.action,
        stage: e.stage,
        stageLabel: e.stage ? (STAGE_LABELS[e.stage as LoanStage] ?? e.stage) : null,
        toStatus: e.to_status,
        toStage: e.to_stage,
        dueOn: e.due_on,
        opinion: e.opinion,
        reasons: e.reasons,
        actorName: e.actor_name,
        actorOrg: e.actor_org,
      })),
    };
  },

  /** 第十二条1: a household with a valid loan certificate files a project loan application. */
  async createHousehold(db: Db, ctx: Ctx, body: CreateApplicationBody) {
    const h = await appRepo.household(db, ctx.scope, body.householdId);
    if (!h) throw loanErrors.householdNotFound();
    await checkIndustry(db, body.industry);
    const on = today();
    const year = Number(on.slice(0, 4));
    const scheme = await activeScheme(db, h.county_code, year);
    const params = paramsOf(scheme);
    const project = { amountFen: body.amountFen, termMonths: body.termMonths, production: body.production, industry: body.industry };
    const { result, cert, borrower } = await householdEligibility(db, ctx.scope, params, h.id, body.borrowerPersonId, project);
    if (!result.eligible) throw loanErrors.notEligible(result.failures);
    const cal = await loanCalendar(db);
    const actor = await actorOf(db, ctx);
    const prefs = preferenceReasons({ prefFamilyPlanning: h.pref_family_planning, prefVeteran: h.pref_veteran });
    const id = await db.transaction().execute(async (tx) => {
      const appNo = await nextNumber(tx, h.county_code, 'SQ', year);
      const quota = await quotaState(tx, { county_code: h.county_code, year, township_code: h.township_code, amount_fen: body.amountFen });
      const stage = firstStage('household');
      const due = stageDueDate(cal, params, stage, on);
      const row = await appRepo.insert(tx, {
        county_code: h.county_code,
        app_no: appNo,
        kind: 'household',
        scheme_id: scheme.id,
        year,
        area_code: h.area_code,
        township_code: h.township_code,
        household_id: h.id,
        borrower_person_id: borrower?.id ?? null,
        borrower_name: borrower?.name ?? h.head_name ?? '',
        certificate_id: cert?.id ?? null,
        project_name: body.projectName,
        industry: body.industry,
        production: body.production,
        amount_fen: body.amountFen,
        term_months: body.termMonths,
        purpose: body.purpose,
        expected_benefit: body.expectedBenefit ?? null,
        attachments: JSON.stringify(body.attachments ?? []),
        preferential: prefs.length > 0,
        pref_reasons: prefs,
        needs_county: result.needsCountyApproval,
        subsidy_eligible: result.subsidyEligible,
        eligibility: JSON.stringify(result),
        status: 'submitted',
        stage,
        stage_arrived_on: on,
        stage_due_on: due,
        over_quota: quota?.over ?? false,
        submitted_on: on,
        created_by: ctx.user.id || null,
        created_by_name: ctx.user.name,
      });
      // files are uploaded to an existing application: none can belong to one filed just now
      await assertAttachmentsOf(tx, 'loan_application', h.county_code, row.id, body.attachments);
      await appRepo.event(tx, {
        county_code: h.county_code,
        application_id: row.id,
        on_date: on,
        action: 'submit',
        stage: null,
        from_status: null,
        to_status: 'submitted',
        to_stage: stage,
        due_on: due,
        opinion: result.notes.map((n) => n.message).join('；') || null,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'create',
        entity: 'loan_application',
        entityId: row.id,
        areaCode: h.area_code,
        countyCode: h.county_code,
        summary: `受理 ${borrower?.name ?? h.head_name ?? ''} 的到户贷款申请 ${appNo}：${body.projectName}，${yuan(body.amountFen)}，${body.termMonths} 个月${body.production ? '' : '（非生产性，不贴息）'}`,
        after: { appNo, ...project, projectName: body.projectName },
      });
      return row.id;
    });
    return this.get(db, ctx, id);
  },

  /** 第十三条: an enterprise applies; the county poverty office reviews; the credit union decides. */
  async createEnterprise(db: Db, ctx: Ctx, body: CreateEnterpriseApplicationBody) {
    const area = await appRepo.area(db, body.areaCode);
    if (!area || (area.level !== 3 && area.level !== 4) || !area.county_code) throw errors.badRequest(`所在区划：${body.areaCode} 不是已登记的县或乡镇`);
    if (!scopeCoversArea(ctx.scope, body.areaCode) && !coversCounty(ctx.scope, area.county_code)) throw errors.outOfScope('该区划');
    await checkIndustry(db, body.industry);
    const on = today();
    const year = Number(on.slice(0, 4));
    const scheme = await activeScheme(db, area.county_code, year);
    const params = paramsOf(scheme);
    const project = { amountFen: body.amountFen, termMonths: body.termMonths, production: body.production, industry: body.industry };
    const result = await enterpriseEligibility(db, area.county_code, params, body.enterpriseCreditCode, area.level === 4 ? area.loan_precondition_met : true, project);
    if (!result.eligible) throw loanErrors.notEligible(result.failures);
    const cal = await loanCalendar(db);
    const actor = await actorOf(db, ctx);
    const id = await db.transaction().execute(async (tx) => {
      const appNo = await nextNumber(tx, area.county_code!, 'SQ', year);
      const stage = firstStage('enterprise');
      const due = stageDueDate(cal, params, stage, on);
      const row = await appRepo.insert(tx, {
        county_code: area.county_code!,
        app_no: appNo,
        kind: 'enterprise',
        scheme_id: scheme.id,
        year,
        area_code: body.areaCode,
        township_code: area.level === 4 ? area.code : null,
        borrower_name: body.enterpriseName,
        enterprise_credit_code: body.enterpriseCreditCode,
        enterprise_legal_rep: body.legalRep,
        project_name: body.projectName,
        industry: body.industry,
        production: body.production,
        amount_fen: body.amountFen,
        term_months: body.termMonths,
        purpose: body.purpose,
        expected_benefit: body.expectedBenefit ?? null,
        attachments: JSON.stringify(body.attachments ?? []),
        needs_county: true,
        subsidy_eligible: result.subsidyEligible,
        eligibility: JSON.stringify(result),
        status: 'submitted',
        stage,
        stage_arrived_on: on,
        stage_due_on: due,
        submitted_on: on,
        created_by: ctx.user.id || null,
        created_by_name: ctx.user.name,
      });
      await appRepo.event(tx, {
        county_code: area.county_code!,
        application_id: row.id,
        on_date: on,
        action: 'submit',
        to_status: 'submitted',
        to_stage: stage,
        due_on: due,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'create',
        entity: 'loan_application',
        entityId: row.id,
        areaCode: body.areaCode,
        countyCode: area.county_code!,
        summary: `受理企业 ${body.enterpriseName} 的扶贫贷款申请 ${appNo}：${body.projectName}，${yuan(body.amountFen)}`,
        after: { appNo, ...project, enterprise: body.enterpriseName },
      });
      return row.id;
    });
    return this.get(db, ctx, id);
  },

  /**
   * One step of the review. `allowed` are the stages this route serves (village, station, coop,
   * or the county's two); the user's version guards against two officers deciding at once.
   */
  async decide(db: Db, ctx: Ctx, id: number, allowed: LoanStage[] | 'county', body: DecideBody) {
    const cur = await load(db, ctx, id);
    const actor = await actorOf(db, ctx);
    const stages = allowed === 'county' ? stagesOf(ctx, actor).filter((s) => s === 'county_office' || s === 'credit_union') : allowed;
    if (body.version !== cur.version) throw loanErrors.decidedByOther(stateLabel(cur));
    if (cur.status !== 'submitted' || !cur.stage) throw loanErrors.applicationState(STATUS_LABELS[cur.status], '审批');
    if (!stages.includes(cur.stage)) throw loanErrors.notYourStage(STAGE_LABELS[cur.stage]);
    if (body.decision !== 'approve' && !body.opinion) throw loanErrors.reasonRequired(body.decision === 'return' ? '退回补充材料' : '不同意');
    const stage = cur.stage;
    const scheme = await schemeRepo.byId(db, cur.county_code, cur.scheme_id);
    const params = paramsOf(scheme);
    const on = today();
    const cal = await loanCalendar(db);
    const next = body.decision === 'approve' ? nextStage(cur.kind, stage, cur.needs_county) : null;
    const final = body.decision === 'approve' && next === null;

    // The final approval re-checks the rules: facts may have changed while the application waited.
    let recheck: EligibilityResult | null = null;
    if (final) {
      const project = { amountFen: cur.amount_fen, termMonths: cur.term_months, production: cur.production, industry: cur.industry };
      recheck =
        cur.kind === 'household'
          ? (await householdEligibility(db, ctx.scope, params, cur.household_id!, cur.borrower_person_id ?? undefined, project, cur.id)).result
          : await enterpriseEligibility(db, cur.county_code, params, cur.enterprise_credit_code ?? '', true, project, cur.id);
      if (!recheck.eligible) throw loanErrors.notEligible(recheck.failures);
    }

    await db.transaction().execute(async (tx) => {
      let overQuota = cur.over_quota;
      if (cur.kind === 'household' && cur.township_code && body.decision === 'approve') {
        // Serialises approvals in one township so two cannot both take the last of the quota.
        if (final) await quotaRepo.lock(tx, cur.county_code, cur.year, cur.township_code);
        const q = await quotaState(tx, cur);
        overQuota = q?.over ?? false;
        if (final && q?.over && !cur.quota_decision_id) throw loanErrors.overQuota(q.message ?? '超出乡镇计划指标');
      }
      const set =
        body.decision === 'return'
          ? { status: 'returned' as const, stage_due_on: null }
          : body.decision === 'reject'
            ? { status: 'rejected' as const, stage: null, stage_due_on: null, decided_on: on, decision_reason: body.opinion ?? null }
            : final
              ? {
                  status: 'approved' as const,
                  stage: null,
                  stage_arrived_on: null,
                  stage_due_on: null,
                  decided_on: on,
                  decision_reason: body.opinion ?? null,
                  over_quota: overQuota,
                  eligibility: JSON.stringify(recheck),
                }
              : { stage: next, stage_arrived_on: on, stage_due_on: stageDueDate(cal, params, next!, on), over_quota: overQuota };
      const ok = await appRepo.update(tx, cur.county_code, cur.id, body.version, set);
      if (!ok) {
        const now = await appRepo.get(tx, ctx.scope, cur.id);
        throw loanErrors.decidedByOther(now ? stateLabel(now) : '已变化');
      }
      const toStatus = 'status' in set ? set.status : 'submitted';
      await appRepo.event(tx, {
        county_code: cur.county_code,
        application_id: cur.id,
        on_date: on,
        action: body.decision,
        stage,
        from_status: cur.status,
        to_status: toStatus,
        to_stage: next,
        due_on: 'stage_due_on' in set ? set.stage_due_on : null,
        opinion: body.opinion ?? null,
        reasons: body.reasons ?? [],
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      // 第十二条2: a final decision is told to the station and the household, in this transaction.
      if (final || body.decision !== 'approve') {
        const decision = final ? 'approved' : body.decision === 'reject' ? 'rejected' : 'returned';
        await recordDecisionNotice(tx, ctx, actor, cur, { decision, stage, on, opinion: body.opinion ?? null, reasons: body.reasons ?? [] });
      }
      const verdict = body.decision === 'approve' ? (final ? '同意，审批通过' : `同意，转${STAGE_LABELS[next!]}`) : body.decision === 'return' ? '退回补充材料' : '不同意';
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: body.decision,
        entity: 'loan_application',
        entityId: cur.id,
        areaCode: cur.area_code,
        countyCode: cur.county_code,
        summary: `${STAGE_LABELS[stage]}：贷款申请 ${cur.app_no}（${cur.borrower_name}，${yuan(cur.amount_fen)}）${verdict}${body.opinion ? `。意见：${body.opinion}` : ''}`,
        before: { status: cur.status, stage },
        after: { status: toStatus, stage: next },
      });
    });
    return this.get(db, ctx, id);
  },

  /** A returned application, amended, goes back to the step that returned it; its history stays. */
  async resubmit(db: Db, ctx: Ctx, id: number, body: ResubmitBody) {
    const cur = await load(db, ctx, id);
    this.assertApplicant(ctx, cur);
    if (body.version !== cur.version) throw loanErrors.decidedByOther(stateLabel(cur));
    if (cur.status !== 'returned' || !cur.stage) throw loanErrors.applicationState(STATUS_LABELS[cur.status], '重新提交');
    if (body.industry) await checkIndustry(db, body.industry);
    const scheme = await schemeRepo.byId(db, cur.county_code, cur.scheme_id);
    const params = paramsOf(scheme);
    const project = {
      amountFen: body.amountFen ?? cur.amount_fen,
      termMonths: body.termMonths ?? cur.term_months,
      production: body.production ?? cur.production,
      industry: body.industry ?? cur.industry,
    };
    const result =
      cur.kind === 'household'
        ? (await householdEligibility(db, ctx.scope, params, cur.household_id!, cur.borrower_person_id ?? undefined, project, cur.id)).result
        : await enterpriseEligibility(db, cur.county_code, params, cur.enterprise_credit_code ?? '', true, project, cur.id);
    if (!result.eligible) throw loanErrors.notEligible(result.failures);
    const on = today();
    const cal = await loanCalendar(db);
    const actor = await actorOf(db, ctx);
    await db.transaction().execute(async (tx) => {
      const due = stageDueDate(cal, params, cur.stage!, on);
      const changes = {
        project_name: body.projectName ?? cur.project_name,
        industry: project.industry,
        production: project.production,
        amount_fen: project.amountFen,
        term_months: project.termMonths,
        purpose: body.purpose ?? cur.purpose,
        expected_benefit: body.expectedBenefit ?? cur.expected_benefit,
        ...(body.attachments ? { attachments: JSON.stringify(body.attachments) } : {}),
      };
      const ok = await appRepo.update(tx, cur.county_code, cur.id, body.version, {
        ...changes,
        status: 'submitted',
        stage_arrived_on: on,
        stage_due_on: due,
        needs_county: result.needsCountyApproval,
        subsidy_eligible: result.subsidyEligible,
        eligibility: JSON.stringify(result),
      });
      if (!ok) throw loanErrors.decidedByOther('已变化');
      await assertAttachmentsOf(tx, 'loan_application', cur.county_code, cur.id, body.attachments);
      await appRepo.event(tx, {
        county_code: cur.county_code,
        application_id: cur.id,
        on_date: on,
        action: 'resubmit',
        stage: cur.stage,
        from_status: 'returned',
        to_status: 'submitted',
        to_stage: cur.stage,
        due_on: due,
        opinion: body.note,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'resubmit',
        entity: 'loan_application',
        entityId: cur.id,
        areaCode: cur.area_code,
        countyCode: cur.county_code,
        summary: `贷款申请 ${cur.app_no} 补充材料后重新提交至${STAGE_LABELS[cur.stage!]}：${body.note}`,
        before: { amountFen: cur.amount_fen, termMonths: cur.term_months, purpose: cur.purpose },
        after: { amountFen: project.amountFen, termMonths: project.termMonths, purpose: changes.purpose },
      });
    });
    return this.get(db, ctx, id);
  },

  async withdraw(db: Db, ctx: Ctx, id: number, body: { version: number; reason: string }) {
    const cur = await load(db, ctx, id);
    this.assertApplicant(ctx, cur);
    if (body.version !== cur.version) throw loanErrors.decidedByOther(stateLabel(cur));
    if (cur.status !== 'submitted' && cur.status !== 'returned') throw loanErrors.applicationState(STATUS_LABELS[cur.status], '撤回');
    const on = today();
    const actor = await actorOf(db, ctx);
    await db.transaction().execute(async (tx) => {
      const ok = await appRepo.update(tx, cur.county_code, cur.id, body.version, { status: 'withdrawn', stage_due_on: null, decided_on: on, decision_reason: body.reason });
      if (!ok) throw loanErrors.decidedByOther('已变化');
      await appRepo.event(tx, {
        county_code: cur.county_code,
        application_id: cur.id,
        on_date: on,
        action: 'withdraw',
        stage: cur.stage,
        from_status: cur.status,
        to_status: 'withdrawn',
        opinion: body.reason,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'withdraw',
        entity: 'loan_application',
        entityId: cur.id,
        areaCode: cur.area_code,
        countyCode: cur.county_code,
        summary: `撤回贷款申请 ${cur.app_no}（${cur.borrower_name}）：${body.reason}`,
        before: { status: cur.status },
        after: { status: 'withdrawn' },
      });
    });
    return this.get(db, ctx, id);
  },

  /** The county leading group's recorded decision to lend past a township's quota (第六条). */
  async quotaDecision(db: Db, ctx: Ctx, id: number, body: { documentNo: string; reason: string }) {
    const cur = await load(db, ctx, id);
    if (!coversCounty(ctx.scope, cur.county_code)) throw errors.outOfScope('该县');
    if (cur.kind !== 'household' || (cur.status !== 'submitted' && cur.status !== 'returned')) {
      throw loanErrors.applicationState(STATUS_LABELS[cur.status], '作超指标决定');
    }
    if (cur.quota_decision_id) throw loanErrors.quotaDecisionExists();
    const q = await quotaState(db, cur);
    if (!q?.over) throw loanErrors.quotaDecisionNotNeeded();
    const actor = await actorOf(db, ctx);
    const on = today();
    await db.transaction().execute(async (tx) => {
      const d = await appRepo
        .insertQuotaDecision(tx, {
          county_code: cur.county_code,
          application_id: cur.id,
          year: cur.year,
          township_code: cur.township_code!,
          amount_fen: cur.amount_fen,
          document_no: body.documentNo,
          reason: body.reason,
          decided_by: actor.id,
          decided_by_name: actor.name,
        })
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.quotaDecisionExists();
          throw e;
        });
      // Not a review step: the version is left alone so an officer's open form stays valid.
      await tx.updateTable('loan_application').set({ quota_decision_id: d.id, over_quota: true }).where('county_code', '=', cur.county_code).where('id', '=', cur.id).execute();
      await appRepo.event(tx, {
        county_code: cur.county_code,
        application_id: cur.id,
        on_date: on,
        action: 'quota_decision',
        stage: cur.stage,
        opinion: `${body.documentNo}：${body.reason}`,
        actor_id: actor.id,
        actor_name: actor.name,
        actor_org: actor.orgName,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'quota_decision',
        entity: 'loan_application',
        entityId: cur.id,
        areaCode: cur.area_code,
        countyCode: cur.county_code,
        summary: `同意贷款申请 ${cur.app_no}（${cur.borrower_name}，${yuan(cur.amount_fen)}）超出乡镇计划指标发放（${body.documentNo}）：${body.reason}`,
        after: { documentNo: body.documentNo, reason: body.reason, remainingFen: q.remainingFen },
      });
    });
    return this.get(db, ctx, id);
  },

  assertApplicant(ctx: Ctx, cur: AppRow) {
    const perm = cur.kind === 'household' ? 'loan:apply' : 'loan:review:county';
    if (!can(ctx, perm)) throw errors.forbidden(perm);
  },
};

/**
 * The nightly deadline run: a reminder when a stage's deadline is `remindDays` working days away
 * or less, an escalation once it has passed; each recorded once per stage and deadline.
 */
export async function recordDeadlineEvents(db: Db, on = today()) {
  const cal = await loanCalendar(db);
  const horizon = cal.addWorkingDays(on, 10);
  const rows = await appRepo.dueSoon(db, horizon);
  const schemes = new Map<string, number>();
  let reminded = 0;
  let escalated = 0;
  for (const r of rows) {
    const key = `${r.county_code}:${r.scheme_id}`;
    if (!schemes.has(key)) schemes.set(key, (await schemeRepo.byId(db, r.county_code, r.scheme_id)).remind_days);
    const info = deadlineInfo(cal, r.stage_due_on!, on, schemes.get(key)!);
    const action = info.overdue ? 'escalate' : info.remind ? 'remind' : null;
    if (!action) continue;
    const res = await db
      .insertInto('loan_application_event')
      .values({
        county_code: r.county_code,
        application_id: r.id,
        on_date: on,
        action,
        stage: r.stage,
        due_on: r.stage_due_on,
        opinion: info.overdue
          ? `${STAGE_LABELS[r.stage!]}已超过期限 ${r.stage_due_on}，报上级督办`
          : `${STAGE_LABELS[r.stage!]}期限 ${r.stage_due_on}，剩 ${info.workingDaysLeft} 个工作日`,
        actor_name: '系统',
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0) > 0) {
      if (action === 'escalate') escalated++;
      else reminded++;
    }
  }
  return { reminded, escalated };
}

