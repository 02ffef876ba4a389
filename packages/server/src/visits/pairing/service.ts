import { addDays } from '@fupin/shared/date';
import { areaPrefix } from '@fupin/shared/area';
import { diff, writeAudit } from '../../audit/audit';
import type { Db, DbOrTx } from '../../db/db';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { accessOf, assertAreaWritable, assertCountyWritable, type VisitAccess } from '../access';
import { lockKey, maskPhone, visitError } from '../common';
import { CADRE_STATUS_LABELS, type CadreStatus } from '../rules';
import {
  cadreRepo,
  exemptionRepo,
  findArea,
  findHousehold,
  findOrg,
  findUser,
  pairingRepo,
  unitVillageRepo,
  unitsReachable,
} from './repository';
import type {
  CadreItem,
  CadreStatusBody,
  CreateCadreBody,
  CreateExemptionBody,
  CreatePairingBody,
  CreateUnitVillageBody,
  EndBody,
  ExemptionItem,
  PairingItem,
  UnitVillageItem,
  UpdateCadreBody,
  UpdateUnitVillageBody,
} from './schemas';

const MODULE = 'visits';
const prefixOf = (code?: string) => (code ? areaPrefix(code) : undefined);

// ------------------------------------------------------------------------------------------
// mappers

type UnitVillageRow = NonNullable<Awaited<ReturnType<typeof unitVillageRepo.find>>>;
export function toUnitVillageItem(r: UnitVillageRow): UnitVillageItem {
  return {
    id: r.id,
    countyCode: r.county_code,
    unitOrgId: r.unit_org_id,
    unitName: r.unit_name,
    villageCode: r.village_code,
    villageName: r.village_name,
    townshipName: r.township_name,
    isLead: r.is_lead,
    startDate: r.start_date,
    endDate: r.end_date,
    endReason: r.end_reason,
    note: r.note,
    version: r.version,
  };
}

type CadreRow = NonNullable<Awaited<ReturnType<typeof cadreRepo.find>>>;
export function toCadreItem(r: CadreRow): CadreItem {
  return {
    id: r.id,
    countyCode: r.county_code,
    userId: r.user_id,
    username: r.username,
    name: r.name,
    unitOrgId: r.unit_org_id,
    unitName: r.unit_name,
    post: r.post,
    phoneMasked: r.phone ? maskPhone(r.phone) : null,
    status: r.status,
    statusLabel: CADRE_STATUS_LABELS[r.status],
    statusSince: r.status_since,
    statusReason: r.status_reason,
    pairedCount: Number(r.paired_count),
    version: r.version,
  };
}

type PairingRow = NonNullable<Awaited<ReturnType<typeof pairingRepo.find>>>;
export function toPairingItem(r: PairingRow): PairingItem {
  return {
    id: r.id,
    countyCode: r.county_code,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    villageCode: r.village_code,
    villageName: r.village_name,
    cadreId: r.cadre_id,
    cadreName: r.cadre_name,
    cadreStatus: r.cadre_status,
    unitOrgId: r.unit_org_id,
    unitName: r.unit_name,
    startDate: r.start_date,
    endDate: r.end_date,
    startReason: r.start_reason,
    endReason: r.end_reason,
  };
}

type ExemptionRow = NonNullable<Awaited<ReturnType<typeof exemptionRepo.find>>>;
function toExemptionItem(r: Omit<ExemptionRow, 'area_code'>): ExemptionItem {
  return {
    id: r.id,
    countyCode: r.county_code,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    cadreId: r.cadre_id,
    cadreName: r.cadre_name,
    fromDate: r.from_date,
    toDate: r.to_date,
    reason: r.reason,
    revoked: r.revoked_at !== null,
  };
}

const householdLabel = (h: { head_name: string | null; household_no: string }) => `${h.head_name ?? '（未填户主）'}（户编号 ${h.household_no}）`;

// ------------------------------------------------------------------------------------------
// checks shared by commands

async function unitOrg(db: DbOrTx, id: number) {
  const org = await findOrg(db, id);
  if (!org || org.kind !== 'unit' || org.status !== 'active') {
    throw visitError(400, 'E4108', '帮扶单位：所选机构不存在、已停用或不是帮扶单位（机构类型须为“帮扶单位”）', {
      issues: [{ field: '帮扶单位', message: '须为启用中的帮扶单位' }],
    });
  }
  return org;
}

