import { areaPrefix } from '@fupin/shared/area';
import { addDays } from '@fupin/shared/date';
import { diff, writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { accessOf, assertAreaWritable } from '../access';
import { lockKey, today, visitError } from '../common';
import { cadreRepo, findArea, findOrg } from '../pairing/repository';
import { loadRules } from '../rule-store';
import {
  CADRE_STATUS_LABELS,
  REPORT_STATE_LABELS,
  evaluateAttendance,
  monthRange,
  overlaps,
  quarterRange,
  reportDueDate,
  reportState,
} from '../rules';
import { attendanceRepo, memberRepo, reportRepo, teamRepo, type MemberRow } from './repository';
import {
  MEMBER_ROLE_LABELS,
  type AddMemberBody,
  type CreateTeamBody,
  type MemberItem,
  type PutAttendanceBody,
  type ReportItem,
  type ReviewReportBody,
  type SubmitReportBody,
  type TeamItem,
  type UpdateTeamBody,
} from './schemas';
import type { EndBody } from '../pairing/schemas';

const MODULE = 'visits';

type TeamRow = NonNullable<Awaited<ReturnType<typeof teamRepo.find>>>;
type MemberListRow = Awaited<ReturnType<typeof teamRepo.members>>[number];

function toMember(m: MemberListRow): MemberItem {
  return {
    id: m.id,
    teamId: m.team_id,
    cadreId: m.cadre_id,
    cadreName: m.cadre_name,
    unitName: m.unit_name,
    role: m.role,
    roleLabel: MEMBER_ROLE_LABELS[m.role],
    startDate: m.start_date,
    endDate: m.end_date,
    endReason: m.end_reason,
  };
}

async function withMembers(db: Db, rows: TeamRow[]): Promise<TeamItem[]> {
  const members = await teamRepo.members(db, rows);
  return rows.map((t) => ({
    id: t.id,
    countyCode: t.county_code,
    villageCode: t.village_code,
    villageName: t.village_name,
    townshipName: t.township_name,
    name: t.name,
    sentByOrgId: t.sent_by_org_id,
    sentByName: t.sent_by_name,
    startDate: t.start_date,
    endDate: t.end_date,
    endReason: t.end_reason,
    note: t.note,
    version: t.version,
    members: members.filter((m) => m.county_code === t.county_code && m.team_id === t.id).map(toMember),
  }));
}

async function reload(db: Db, ctx: Ctx, id: number) {
  const t = await teamRepo.find(db, accessOf(ctx), id);
  if (!t) throw errors.notFound('驻村工作队');
  return (await withMembers(db, [t]))[0];
}

/** Attendance and reports: the station of the area (visit:pairing:edit), or the member themselves (visit:record). */
function assertMemberWritable(ctx: Ctx, m: MemberRow) {
  const access = accessOf(ctx);
  const station = access.scope.kind !== 'self' && scopeCoversArea(access.scope, m.village_code) && can(ctx, 'visit:pairing:edit');
  const self = m.cadre_user_id === ctx.user.id && can(ctx, 'visit:record');
  if (!station && !self) throw errors.outOfScope(`${m.cadre_name} 的考勤与报告`);
}

export const teamService = {
  async list(db: Db, ctx: Ctx, q: { page: number; pageSize: number; areaCode?: string; current: boolean }) {
    const r = await teamRepo.list(db, accessOf(ctx), { ...q, areaPrefix: q.areaCode ? areaPrefix(q.areaCode) : undefined });
    return { items: await withMembers(db, r.items), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  get: reload,

  async create(db: Db, ctx: Ctx, body: CreateTeamBody): Promise<TeamItem> {
    const access = accessOf(ctx);
    const area = await findArea(db, body.villageCode);
    if (!area) throw errors.notFound(`村 ${body.villageCode} `);
    if (area.level !== 5 || !area.county_code) throw visitError(400, 'E4111', `村：${area.name}（${area.code}）不是村级区划`);
    assertAreaWritable(access, area.code, `村 ${area.name}`);
    const sentBy = body.sentByOrgId ? await findOrg(db, body.sentByOrgId) : null;
    if (body.sentByOrgId && (!sentBy || sentBy.status !== 'active')) throw errors.validation([{ field: '派出单位', message: '不存在或已停用' }]);
    const county = area.county_code;
    const id = await db.transaction().execute(async (tx) => {
      await lockKey(tx, `resident_team:${area.code}`);
      const cur = await teamRepo.currentOfVillage(tx, county, area.code);
      if (cur) throw visitError(409, 'E4130', `${area.name} 已有驻村工作队“${cur.name}”，请先结束其任期`);
      const row = await teamRepo.insert(tx, {
        county_code: county,
        village_code: area.code,
        name: body.name,
        sent_by_org_id: body.sentByOrgId ?? null,
        start_date: body.startDate,
        note: body.note ?? null,
      });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'create',
        entity: 'resident_team',
        entityId: row.id,
        countyCode: county,
        areaCode: area.code,
        summary: `组建驻村工作队“${body.name}”进驻 ${area.name}${sentBy ? `（派出单位 ${sentBy.name}）` : ''}，任期自 ${body.startDate} 起`,
        after: body,
      });
      return row.id;
    });
    return reload(db, ctx, id);
  },

  async update(db: Db, ctx: Ctx, id: number, body: UpdateTeamBody): Promise<TeamItem> {
    const access = accessOf(ctx);
    const before = await teamRepo.find(db, access, id);
    if (!before) throw errors.notFound('驻村工作队');
    assertAreaWritable(access, before.village_code, `驻村工作队“${before.name}”`);
    if (body.sentByOrgId) {
      const o = await findOrg(db, body.sentByOrgId);
      if (!o || o.status !== 'active') throw errors.validation([{ field: '派出单位', message: '不存在或已停用' }]);
    }
    await db.transaction().execute(async (tx) => {
      const patch: { name?: string; sent_by_org_id?: number | null; note?: string | null } = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.sentByOrgId !== undefined) patch.sent_by_org_id = body.sentByOrgId;
      if (body.note !== undefined) patch.note = body.note;
      const r = await teamRepo.update(tx, before.county_code, id, body.version, patch);
      if (!Number(r.numUpdatedRows)) throw errors.staleVersion(`驻村工作队“${before.name}”`);
      const d = diff({ name: before.name, sent_by_org_id: before.sent_by_org_id, note: before.note }, patch);
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'update',
        entity: 'resident_team',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.village_code,
        summary: `修改驻村工作队“${before.name}”：${d.changed.join('、') || '无变化'}`,
        before: d.before,
        after: d.after,
      });
    });
    return reload(db, ctx, id);
  },

  async end(db: Db, ctx: Ctx, id: number, body: EndBody): Promise<TeamItem> {
    const access = accessOf(ctx);
    const before = await teamRepo.find(db, access, id);
    if (!before) throw errors.notFound('驻村工作队');
    assertAreaWritable(access, before.village_code, `驻村工作队“${before.name}”`);
    if (body.endDate < addDays(before.start_date, -1)) throw visitError(400, 'E4105', `结束日期：不能早于任期开始日期 ${before.start_date} 的前一天`);
    await db.transaction().execute(async (tx) => {
      const r = await teamRepo.end(tx, before.county_code, id, body.endDate, body.reason);
      if (!Number(r.numUpdatedRows)) throw visitError(409, 'E4104', '该驻村工作队任期已结束');
      const m = await teamRepo.endMembers(tx, before.county_code, id, body.endDate, `工作队任期结束：${body.reason}`);
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'end',
        entity: 'resident_team',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.village_code,
        summary: `驻村工作队“${before.name}”（${before.village_name}）任期结束于 ${body.endDate}，${Number(m.numUpdatedRows)} 名队员随之离任；原因：${body.reason}`,
        before: { endDate: null },
        after: { endDate: body.endDate, endReason: body.reason },
      });
    });
    return reload(db, ctx, id);
  },

  async addMember(db: Db, ctx: Ctx, teamId: number, body: AddMemberBody): Promise<TeamItem> {
    const access = accessOf(ctx);
    const team = await teamRepo.find(db, access, teamId);
    if (!team) throw errors.notFound('驻村工作队');
    assertAreaWritable(access, team.village_code, `驻村工作队“${team.name}”`);
    if (team.end_date) throw visitError(409, 'E4104', '该驻村工作队任期已结束，不能再增加队员');
    if (body.startDate < team.start_date) throw visitError(400, 'E4133', `任期开始日期：不能早于工作队任期开始日期 ${team.start_date}`);
    const cadre = await cadreRepo.find(db, access, body.cadreId);
    if (!cadre || cadre.county_code !== team.county_code) throw errors.notFound('帮扶干部');
    if (cadre.status !== 'active') throw visitError(409, 'E4103', `帮扶干部 ${cadre.name} ${CADRE_STATUS_LABELS[cadre.status]}，不能驻村`);
    await db.transaction().execute(async (tx) => {
      await lockKey(tx, `resident_member:${team.county_code}:${cadre.id}`);
      await lockKey(tx, `resident_team_roles:${team.county_code}:${team.id}`);
      const elsewhere = await memberRepo.currentOfCadre(tx, team.county_code, cadre.id);
      if (elsewhere.length) throw visitError(409, 'E4131', `${cadre.name} 目前已是驻村工作队“${elsewhere[0].team_name}”的队员，须先离任`);
      if (body.role !== 'member') {
        const holder = await memberRepo.roleHolder(tx, team.county_code, team.id, body.role);
        if (holder) throw visitError(409, 'E4132', `“${team.name}”已有${MEMBER_ROLE_LABELS[body.role]} ${holder.name}，须先离任`);
      }
      const row = await memberRepo.insert(tx, { county_code: team.county_code, team_id: team.id, cadre_id: cadre.id, role: body.role, start_date: body.startDate });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'add-member',
        entity: 'resident_member',
        entityId: row.id,
        countyCode: team.county_code,
        areaCode: team.village_code,
        summary: `${cadre.name}（${cadre.unit_name}）任驻村工作队“${team.name}”${MEMBER_ROLE_LABELS[body.role]}，自 ${body.startDate} 起`,
        after: { teamId: team.id, cadreId: cadre.id, role: body.role, startDate: body.startDate },
      });
    });
    return reload(db, ctx, teamId);
  },

  async endMember(db: Db, ctx: Ctx, memberId: number, body: EndBody): Promise<TeamItem> {
    const access = accessOf(ctx);
    const m = await memberRepo.find(db, access, memberId);
    if (!m) throw errors.notFound('驻村队员');
    assertAreaWritable(access, m.village_code, `驻村工作队“${m.team_name}”`);
    if (body.endDate < addDays(m.start_date, -1)) throw visitError(400, 'E4105', `结束日期：不能早于任期开始日期 ${m.start_date} 的前一天`);
    await db.transaction().execute(async (tx) => {
      const r = await memberRepo.end(tx, m.county_code, memberId, body.endDate, body.reason);
      if (!Number(r.numUpdatedRows)) throw visitError(409, 'E4104', '该队员已离任');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'end-member',
        entity: 'resident_member',
        entityId: memberId,
        countyCode: m.county_code,
        areaCode: m.village_code,
        summary: `${m.cadre_name} 离任驻村工作队“${m.team_name}”${MEMBER_ROLE_LABELS[m.role]}（${body.endDate}，原因：${body.reason}）`,
        before: { endDate: null },
        after: { endDate: body.endDate, endReason: body.reason },
      });
    });
    return reload(db, ctx, m.team_id);
  },

  // ---------------- 驻村考勤 ----------------
  async attendance(db: Db, ctx: Ctx, q: { month: string; areaCode?: string; teamId?: number }) {
    const r = monthRange(q.month);
    const members = await memberRepo.overlapping(db, accessOf(ctx), {
      from: r.first,
      to: r.last,
      areaPrefix: q.areaCode ? areaPrefix(q.areaCode) : undefined,
      teamId: q.teamId,
    });
    const days = await attendanceRepo.days(db, members, r.first, r.last);
    const rules = await loadRules(db, [...new Set(members.map((m) => m.county_code))], r.year);
    const items = members.map((m) => {
      const own = days.filter((d) => d.county_code === m.county_code && d.member_id === m.id);
      const minDays = rules.get(m.county_code)!.attendanceMinDays;
      const e = evaluateAttendance({ start: m.start_date, end: m.end_date }, own, q.month, minDays);
      return {
        memberId: m.id,
        teamId: m.team_id,
        teamName: m.team_name,
        villageName: m.village_name,
        cadreId: m.cadre_id,
        cadreName: m.cadre_name,
        role: m.role,
        roleLabel: MEMBER_ROLE_LABELS[m.role],
        ...e,
        days: own.map((d) => ({ date: d.date, status: d.status, note: d.note })),
      };
    });
    const counties = [...rules.values()];
    return {
      month: q.month,
      // one county in almost every view; with several, the first county's figure is shown
      minDays: counties[0]?.attendanceMinDays ?? 15,
      items,
      summary: {
        members: items.filter((i) => i.compliant !== null).length,
        compliant: items.filter((i) => i.compliant === true).length,
        nonCompliant: items.filter((i) => i.compliant === false).length,
      },
    };
  },

  async putAttendance(db: Db, ctx: Ctx, memberId: number, month: string, body: PutAttendanceBody) {
    const m = await memberRepo.find(db, accessOf(ctx), memberId);
    if (!m) throw errors.notFound('驻村队员');
    assertMemberWritable(ctx, m);
    const r = monthRange(month);
    const on = today();
    const seen = new Set<string>();
    for (const d of body.days) {
      if (d.date < r.first || d.date > r.last) throw visitError(400, 'E4134', `考勤日期：${d.date} 不在 ${month} 月内`);
      if (d.date > on) throw visitError(400, 'E4136', `考勤日期：${d.date} 晚于今天，不能预先登记`);
      if (!overlaps({ start: m.start_date, end: m.end_date }, d.date, d.date)) {
        throw visitError(400, 'E4135', `考勤日期：${d.date} 不在 ${m.cadre_name} 的驻村任期内（${m.start_date} 至 ${m.end_date ?? '今'}）`);
      }
      if (seen.has(d.date)) throw visitError(400, 'E4137', `考勤日期：${d.date} 重复`);
      seen.add(d.date);
    }
    await db.transaction().execute(async (tx) => {
      const before = await attendanceRepo.days(tx, [m], r.first, r.last);
      await attendanceRepo.replaceMonth(
        tx,
        m.county_code,
        memberId,
        r.first,
        r.last,
        body.days.map((d) => ({ date: d.date, status: d.status, note: d.note ?? null })),
        ctx.user.id,
      );
      const inVillage = body.days.filter((d) => d.status === 'in_village' || d.status === 'official').length;
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'attendance',
        entity: 'resident_member',
        entityId: memberId,
        countyCode: m.county_code,
        areaCode: m.village_code,
        summary: `登记 ${m.cadre_name} ${month} 驻村考勤：在村（含因公外出）${inVillage} 天，共登记 ${body.days.length} 天`,
        before: before.map((d) => ({ date: d.date, status: d.status })),
        after: body.days.map((d) => ({ date: d.date, status: d.status })),
      });
    });
    return (await this.attendance(db, ctx, { month, teamId: m.team_id })).items.find((i) => i.memberId === memberId)!;
  },

  // ---------------- 季度工作报告 ----------------
  async reports(db: Db, ctx: Ctx, q: { year: number; quarter: number; areaCode?: string }) {
    const range = quarterRange(q.year, q.quarter);
    const members = await memberRepo.overlapping(db, accessOf(ctx), { from: range.first, to: range.last, areaPrefix: q.areaCode ? areaPrefix(q.areaCode) : undefined });
    const reports = await reportRepo.ofPeriod(db, members, q.year, q.quarter);
    const rules = await loadRules(db, [...new Set(members.map((m) => m.county_code))], q.year);
    const on = today();
    const items: ReportItem[] = members.map((m) => {
      const rep = reports.find((x) => x.county_code === m.county_code && x.member_id === m.id) ?? null;
      const due = rep?.due_date ?? reportDueDate(q.year, q.quarter, rules.get(m.county_code)!.reportDueDay);
      const state = reportState(due, range.last, rep?.submitted_on ?? null, on);
      return {
        memberId: m.id,
        teamName: m.team_name,
        villageName: m.village_name,
        cadreName: m.cadre_name,
        role: m.role,
        roleLabel: MEMBER_ROLE_LABELS[m.role],
        dueDate: due,
        state,
        stateLabel: REPORT_STATE_LABELS[state],
        report: rep
          ? { id: rep.id, submittedOn: rep.submitted_on, content: rep.content, reviewStatus: rep.review_status, reviewNote: rep.review_note, version: rep.version }
          : null,
      };
    });
    return { year: q.year, quarter: q.quarter, items };
  },

  async submitReport(db: Db, ctx: Ctx, memberId: number, body: SubmitReportBody) {
    const m = await memberRepo.find(db, accessOf(ctx), memberId);
    if (!m) throw errors.notFound('驻村队员');
    assertMemberWritable(ctx, m);
    const range = quarterRange(body.year, body.quarter);
    const on = today();
    // The report covers the quarter's work: from its last month on, not before.
    const opens = `${range.last.slice(0, 7)}-01`;
    if (on < opens) throw visitError(400, 'E4138', `季度：${body.year} 年第 ${body.quarter} 季度的工作报告自 ${opens} 起才能提交`);
    if (!overlaps({ start: m.start_date, end: m.end_date }, range.first, range.last)) {
      throw visitError(400, 'E4139', `季度：${m.cadre_name} 在 ${body.year} 年第 ${body.quarter} 季度不在驻村任期内`);
    }
    const rule = (await loadRules(db, [m.county_code], body.year)).get(m.county_code)!;
    const due = reportDueDate(body.year, body.quarter, rule.reportDueDay);
    await db.transaction().execute(async (tx) => {
      await lockKey(tx, `resident_report:${m.county_code}:${memberId}:${body.year}:${body.quarter}`);
      const existing = await reportRepo.byMemberPeriod(tx, m.county_code, memberId, body.year, body.quarter);
      if (existing && existing.review_status !== 'returned') throw visitError(409, 'E4140', `${m.cadre_name} 的 ${body.year} 年第 ${body.quarter} 季度工作报告已提交`);
      if (existing) await reportRepo.resubmit(tx, m.county_code, existing.id, { content: body.content, submitted_on: on, submitted_by: ctx.user.id });
      const id = existing
        ? existing.id
        : (await reportRepo.insert(tx, { county_code: m.county_code, member_id: memberId, year: body.year, quarter: body.quarter, due_date: due, content: body.content, submitted_on: on, submitted_by: ctx.user.id })).id;
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: existing ? 'resubmit-report' : 'submit-report',
        entity: 'resident_report',
        entityId: id,
        countyCode: m.county_code,
        areaCode: m.village_code,
        summary: `${m.cadre_name}${existing ? '重新' : ''}提交 ${body.year} 年第 ${body.quarter} 季度驻村工作报告${on > due ? `（逾期，截止 ${due}）` : ''}`,
        after: { year: body.year, quarter: body.quarter, submittedOn: on, dueDate: due, length: body.content.length },
      });
    });
    return (await this.reports(db, ctx, { year: body.year, quarter: body.quarter })).items.find((i) => i.memberId === memberId)!;
  },

  async reviewReport(db: Db, ctx: Ctx, id: number, body: ReviewReportBody) {
    const access = accessOf(ctx);
    const r = await reportRepo.find(db, access, id);
    if (!r) throw errors.notFound('季度工作报告');
    assertAreaWritable(access, r.village_code, '该工作报告');
    if (r.review_status !== 'pending') throw visitError(409, 'E4141', '该工作报告已审核');
    await db.transaction().execute(async (tx) => {
      const u = await reportRepo.review(tx, r.county_code, id, body.version, { review_status: body.decision, review_note: body.note ?? null, reviewed_by: ctx.user.id });
      if (!Number(u.numUpdatedRows)) throw errors.staleVersion('季度工作报告');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'review-report',
        entity: 'resident_report',
        entityId: id,
        countyCode: r.county_code,
        areaCode: r.village_code,
        summary: `${body.decision === 'accepted' ? '通过' : '退回'} ${r.cadre_name} 的 ${r.year} 年第 ${r.quarter} 季度驻村工作报告${body.note ? `：${body.note}` : ''}`,
        before: { reviewStatus: 'pending' },
        after: { reviewStatus: body.decision, note: body.note ?? null },
      });
    });
    return (await this.reports(db, ctx, { year: r.year, quarter: r.quarter })).items.find((i) => i.memberId === r.member_id)!;
  },
};
