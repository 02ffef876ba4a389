import { maskIdNumber } from '@fupin/shared/idcard';
import { writeAudit } from '../../audit/audit';
import type { Db, Tx } from '../../db/db';
import type { LoanApplicationTable } from '../../db/schema';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { actorOf, iso, nextNumber, today, yuan, type Actor } from '../common';
import { loanErrors } from '../errors';
import { maskName } from '../reports/service';
import { STAGE_LABELS, type Stage } from '../rules';
import { decisionRepo, type NoticeRow, type NotificationRow } from './repository';

export type Decision = 'approved' | 'rejected' | 'returned';
export const DECISION_LABELS: Record<Decision, string> = { approved: '同意贷款', rejected: '不予贷款', returned: '退回补充材料' };
export const DELIVERY_LABELS = { in_person: '本人当面领取', via_village: '由村委会转交', post: '邮寄送达', phone_then_paper: '电话告知后补送书面通知' } as const;
export type DeliveryMethod = keyof typeof DELIVERY_LABELS;

export type NoticeContent = {
  title: string;
  noticeNo: string;
  to: string;
  villageName: string | null;
  idNumberMasked: string | null;
  applicationNo: string;
  projectName: string;
  industryLabel: string;
  amountText: string;
  termMonths: number;
  decision: Decision;
  decisionLabel: string;
  decidedBy: string;
  stageLabel: string;
  decidedOn: string;
  opinion: string | null;
  reasons: string[];
  nextSteps: string;
  article: string;
};

type App = Pick<
  LoanApplicationTable,
  'county_code' | 'area_code' | 'township_code' | 'household_id' | 'borrower_name' | 'project_name' | 'industry' | 'term_months' | 'kind'
> & { id: number; app_no: string; amount_fen: number; production: boolean };

function nextSteps(decision: Decision, coop: string) {
  if (decision === 'approved') {
    return `请户主持本通知书、身份证和贷款证到${coop}签订借款合同、办理放款。贷款用于发展生产并按期足额归还的，享受财政贴息；逾期归还的按非贴息利率计息（第三条5–6）。`;
  }
  if (decision === 'returned') return '请按上述意见补充材料，由村委会重新提交申请；原申请记录保留，补充后回到退回的审查环节。';
  return '如对决定有异议，可在收到本通知书后向乡镇扶贫工作站或县扶贫办反映。';
}

/**
 * 第十二条2: every final decision on a household application — the final approval, a rejection
 * or a return for more information at any step — is told to the station and to the household.
 * Called inside the decision's own transaction, so no decision exists without its notice.
 * Enterprise applications (第十三条) are decided at county level and told to the enterprise
 * directly, not through a station: they get no notice here.
 */
export async function recordDecisionNotice(
  tx: Tx,
  ctx: Ctx,
  actor: Actor,
  app: App,
  d: { decision: Decision; stage: Stage; on: string; opinion: string | null; reasons: string[] },
) {
  if (app.kind !== 'household' || !app.township_code) return null;
  const facts = await decisionRepo.applicant(tx, app.county_code, app.id);
  const noticeNo = await nextNumber(tx, app.county_code, 'JDTZ', Number(d.on.slice(0, 4)));
  const coop = await tx.selectFrom('org').select('name').where('county_code', '=', app.county_code).where('kind', '=', 'coop').where('area_code', '=', app.township_code).executeTakeFirst();
  const content: NoticeContent = {
    title: '扶贫到户贷款申请决定通知书',
    noticeNo,
    to: `${maskName(app.borrower_name)}（户）`,
    villageName: facts?.village_name ?? null,
    idNumberMasked: facts?.id_number ? maskIdNumber(facts.id_number) : null,
    applicationNo: app.app_no,
    projectName: app.project_name,
    industryLabel: facts?.industry_label ?? app.industry,
    amountText: yuan(app.amount_fen),
    termMonths: app.term_months,
    decision: d.decision,
    decisionLabel: DECISION_LABELS[d.decision],
    decidedBy: actor.orgName ?? actor.name,
    stageLabel: STAGE_LABELS[d.stage],
    decidedOn: d.on,
    opinion: d.opinion,
    reasons: d.reasons,
    nextSteps: nextSteps(d.decision, coop?.name ?? '乡镇信用社'),
    article: '第十二条2：信用社作出的贷款决定，告知乡镇扶贫工作站和农户',
  };
  const n = await decisionRepo.insertNotice(tx, {
    county_code: app.county_code,
    notice_no: noticeNo,
    application_id: app.id,
    household_id: app.household_id,
    area_code: app.area_code,
    township_code: app.township_code,
    decision: d.decision,
    stage: d.stage,
    decided_on: d.on,
    decided_by_name: actor.name,
    decided_by_org: actor.orgName,
    content: JSON.stringify(content),
  });
  const why = d.opinion ? `，意见：${d.opinion}` : '';
  await decisionRepo.insertNotification(tx, {
    county_code: app.county_code,
    recipient_kind: 'station',
    recipient_area: app.township_code,
    kind: 'decision',
    application_id: app.id,
    notice_id: n.id,
    title: `贷款申请 ${app.app_no}：${DECISION_LABELS[d.decision]}`,
    body: `${STAGE_LABELS[d.stage]}（${actor.orgName ?? actor.name}）${d.on} 对 ${maskName(app.borrower_name)} 申请的 ${yuan(app.amount_fen)} 作出决定：${DECISION_LABELS[d.decision]}${why}。决定通知书 ${noticeNo} 待送达农户。`,
    created_on: d.on,
  });
  await writeAudit(tx, ctx, {
    module: 'loan',
    action: 'decision_notice',
    entity: 'loan_decision_notice',
    entityId: n.id,
    areaCode: app.area_code,
    countyCode: app.county_code,
    summary: `出具贷款决定通知书 ${noticeNo}（申请 ${app.app_no}，${DECISION_LABELS[d.decision]}），并告知${facts?.township_name ?? ''}扶贫工作站`,
    after: { noticeNo, decision: d.decision, stage: d.stage },
  });
  return n;
}

