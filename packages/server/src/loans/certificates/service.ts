import type { z } from 'zod';
import { writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { nextNumber, today, yuan } from '../common';
import { loanErrors } from '../errors';
import { certRepo, type CertRow } from './repository';
import { CERT_STATUS_LABELS, type coopDecisionCertBody, type revokeCertBody, type villageReviewCertBody } from './schemas';

const GRADE_LABELS: Record<string, string> = { AAA: '优秀', AA: '较好', A: '一般' };

export function certValid(c: { status: string; valid_from: string | null; valid_to: string | null }, on = today()) {
  return c.status === 'issued' && !!c.valid_from && !!c.valid_to && c.valid_from <= on && on <= c.valid_to;
}

function toItem(r: CertRow) {
  return {
    id: r.id,
    certNo: r.cert_no,
    householdId: r.household_id,
    headName: r.head_name,
    areaCode: r.area_code,
    areaName: r.area_name,
    townshipCode: r.township_code,
    status: r.status,
    statusLabel: CERT_STATUS_LABELS[r.status],
    valid: certValid(r),
    appliedOn: r.applied_on,
    villageOpinion: r.village_opinion,
    incomeChecked: r.income_checked,
    integrityChecked: r.integrity_checked,
    villageReviewedByName: r.village_reviewed_by_name,
    villageReviewedOn: r.village_reviewed_on,
    creditGrade: r.credit_grade,
    creditGradeLabel: r.credit_grade ? (GRADE_LABELS[r.credit_grade] ?? r.credit_grade) : null,
    creditLimitFen: r.credit_limit_fen,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    issuedByName: r.issued_by_name,
    issuedOn: r.issued_on,
    rejectReason: r.reject_reason,
    version: r.version,
  };
}

async function load(db: Db, ctx: Ctx, id: number) {
  const r = await certRepo.get(db, ctx.scope, id);
  if (!r) throw errors.notFound('贷款证');
  return r;
}

/** Applies an optimistic update or explains who got there first. */
async function change(db: Db, ctx: Ctx, cur: CertRow, version: number, set: Parameters<typeof certRepo.update>[4], audit: { action: string; summary: string }) {
  if (cur.version !== version) throw loanErrors.stale('贷款证');
  return db.transaction().execute(async (tx) => {
    const ok = await certRepo.update(tx, cur.county_code, cur.id, version, set);
    if (!ok) throw loanErrors.stale('贷款证');
    await writeAudit(tx, ctx, {
      module: 'loan',
      action: audit.action,
      entity: 'loan_certificate',
      entityId: cur.id,
      areaCode: cur.area_code,
      countyCode: cur.county_code,
      summary: audit.summary,
      before: { status: cur.status },
      after: set,
    });
  });
}

export const certService = {
  async list(db: Db, ctx: Ctx, q: Parameters<typeof certRepo.list>[2]) {
    const r = await certRepo.list(db, ctx.scope, q);
    return { items: r.items.map(toItem), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async get(db: Db, ctx: Ctx, id: number) {
    return toItem(await load(db, ctx, id));
  },

  /** 第十二条1: the household applies at the coop; the village committee reviews first. */
  async apply(db: Db, ctx: Ctx, householdId: number) {
    const h = await certRepo.household(db, ctx.scope, householdId);
    if (!h) throw loanErrors.householdNotFound();
    if (h.status === 'cancelled') throw errors.badRequest('该户档案已注销，不能办理贷款证');
    const on = today();
    const id = await db.transaction().execute(async (tx) => {
      const open = await certRepo.openFor(tx, h.county_code, h.id);
      if (open) {
        // An issued certificate past its validity makes way for a new one.
        if (open.status === 'issued' && open.valid_to && open.valid_to < on) {
          await certRepo.update(tx, open.county_code, open.id, open.version, { status: 'expired' });
        } else {
          throw loanErrors.certificateOpen(open.cert_no);
        }
      }
      const certNo = await nextNumber(tx, h.county_code, 'DKZ', Number(on.slice(0, 4)));
      const row = await certRepo.insert(tx, {
        county_code: h.county_code,
        cert_no: certNo,
        household_id: h.id,
        area_code: h.area_code,
        township_code: h.township_code,
        applied_on: on,
        created_by: ctx.user.id || null,
      });
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'create',
        entity: 'loan_certificate',
        entityId: row.id,
        areaCode: h.area_code,
        countyCode: h.county_code,
        summary: `受理 ${h.head_name ?? ''} 户贷款证申请 ${certNo}`,
        after: { certNo, householdId: h.id },
      });
      return row.id;
    });
    return this.get(db, ctx, id);
  },

  async villageReview(db: Db, ctx: Ctx, id: number, body: z.infer<typeof villageReviewCertBody>) {
    const cur = await load(db, ctx, id);
    if (cur.version !== body.version) throw loanErrors.stale('贷款证');
    if (cur.status !== 'applied') throw loanErrors.certificateState(CERT_STATUS_LABELS[cur.status], '进行村委会审查');
    const pass = body.approve && body.incomeChecked && body.integrityChecked;
    if (body.approve && !pass) throw errors.badRequest('收入和诚信情况均核实后才能审查通过');
    await change(
      db,
      ctx,
      cur,
      body.version,
      {
        status: pass ? 'village_reviewed' : 'rejected',
        village_opinion: body.opinion,
        income_checked: body.incomeChecked,
        integrity_checked: body.integrityChecked,
        village_reviewed_by_name: ctx.user.name,
        village_reviewed_on: today(),
        reject_reason: pass ? null : body.opinion,
      },
      { action: 'village_review', summary: `村委会审查贷款证 ${cur.cert_no}（${cur.head_name ?? ''}）：${pass ? '通过' : '不通过'}，${body.opinion}` },
    );
    return this.get(db, ctx, id);
  },

  async coopDecision(db: Db, ctx: Ctx, id: number, body: z.infer<typeof coopDecisionCertBody>) {
    const cur = await load(db, ctx, id);
    if (cur.version !== body.version) throw loanErrors.stale('贷款证');
    if (cur.status !== 'village_reviewed') throw loanErrors.certificateState(CERT_STATUS_LABELS[cur.status], '评定发放');
    if (body.decision === 'issue') {
      if (body.validTo < body.validFrom) throw errors.badRequest('有效期止不能早于有效期起');
      await change(
        db,
        ctx,
        cur,
        body.version,
        {
          status: 'issued',
          credit_grade: body.creditGrade,
          credit_limit_fen: body.creditLimitFen ?? null,
          valid_from: body.validFrom,
          valid_to: body.validTo,
          issued_by_name: ctx.user.name,
          issued_on: today(),
        },
        {
          action: 'issue',
          summary: `发放贷款证 ${cur.cert_no}（${cur.head_name ?? ''}）：信用等级 ${GRADE_LABELS[body.creditGrade]}，有效期 ${body.validFrom} 至 ${body.validTo}${body.creditLimitFen ? `，授信 ${yuan(body.creditLimitFen)}` : ''}`,
        },
      );
    } else {
      await change(db, ctx, cur, body.version, { status: 'rejected', reject_reason: body.reason }, {
        action: 'reject',
        summary: `不予发放贷款证 ${cur.cert_no}（${cur.head_name ?? ''}）：${body.reason}`,
      });
    }
    return this.get(db, ctx, id);
  },

  async revoke(db: Db, ctx: Ctx, id: number, body: z.infer<typeof revokeCertBody>) {
    const cur = await load(db, ctx, id);
    if (cur.version !== body.version) throw loanErrors.stale('贷款证');
    if (cur.status !== 'issued') throw loanErrors.certificateState(CERT_STATUS_LABELS[cur.status], '收回');
    await change(db, ctx, cur, body.version, { status: 'revoked', reject_reason: body.reason }, {
      action: 'revoke',
      summary: `收回贷款证 ${cur.cert_no}（${cur.head_name ?? ''}）：${body.reason}`,
    });
    return this.get(db, ctx, id);
  },
};