function checkEndDate(start: string, end: string) {
  if (end < addDays(start, -1)) {
    throw visitError(400, 'E4105', `结束日期：不能早于开始日期 ${start} 的前一天`, { issues: [{ field: '结束日期', message: `不能早于 ${addDays(start, -1)}` }] });
  }
}

async function reloadCadre(db: DbOrTx, access: VisitAccess, id: number) {
  const r = await cadreRepo.find(db, access, id);
  if (!r) throw errors.notFound('帮扶干部');
  return toCadreItem(r);
}

async function checkLogin(db: DbOrTx, county: string, userId: number, selfCadreId: number | null) {
  const user = await findUser(db, userId);
  if (!user || user.status !== 'active') {
    throw visitError(400, 'E4113', '登录账号：不存在或已停用', { issues: [{ field: '登录账号', message: '不存在或已停用' }] });
  }
  const other = await cadreRepo.byUserInCounty(db, county, userId);
  if (other && other.id !== selfCadreId) throw visitError(409, 'E4109', `登录账号 ${user.username} 已登记为本县的另一名帮扶干部`);
  return user;
}

// ------------------------------------------------------------------------------------------

export const pairingService = {
  async units(db: Db, ctx: Ctx, keyword?: string) {
    const rows = await unitsReachable(db, accessOf(ctx), keyword, 50);
    return { items: rows.map((r) => ({ id: r.id, name: r.name, countyCode: r.county_code, areaName: r.area_name })) };
  },

  // ---------------- 单位包村 ----------------
  async listUnitVillages(db: Db, ctx: Ctx, q: { page: number; pageSize: number; areaCode?: string; unitOrgId?: number; current: boolean }) {
    const r = await unitVillageRepo.list(db, accessOf(ctx), { ...q, areaPrefix: prefixOf(q.areaCode) });
    return { items: r.items.map(toUnitVillageItem), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async createUnitVillage(db: Db, ctx: Ctx, body: CreateUnitVillageBody): Promise<UnitVillageItem> {
    const access = accessOf(ctx);
    const area = await findArea(db, body.villageCode);
    if (!area) throw errors.notFound(`村 ${body.villageCode} `);
    if (area.level !== 5 || !area.county_code) throw visitError(400, 'E4111', `村：${area.name}（${area.code}）不是村级区划`);
    assertAreaWritable(access, area.code, `村 ${area.name}`);
    const unit = await unitOrg(db, body.unitOrgId);
    const county = area.county_code;
    const id = await db.transaction().execute(async (tx) => {
      await lockKey(tx, `unit_village:${area.code}`);
      if (await unitVillageRepo.current(tx, county, area.code, unit.id)) {
        throw visitError(409, 'E4107', `${unit.name} 已在帮扶 ${area.name}，无需重复安排`);
      }
      if (body.isLead) {
        const lead = await unitVillageRepo.currentLead(tx, county, area.code);
        if (lead) throw visitError(409, 'E4106', `${area.name} 已有牵头帮扶单位 ${lead.unit_name}，请先取消其牵头再设置`);
      }
      const row = await unitVillageRepo.insert(tx, {
        county_code: county,
        unit_org_id: unit.id,
        village_code: area.code,
        is_lead: body.isLead,
        start_date: body.startDate,
        note: body.note ?? null,
        created_by: ctx.user.id,
      });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'create',
        entity: 'unit_village',
        entityId: row.id,
        countyCode: county,
        areaCode: area.code,
        summary: `安排 ${unit.name} 帮扶 ${area.name}${body.isLead ? '（牵头单位）' : ''}，自 ${body.startDate} 起`,
        after: { unitOrgId: unit.id, unitName: unit.name, villageCode: area.code, isLead: body.isLead, startDate: body.startDate, note: body.note ?? null },
      });
      return row.id;
    });
    return toUnitVillageItem((await unitVillageRepo.find(db, access, id))!);
  },

  async updateUnitVillage(db: Db, ctx: Ctx, id: number, body: UpdateUnitVillageBody): Promise<UnitVillageItem> {
    const access = accessOf(ctx);
    const before = await unitVillageRepo.find(db, access, id);
    if (!before) throw errors.notFound('单位包村记录');
    assertAreaWritable(access, before.village_code, `村 ${before.village_name}`);
    if (before.end_date) throw visitError(409, 'E4104', '该单位包村安排已结束，不能再修改');
    await db.transaction().execute(async (tx) => {
      await lockKey(tx, `unit_village:${before.village_code}`);
      if (body.isLead && !before.is_lead) {
        const lead = await unitVillageRepo.currentLead(tx, before.county_code, before.village_code);
        if (lead && lead.id !== id) throw visitError(409, 'E4106', `${before.village_name} 已有牵头帮扶单位 ${lead.unit_name}，请先取消其牵头再设置`);
      }
      const patch: { is_lead?: boolean; note?: string | null } = {};
      if (body.isLead !== undefined) patch.is_lead = body.isLead;
      if (body.note !== undefined) patch.note = body.note;
      const r = await unitVillageRepo.update(tx, before.county_code, id, body.version, patch);
      if (!Number(r.numUpdatedRows)) throw errors.staleVersion('单位包村记录');
      const d = diff({ isLead: before.is_lead, note: before.note }, { isLead: body.isLead ?? before.is_lead, note: body.note === undefined ? before.note : body.note });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'update',
        entity: 'unit_village',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.village_code,
        summary: `修改 ${before.unit_name} 帮扶 ${before.village_name} 的安排：${d.changed.map((k) => (k === 'isLead' ? '牵头单位' : '备注')).join('、') || '无变化'}`,
        before: d.before,
        after: d.after,
      });
    });
    return toUnitVillageItem((await unitVillageRepo.find(db, access, id))!);
  },

  async endUnitVillage(db: Db, ctx: Ctx, id: number, body: EndBody): Promise<UnitVillageItem> {
    const access = accessOf(ctx);
    const before = await unitVillageRepo.find(db, access, id);
    if (!before) throw errors.notFound('单位包村记录');
    assertAreaWritable(access, before.village_code, `村 ${before.village_name}`);
    checkEndDate(before.start_date, body.endDate);
    await db.transaction().execute(async (tx) => {
      const r = await unitVillageRepo.end(tx, before.county_code, id, body.endDate, body.reason);
      if (!Number(r.numUpdatedRows)) throw visitError(409, 'E4104', '该单位包村安排已结束');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'end',
        entity: 'unit_village',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.village_code,
        summary: `结束 ${before.unit_name} 对 ${before.village_name} 的帮扶安排（截至 ${body.endDate}，原因：${body.reason}）`,
        before: { endDate: null },
        after: { endDate: body.endDate, endReason: body.reason },
      });
    });
    return toUnitVillageItem((await unitVillageRepo.find(db, access, id))!);
  },

  // ---------------- 帮扶干部 ----------------
  async listCadres(
    db: Db,
    ctx: Ctx,
    q: { page: number; pageSize: number; order: 'asc' | 'desc'; countyCode?: string; unitOrgId?: number; status?: CadreStatus; keyword?: string },
  ) {
    const r = await cadreRepo.list(db, accessOf(ctx), q);
    return { items: r.items.map(toCadreItem), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async getCadre(db: Db, ctx: Ctx, id: number) {
    return reloadCadre(db, accessOf(ctx), id);
  },

  async createCadre(db: Db, ctx: Ctx, body: CreateCadreBody): Promise<CadreItem> {
    const access = accessOf(ctx);
    const unit = await unitOrg(db, body.unitOrgId);
    const county = body.countyCode ?? unit.county_code ?? ctx.user.countyCode;
    if (!county) throw visitError(400, 'E4114', '县级区划代码：无法从帮扶单位或您的岗位确定干部所在县，请填写', { issues: [{ field: '县级区划代码', message: '请填写' }] });
    assertCountyWritable(access, county, `县 ${county} 的帮扶干部`);
    const id = await db.transaction().execute(async (tx) => {
      let name = body.name;
      let phone = body.phone ?? null;
      if (body.userId) {
        await lockKey(tx, `cadre_user:${county}:${body.userId}`);
        const user = await checkLogin(tx, county, body.userId, null);
        name ??= user.name;
        phone ??= user.phone;
      }
      if (!name) throw errors.validation([{ field: '姓名', message: '不能为空（无登录账号的干部须填写姓名）' }]);
      const row = await cadreRepo.insert(tx, { county_code: county, user_id: body.userId ?? null, name, unit_org_id: unit.id, post: body.post ?? null, phone });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'create',
        entity: 'cadre',
        entityId: row.id,
        countyCode: county,
        summary: `登记帮扶干部 ${name}（${unit.name}${body.post ? '，' + body.post : ''}）${body.userId ? '，关联登录账号' : '，无登录账号'}`,
        after: { name, unitOrgId: unit.id, unitName: unit.name, post: body.post ?? null, userId: body.userId ?? null, phone: phone ? maskPhone(phone) : null },
      });
      return row.id;
    });
    return reloadCadre(db, access, id);
  },

  async updateCadre(db: Db, ctx: Ctx, id: number, body: UpdateCadreBody): Promise<CadreItem> {
    const access = accessOf(ctx);
    const before = await cadreRepo.find(db, access, id);
    if (!before) throw errors.notFound('帮扶干部');
    assertCountyWritable(access, before.county_code, `帮扶干部 ${before.name}`);
    const unit = body.unitOrgId !== undefined && body.unitOrgId !== before.unit_org_id ? await unitOrg(db, body.unitOrgId) : null;
    await db.transaction().execute(async (tx) => {
      if (body.userId) {
        await lockKey(tx, `cadre_user:${before.county_code}:${body.userId}`);
        await checkLogin(tx, before.county_code, body.userId, id);
      }
      const patch: Parameters<typeof cadreRepo.update>[4] = {};
      if (body.userId !== undefined) patch.user_id = body.userId;
      if (body.name !== undefined) patch.name = body.name;
      if (unit) patch.unit_org_id = unit.id;
      if (body.post !== undefined) patch.post = body.post;
      if (body.phone !== undefined) patch.phone = body.phone ?? null;
      const r = await cadreRepo.update(tx, before.county_code, id, body.version, patch);
      if (!Number(r.numUpdatedRows)) throw errors.staleVersion(`帮扶干部 ${before.name}`);
      const view = (x: { user_id: number | null; name: string; unit_org_id: number; post: string | null; phone: string | null }) => ({
        userId: x.user_id,
        name: x.name,
        unitOrgId: x.unit_org_id,
        post: x.post,
        phone: x.phone ? maskPhone(x.phone) : null,
      });
      const d = diff(view(before), view({ ...before, ...patch }));
      // A new number with the same masked form is still a change worth recording.
      if (patch.phone !== undefined && patch.phone !== before.phone && !d.changed.includes('phone')) d.changed.push('phone');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'update',
        entity: 'cadre',
        entityId: id,
        countyCode: before.county_code,
        summary: `修改帮扶干部 ${before.name} 的信息：${d.changed.join('、') || '无变化'}${unit ? `（单位改为 ${unit.name}）` : ''}`,
        before: d.before,
        after: d.after,
      });
    });
    return reloadCadre(db, access, id);
  },

  async setCadreStatus(db: Db, ctx: Ctx, id: number, body: CadreStatusBody) {
    const access = accessOf(ctx);
    const before = await cadreRepo.find(db, access, id);
    if (!before) throw errors.notFound('帮扶干部');
    assertCountyWritable(access, before.county_code, `帮扶干部 ${before.name}`);
    const toRepair = await db.transaction().execute(async (tx) => {
      const r = await cadreRepo.update(tx, before.county_code, id, body.version, { status: body.status, status_since: body.since, status_reason: body.reason });
      if (!Number(r.numUpdatedRows)) throw errors.staleVersion(`帮扶干部 ${before.name}`);
      // Pairings are not ended automatically: the station chooses the successor, and until then
      // the households are listed as 需重新结对 (rules.ts: 'unassigned').
      const n = body.status === 'active' ? 0 : await cadreRepo.currentPairingCount(tx, before.county_code, id);
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'status',
        entity: 'cadre',
        entityId: id,
        countyCode: before.county_code,
        summary: `帮扶干部 ${before.name} 状态由 ${CADRE_STATUS_LABELS[before.status]} 改为 ${CADRE_STATUS_LABELS[body.status]}（自 ${body.since}，原因：${body.reason}）${n ? `，仍有 ${n} 户需重新结对` : ''}`,
        before: { status: before.status, statusSince: before.status_since, statusReason: before.status_reason },
        after: { status: body.status, statusSince: body.since, statusReason: body.reason },
      });
      return n;
    });
    return { cadre: await reloadCadre(db, access, id), householdsToRepair: toRepair };
  },

  // ---------------- 干部包户 ----------------
  async listPairings(
    db: Db,
    ctx: Ctx,
    q: { page: number; pageSize: number; householdId?: number; cadreId?: number; unitOrgId?: number; areaCode?: string; current: boolean; needsRepair?: boolean },
  ) {
    const r = await pairingRepo.list(db, accessOf(ctx), { ...q, areaPrefix: prefixOf(q.areaCode) });
    return { items: r.items.map(toPairingItem), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async createPairing(db: Db, ctx: Ctx, body: CreatePairingBody): Promise<PairingItem> {
    const access = accessOf(ctx);
    const hh = await findHousehold(db, access, body.householdId);
    if (!hh) throw errors.notFound('农户');
    assertAreaWritable(access, hh.area_code, `农户 ${householdLabel(hh)}`);
    const cadre = await cadreRepo.find(db, access, body.cadreId);
    if (!cadre) throw errors.notFound('帮扶干部');
    if (cadre.county_code !== hh.county_code) {
      throw visitError(400, 'E4110', `帮扶干部：${cadre.name} 登记在县 ${cadre.county_code}，与农户所在县 ${hh.county_code} 不同；请在农户所在县登记该干部`);
    }
    if (cadre.status !== 'active') {
      throw visitError(409, 'E4103', `帮扶干部 ${cadre.name} ${CADRE_STATUS_LABELS[cadre.status]}，不能再结对帮扶（退休人员按规定可不包户）`);
    }
    const id = await db.transaction().execute(async (tx) => {
      await lockKey(tx, `pairing:${hh.county_code}:${hh.id}`);
      const history = await pairingRepo.history(tx, hh.county_code, hh.id);
      const current = history.find((p) => p.end_date === null);
      if (current && current.cadre_id === cadre.id) throw visitError(409, 'E4112', `${householdLabel(hh)} 已由 ${cadre.name} 结对帮扶`);
      if (current && !body.replace) {
        throw visitError(409, 'E4101', `${householdLabel(hh)} 已有帮扶责任人 ${current.cadre_name}（自 ${current.start_date} 起）；一户同一时间只能有一名帮扶责任人，如需更换请选择“更换”并填写原因`, {
          current: { pairingId: current.id, cadreId: current.cadre_id, cadreName: current.cadre_name, startDate: current.start_date },
        });
      }
      if (current && body.startDate < current.start_date) {
        throw visitError(400, 'E4102', `开始日期：更换日期不能早于现任帮扶责任人 ${current.cadre_name} 的结对开始日期 ${current.start_date}`, {
          issues: [{ field: '开始日期', message: `不能早于 ${current.start_date}` }],
        });
      }
      const clash = history.find((p) => p.end_date !== null && p.end_date >= p.start_date && p.end_date >= body.startDate);
      if (clash) {
        throw visitError(400, 'E4102', `开始日期：与历史结对（${clash.cadre_name}，${clash.start_date} 至 ${clash.end_date}）重叠，新结对须从 ${addDays(clash.end_date!, 1)} 或之后开始`, {
          issues: [{ field: '开始日期', message: `不能早于 ${addDays(clash.end_date!, 1)}` }],
        });
      }
      if (current) await pairingRepo.end(tx, hh.county_code, current.id, addDays(body.startDate, -1), `更换帮扶责任人：${body.reason}`, ctx.user.id);
      const row = await pairingRepo.insert(tx, {
        county_code: hh.county_code,
        household_id: hh.id,
        cadre_id: cadre.id,
        start_date: body.startDate,
        start_reason: body.reason,
        created_by: ctx.user.id,
      });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: current ? 'replace' : 'create',
        entity: 'pairing',
        entityId: row.id,
        countyCode: hh.county_code,
        areaCode: hh.area_code,
        summary: current
          ? `${householdLabel(hh)} 更换帮扶责任人：${current.cadre_name} → ${cadre.name}（${cadre.unit_name}），自 ${body.startDate} 起，原因：${body.reason}`
          : `${householdLabel(hh)} 结对帮扶责任人 ${cadre.name}（${cadre.unit_name}），自 ${body.startDate} 起，原因：${body.reason}`,
        before: current ? { pairingId: current.id, cadreId: current.cadre_id, cadreName: current.cadre_name, endDate: null } : null,
        after: {
          pairingId: row.id,
          householdId: hh.id,
          cadreId: cadre.id,
          cadreName: cadre.name,
          startDate: body.startDate,
          reason: body.reason,
          ...(current ? { previousEndDate: addDays(body.startDate, -1) } : {}),
        },
      });
      return row.id;
    });
    return toPairingItem((await pairingRepo.find(db, access, id))!);
  },

  async endPairing(db: Db, ctx: Ctx, id: number, body: EndBody): Promise<PairingItem> {
    const access = accessOf(ctx);
    const before = await pairingRepo.find(db, access, id);
    if (!before) throw errors.notFound('结对记录');
    assertAreaWritable(access, before.area_code, `农户 ${householdLabel(before)}`);
    checkEndDate(before.start_date, body.endDate);
    await db.transaction().execute(async (tx) => {
      await lockKey(tx, `pairing:${before.county_code}:${before.household_id}`);
      const r = await pairingRepo.end(tx, before.county_code, id, body.endDate, body.reason, ctx.user.id);
      if (!Number(r.numUpdatedRows)) throw visitError(409, 'E4104', '该结对已结束');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'end',
        entity: 'pairing',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.area_code,
        summary: `${householdLabel(before)} 与帮扶责任人 ${before.cadre_name} 的结对结束（截至 ${body.endDate}，原因：${body.reason}）`,
        before: { endDate: null },
        after: { endDate: body.endDate, endReason: body.reason },
      });
    });
    return toPairingItem((await pairingRepo.find(db, access, id))!);
  },

  // ---------------- 豁免 ----------------
  async listExemptions(db: Db, ctx: Ctx, q: { page: number; pageSize: number; householdId?: number; cadreId?: number; month?: string }) {
    const r = await exemptionRepo.list(db, accessOf(ctx), q);
    return { items: r.items.map(toExemptionItem), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async createExemption(db: Db, ctx: Ctx, body: CreateExemptionBody): Promise<ExemptionItem> {
    const access = accessOf(ctx);
    let county: string;
    let areaCode: string | null = null;
    let label: string;
    if (body.householdId) {
      const hh = await findHousehold(db, access, body.householdId);
      if (!hh) throw errors.notFound('农户');
      assertAreaWritable(access, hh.area_code, `农户 ${householdLabel(hh)}`);
      county = hh.county_code;
      areaCode = hh.area_code;
      label = `农户 ${householdLabel(hh)}`;
    } else {
      const cadre = await cadreRepo.find(db, access, body.cadreId!);
      if (!cadre) throw errors.notFound('帮扶干部');
      assertCountyWritable(access, cadre.county_code, `帮扶干部 ${cadre.name}`);
      county = cadre.county_code;
      label = `帮扶干部 ${cadre.name}`;
    }
    const id = await db.transaction().execute(async (tx) => {
      const row = await exemptionRepo.insert(tx, {
        county_code: county,
        household_id: body.householdId ?? null,
        cadre_id: body.cadreId ?? null,
        from_date: body.fromDate,
        to_date: body.toDate,
        reason: body.reason,
        created_by: ctx.user.id,
      });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'create',
        entity: 'visit_exemption',
        entityId: row.id,
        countyCode: county,
        areaCode,
        summary: `${label} ${body.fromDate} 至 ${body.toDate} 免于走访考核，原因：${body.reason}`,
        after: body,
      });
      return row.id;
    });
    const { area_code: _a, ...row } = (await exemptionRepo.find(db, access, id))!;
    return toExemptionItem(row);
  },

  async revokeExemption(db: Db, ctx: Ctx, id: number): Promise<ExemptionItem> {
    const access = accessOf(ctx);
    const before = await exemptionRepo.find(db, access, id);
    if (!before) throw errors.notFound('豁免记录');
    if (before.household_id) assertAreaWritable(access, before.area_code!, '该农户');
    else assertCountyWritable(access, before.county_code, '该帮扶干部');
    await db.transaction().execute(async (tx) => {
      const r = await exemptionRepo.revoke(tx, before.county_code, id, ctx.user.id);
      if (!Number(r.numUpdatedRows)) throw visitError(409, 'E4116', '该豁免已撤销');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'revoke',
        entity: 'visit_exemption',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.area_code,
        summary: `撤销走访豁免：${before.head_name ?? before.cadre_name ?? ''} ${before.from_date} 至 ${before.to_date}`,
        before: { revoked: false },
        after: { revoked: true },
      });
    });
    const { area_code: _a, ...row } = (await exemptionRepo.find(db, access, id))!;
    return toExemptionItem(row);
  },
};