function noticeItem(r: NoticeRow) {
  const content = (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as NoticeContent;
  return {
    id: r.id,
    noticeNo: r.notice_no,
    applicationId: r.application_id,
    applicationNo: r.app_no,
    decision: r.decision,
    decisionLabel: DECISION_LABELS[r.decision],
    stage: r.stage,
    stageLabel: STAGE_LABELS[r.stage as Stage] ?? r.stage,
    decidedOn: r.decided_on,
    decidedByName: r.decided_by_name,
    decidedByOrg: r.decided_by_org,
    content,
    delivered: r.delivered_on !== null,
    deliveredOn: r.delivered_on,
    deliveryMethod: r.delivery_method,
    deliveryMethodLabel: r.delivery_method ? DELIVERY_LABELS[r.delivery_method] : null,
    recipientName: r.recipient_name,
    deliveredByName: r.delivered_by_name,
    deliveryNote: r.delivery_note,
    version: r.version,
  };
}

export function notificationItem(r: NotificationRow) {
  return {
    id: r.id,
    kind: r.kind,
    applicationId: r.application_id,
    applicationNo: r.app_no,
    noticeId: r.notice_id,
    noticeNo: r.notice_no,
    noticeDelivered: r.delivered_on !== null,
    title: r.title,
    body: r.body,
    createdOn: r.created_on,
    read: r.read_at !== null,
    readAt: r.read_at ? iso(r.read_at) : null,
    readByName: r.read_by_name,
  };
}

export const decisionService = {
  async notices(db: Db, ctx: Ctx, q: { applicationId?: number; delivered?: 'true' | 'false'; page: number; pageSize: number }) {
    const [rows, total] = await decisionRepo.notices(db, ctx.scope, { ...q, delivered: q.delivered === undefined ? undefined : q.delivered === 'true' });
    return { items: rows.map(noticeItem), total: Number(total.n), page: q.page, pageSize: q.pageSize };
  },

  async notice(db: Db, ctx: Ctx, id: number) {
    const r = await decisionRepo.notice(db, ctx.scope, id);
    if (!r) throw errors.notFound('决定通知书');
    return noticeItem(r);
  },

  /** The handover to the household is recorded once: when, how, to whom, by whom. */
  async deliver(db: Db, ctx: Ctx, id: number, body: { version: number; deliveredOn: string; method: DeliveryMethod; recipientName: string; note?: string }) {
    // The station or the village committee hands the notice over; the coop may give it at its counter.
    if (!can(ctx, 'loan:apply') && !can(ctx, 'loan:review:station')) throw errors.forbidden('loan:apply');
    const cur = await decisionRepo.notice(db, ctx.scope, id);
    if (!cur) throw errors.notFound('决定通知书');
    if (cur.delivered_on) throw loanErrors.noticeDelivered(cur.notice_no, cur.delivered_on);
    if (body.version !== cur.version) throw loanErrors.stale('决定通知书');
    if (body.deliveredOn < cur.decided_on) throw loanErrors.badDate(`送达日期不能早于决定日期 ${cur.decided_on}`);
    if (body.deliveredOn > today()) throw loanErrors.badDate('送达日期不能晚于今天');
    const actor = await actorOf(db, ctx);
    await db.transaction().execute(async (tx) => {
      const ok = await decisionRepo.deliver(tx, cur.county_code, cur.id, body.version, {
        delivered_on: body.deliveredOn,
        delivery_method: body.method,
        recipient_name: body.recipientName,
        delivered_by_name: actor.name,
        delivery_note: body.note ?? null,
      });
      if (!ok) throw loanErrors.stale('决定通知书');
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'deliver_notice',
        entity: 'loan_decision_notice',
        entityId: cur.id,
        areaCode: cur.area_code,
        countyCode: cur.county_code,
        summary: `决定通知书 ${cur.notice_no} 已于 ${body.deliveredOn} ${DELIVERY_LABELS[body.method]}，签收人 ${body.recipientName}`,
        before: { deliveredOn: null },
        after: { deliveredOn: body.deliveredOn, method: body.method, recipientName: body.recipientName },
      });
    });
    return this.notice(db, ctx, id);
  },

  async notifications(db: Db, ctx: Ctx, q: { unread?: 'true' | 'false'; limit: number }) {
    const [rows, c] = await decisionRepo.notifications(db, ctx.scope, { unread: q.unread === 'true', limit: q.limit });
    return { items: rows.map(notificationItem), unread: Number(c.unread) };
  },

  async markRead(db: Db, ctx: Ctx, id: number) {
    const actor = await actorOf(db, ctx);
    await db.transaction().execute(async (tx) => {
      const r = await decisionRepo.markRead(tx, ctx.scope, id, actor.name);
      if (!r) throw errors.notFound('通知');
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'read_notification',
        entity: 'loan_notification',
        entityId: r.id,
        areaCode: r.recipient_area,
        countyCode: r.county_code,
        summary: `${actor.name} 已阅：${r.title}`,
      });
    });
    const [rows] = await decisionRepo.notifications(db, ctx.scope, { limit: 1000 });
    const hit = rows.find((x) => x.id === id);
    if (!hit) throw errors.notFound('通知');
    return notificationItem(hit);
  },
};
