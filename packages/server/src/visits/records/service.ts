import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Insertable } from 'kysely';
import { areaPrefix } from '@fupin/shared/area';
import { addDays, daysBetween } from '@fupin/shared/date';
import { diff, writeAudit } from '../../audit/audit';
import type { Config } from '../../config';
import type { Db, DbOrTx } from '../../db/db';
import type { VisitTable } from '../../db/schema';
import type { Ctx } from '../../http/context';
import { zodIssuesToFields } from '../../http/error-handler';
import { AppError, errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { accessOf, assertAreaWritable, type VisitAccess } from '../access';
import { maskPhone, today, VISIT_FIELD_LABELS, visitError } from '../common';
import { cadreRepo, findHousehold } from '../pairing/repository';
import { VISIT_KIND_LABELS, visitDateProblem } from '../rules';
import { householdsByIds, pairingsOf, photoRepo, taskRepo, visitRepo, type HouseholdRow, type TaskRow, type VisitRow } from './repository';
import {
  MAX_BATCH,
  SATISFACTION_LABELS,
  TASK_CATEGORY_LABELS,
  visitInput,
  type CloseTaskBody,
  type CreateTaskBody,
  type TaskItem,
  type UpdateVisitBody,
  type VisitInput,
  type VisitItem,
  type VisitResult,
} from './schemas';

const MODULE = 'visits';
/** A phone photo after the browser's own downscaling is well under this. */
export const MAX_PHOTO_BYTES = 3 * 1024 * 1024;
export const MAX_PHOTOS_PER_VISIT = 9;

// ------------------------------------------------------------------------------------------
// mappers

type PhotoRow = Awaited<ReturnType<typeof photoRepo.ofVisits>>[number];

export function toVisitItem(r: Omit<VisitRow, 'rn'>, photos: PhotoRow[]): VisitItem {
  return {
    id: r.id,
    countyCode: r.county_code,
    clientId: r.client_id,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    villageCode: r.village_code,
    villageName: r.village_name,
    cadreId: r.cadre_id,
    cadreName: r.cadre_name,
    unitName: r.unit_name,
    visitDate: r.visit_date,
    kind: r.kind,
    kindLabel: VISIT_KIND_LABELS[r.kind],
    checks: { food: r.food_ok, clothing: r.clothing_ok, schooling: r.schooling_ok, medical: r.medical_ok, housing: r.housing_ok, water: r.water_ok },
    incomeChange: r.income_change,
    incomeNote: r.income_note,
    problems: r.problems,
    helpGiven: r.help_given,
    policiesExplained: r.policies_explained,
    satisfaction: r.satisfaction,
    satisfactionLabel: r.satisfaction ? SATISFACTION_LABELS[r.satisfaction] : null,
    gps: r.gps_lat !== null && r.gps_lng !== null ? { lat: r.gps_lat, lng: r.gps_lng, accuracyM: r.gps_accuracy_m } : null,
    source: r.source,
    householdConflict: r.household_conflict,
    changesStatus: r.changes_status,
    photos: photos
      .filter((p) => p.county_code === r.county_code && p.visit_client_id === r.client_id)
      .map((p) => ({ id: p.id, clientId: p.client_id, mime: p.mime, sizeBytes: p.size_bytes, url: `/api/visits/photos/${p.id}` })),
    version: r.version,
    createdAt: new Date(r.created_at as unknown as string).toISOString(),
  };
}

export async function withPhotos(db: DbOrTx, rows: Omit<VisitRow, 'rn'>[]): Promise<VisitItem[]> {
  const photos = await photoRepo.ofVisits(
    db,
    rows.map((r) => ({ county: r.county_code, clientId: r.client_id })),
  );
  return rows.map((r) => toVisitItem(r, photos));
}

function toTaskItem(r: TaskRow, on: string): TaskItem {
  const open = r.status === 'open';
  return {
    id: r.id,
    countyCode: r.county_code,
    householdId: r.household_id,
    householdNo: r.household_no,
    headName: r.head_name,
    villageName: r.village_name,
    visitId: r.visit_id,
    problem: r.problem,
    category: r.category,
    categoryLabel: TASK_CATEGORY_LABELS[r.category],
    ownerCadreId: r.owner_cadre_id,
    ownerCadreName: r.owner_cadre_name,
    ownerUserId: r.owner_user_id,
    ownerUserName: r.owner_user_name,
    deadline: r.deadline,
    status: r.status,
    overdue: open && r.deadline < on,
    daysLeft: open ? daysBetween(on, r.deadline) : null,
    evidence: r.evidence,
    evidenceVisitId: r.evidence_visit_id,
    closedOn: r.closed_on,
    version: r.version,
  };
}

const householdLabel = (h: { head_name: string | null; household_no: string }) => `${h.head_name ?? '（未填户主）'}（${h.household_no}）`;

const rejected = (clientId: string | null, e: AppError): VisitResult => ({
  clientId,
  status: 'rejected',
  visitId: null,
  version: null,
  error: { code: e.code, message: e.message },
  household: null,
});

// ------------------------------------------------------------------------------------------
// who records for whom

type Writer = { cadreId: number; cadreName: string };
type PairingSpanRow = Awaited<ReturnType<typeof pairingsOf>>[number];

function pairedOn(spans: PairingSpanRow[], householdId: number, date: string) {
  return spans.find((p) => p.household_id === householdId && p.start_date <= date && (p.end_date === null || p.end_date >= date)) ?? null;
}

/**
 * Decides the cadre a visit is recorded for, or why it may not be recorded:
 *  - an area-scoped recorder (village clerk, station) inside their area records for the cadre
 *    paired with the household on the visit date (or the one named, if paired then);
 *  - anyone else only for themselves, for a household paired to them on the visit date — so a
 *    visit made before a re-pairing and synced after it is still accepted.
 */
function decideWriter(
  access: VisitAccess,
  myCadres: { county_code: string; id: number; name: string }[],
  hh: HouseholdRow,
  spans: PairingSpanRow[],
  date: string,
  named: number | undefined,
): Writer | AppError {
  const areaOk = access.scope.kind !== 'self' && scopeCoversArea(access.scope, hh.area_code);
  const mine = myCadres.find((c) => c.county_code === hh.county_code) ?? null;
  const onDate = pairedOn(spans, hh.id, date);
  if (!areaOk) {
    if (!mine || !spans.some((p) => p.household_id === hh.id && p.cadre_id === mine.id)) return errors.notFound('农户');
    if (named !== undefined && named !== mine.id) return visitError(403, 'E4206', '帮扶干部：只能登记本人的走访');
    if (!onDate || onDate.cadre_id !== mine.id) {
      return visitError(400, 'E4202', `走访日期：${date} 您未与${householdLabel(hh)}结对，不能登记该日的走访`);
    }
    return { cadreId: mine.id, cadreName: mine.name };
  }
  if (named !== undefined) {
    const span = spans.find((p) => p.household_id === hh.id && p.cadre_id === named && p.start_date <= date && (p.end_date === null || p.end_date >= date));
    if (!span) return visitError(400, 'E4202', `帮扶干部：所选干部在 ${date} 未与${householdLabel(hh)}结对`);
    return { cadreId: span.cadre_id, cadreName: span.cadre_name };
  }
  if (!onDate) return visitError(400, 'E4202', `走访日期：${householdLabel(hh)}在 ${date} 没有帮扶责任人，请先结对`);
  return { cadreId: onDate.cadre_id, cadreName: onDate.cadre_name };
}

function rowOf(item: VisitInput, hh: HouseholdRow, w: Writer, ctx: Ctx, source: 'web' | 'sync', conflict: boolean, changesStatus: VisitTable['changes_status']): Insertable<VisitTable> {
  const c = item.checks ?? {};
  return {
    county_code: hh.county_code,
    client_id: item.clientId.toLowerCase(),
    household_id: hh.id,
    cadre_id: w.cadreId,
    area_code: hh.area_code,
    visit_date: item.visitDate,
    kind: item.kind,
    food_ok: c.food ?? null,
    clothing_ok: c.clothing ?? null,
    schooling_ok: c.schooling ?? null,
    medical_ok: c.medical ?? null,
    housing_ok: c.housing ?? null,
    water_ok: c.water ?? null,
    income_change: item.incomeChange ?? null,
    income_note: item.incomeNote ?? null,
    problems: item.problems || null,
    help_given: item.helpGiven || null,
    policies_explained: item.policiesExplained || null,
    satisfaction: item.satisfaction ?? null,
    gps_lat: item.gps?.lat ?? null,
    gps_lng: item.gps?.lng ?? null,
    gps_accuracy_m: item.gps?.accuracyM ?? null,
    household_version_seen: item.householdVersion ?? null,
    household_conflict: conflict,
    proposed_changes: item.householdChanges && Object.keys(item.householdChanges).length ? JSON.stringify(item.householdChanges) : null,
    changes_status: changesStatus,
    source,
    client_recorded_at: item.clientRecordedAt ?? null,
    recorded_by: ctx.user.id,
  };
}

// ------------------------------------------------------------------------------------------

export const recordService = {
  /**
   * Records a batch of visits (the phone's queue, or one from the web form). Each visit gets
   * its own verdict; the ones accepted are written in one transaction with one operation-log
   * row per county. Idempotent by client id: a visit sent again returns 'duplicate' and the id
   * of the first copy.
   */
  async recordBatch(db: Db, ctx: Ctx, raw: unknown[], source: 'web' | 'sync'): Promise<VisitResult[]> {
    if (raw.length > MAX_BATCH) throw visitError(400, 'E4301', `走访记录：一次最多提交 ${MAX_BATCH} 条，请分批上传`);
    const access = accessOf(ctx);
    const on = today();
    const results: (VisitResult | null)[] = raw.map(() => null);
    const parsed: { i: number; item: VisitInput }[] = [];
    raw.forEach((r, i) => {
      const p = visitInput.safeParse(r);
      const clientId = r && typeof r === 'object' && typeof (r as { clientId?: unknown }).clientId === 'string' ? (r as { clientId: string }).clientId : null;
      if (!p.success) {
        results[i] = rejected(clientId, errors.validation(zodIssuesToFields(p.error.issues, VISIT_FIELD_LABELS)));
        return;
      }
      const dateProblem = visitDateProblem(p.data.visitDate, on);
      if (dateProblem) {
        results[i] = rejected(clientId, visitError(400, 'E4201', `走访日期：${dateProblem}`));
        return;
      }
      parsed.push({ i, item: { ...p.data, clientId: p.data.clientId.toLowerCase() } });
    });

    const households = new Map((await householdsByIds(db, [...new Set(parsed.map((p) => p.item.householdId))])).map((h) => [h.id, h]));
    const myCadres = await cadreRepo.ofUser(db, ctx.user.id);

    const results2 = await db.transaction().execute(async (tx) => {
      // Pairings of the batch's households over the batch's dates, per county.
      const byCounty = new Map<string, { ids: Set<number>; from: string; to: string }>();
      for (const { item } of parsed) {
        const hh = households.get(item.householdId);
        if (!hh) continue;
        const g = byCounty.get(hh.county_code) ?? { ids: new Set<number>(), from: item.visitDate, to: item.visitDate };
        g.ids.add(hh.id);
        if (item.visitDate < g.from) g.from = item.visitDate;
        if (item.visitDate > g.to) g.to = item.visitDate;
        byCounty.set(hh.county_code, g);
      }
      const spans: PairingSpanRow[] = [];
      const existing = new Map<string, Awaited<ReturnType<typeof visitRepo.byClientIds>>[number]>();
      for (const [county, g] of byCounty) {
        // The past year of the households' pairings: a cadre whose household was handed over
        // is told which dates were theirs instead of being told the household does not exist.
        const from = g.from < addDays(on, -366) ? g.from : addDays(on, -366);
        spans.push(...(await pairingsOf(tx, county, [...g.ids], from, on)));
        const ids = parsed.filter((p) => households.get(p.item.householdId)?.county_code === county).map((p) => p.item.clientId);
        for (const v of await visitRepo.byClientIds(tx, county, ids)) existing.set(`${county}:${v.client_id}`, v);
      }

      const toInsert: { i: number; row: Insertable<VisitTable>; hh: HouseholdRow; w: Writer; conflict: boolean }[] = [];
      const seen = new Map<string, number>();
      const phoneChanges: { hh: HouseholdRow; before: string | null; after: string }[] = [];
      for (const { i, item } of parsed) {
        const hh = households.get(item.householdId);
        if (!hh) {
          results[i] = rejected(item.clientId, errors.notFound('农户'));
          continue;
        }
        const key = `${hh.county_code}:${item.clientId}`;
        const prior = existing.get(key);
        if (prior) {
          if (prior.household_id !== hh.id) {
            results[i] = rejected(item.clientId, visitError(409, 'E4205', '客户端编号：已被另一户的走访使用，请重新生成'));
          } else {
            results[i] = { clientId: item.clientId, status: 'duplicate', visitId: prior.id, version: prior.version, error: null, household: null };
          }
          continue;
        }
        if (seen.has(key)) {
          results[i] = { clientId: item.clientId, status: 'duplicate', visitId: null, version: null, error: null, household: null };
          continue;
        }
        const w = decideWriter(access, myCadres, hh, spans, item.visitDate, item.cadreId);
        if (w instanceof AppError) {
          results[i] = rejected(item.clientId, w);
          continue;
        }
        seen.set(key, i);
        // The phone's copy is stale: keep the visit (it happened), never apply its changes.
        const conflict = item.householdVersion !== undefined && item.householdVersion !== hh.version;
        let changesStatus: VisitTable['changes_status'] = null;
        if (item.householdChanges?.phone !== undefined) {
          if (conflict) changesStatus = 'conflict';
          else if (item.householdChanges.phone !== hh.phone) {
            const r = await visitRepo.updateHouseholdPhone(tx, hh.county_code, hh.id, hh.version, item.householdChanges.phone);
            if (Number(r.numUpdatedRows)) {
              phoneChanges.push({ hh, before: hh.phone, after: item.householdChanges.phone });
              hh.version += 1;
              hh.phone = item.householdChanges.phone;
              changesStatus = 'applied';
            } else changesStatus = 'conflict';
          } else changesStatus = 'applied';
        }
        toInsert.push({ i, row: rowOf(item, hh, w, ctx, source, conflict || changesStatus === 'conflict', changesStatus), hh, w, conflict: conflict || changesStatus === 'conflict' });
      }

      const inserted = await visitRepo.insertMany(
        tx,
        toInsert.map((x) => x.row),
      );
      const made = new Map(inserted.map((r) => [`${r.county_code}:${r.client_id}`, r]));
      const lost: typeof toInsert = [];
      for (const x of toInsert) {
        const r = made.get(`${x.row.county_code}:${x.row.client_id}`);
        if (!r) {
          lost.push(x);
          continue;
        }
        results[x.i] = {
          clientId: x.row.client_id,
          status: x.conflict ? 'conflict' : 'created',
          visitId: r.id,
          version: r.version,
          error: null,
          household: x.conflict ? { id: x.hh.id, version: x.hh.version, headName: x.hh.head_name, phone: x.hh.phone, address: x.hh.address } : null,
        };
      }
      // Another request inserted the same visit between our look-up and our insert.
      for (const x of lost) {
        const [r] = await visitRepo.byClientIds(tx, x.row.county_code, [x.row.client_id]);
        results[x.i] = { clientId: x.row.client_id, status: 'duplicate', visitId: r?.id ?? null, version: r?.version ?? null, error: null, household: null };
      }
      // Visits repeated inside the batch point at the first copy.
      for (const { i, item } of parsed) {
        const res = results[i];
        if (res?.status === 'duplicate' && res.visitId === null) {
          const hh = households.get(item.householdId)!;
          const first = results[seen.get(`${hh.county_code}:${item.clientId}`)!];
          results[i] = { ...res, visitId: first?.visitId ?? null, version: first?.version ?? null };
        }
      }

      for (const p of phoneChanges) {
        await writeAudit(tx, ctx, {
          module: MODULE,
          action: 'visit-update-household',
          entity: 'household',
          entityId: p.hh.id,
          countyCode: p.hh.county_code,
          areaCode: p.hh.area_code,
          summary: `走访时更新 ${householdLabel(p.hh)} 的联系电话`,
          before: { phone: p.before ? maskPhone(p.before) : null },
          after: { phone: maskPhone(p.after) },
        });
      }
      const done = toInsert.filter((x) => made.has(`${x.row.county_code}:${x.row.client_id}`));
      const counties = [...new Set(done.map((x) => x.row.county_code))];
      for (const county of counties) {
        const list = done.filter((x) => x.row.county_code === county);
        const first = list[0];
        const names = list
          .slice(0, 5)
          .map((x) => `${x.hh.head_name ?? x.hh.household_no} ${x.row.visit_date}${VISIT_KIND_LABELS[x.row.kind]}`)
          .join('、');
        await writeAudit(tx, ctx, {
          module: MODULE,
          action: source === 'sync' ? 'sync' : 'create',
          entity: 'visit',
          entityId: list.length === 1 ? made.get(`${county}:${first.row.client_id}`)!.id : null,
          countyCode: county,
          areaCode: list.length === 1 ? first.hh.area_code : null,
          summary:
            list.length === 1
              ? `登记走访：${householdLabel(first.hh)}，${first.row.visit_date}，${VISIT_KIND_LABELS[first.row.kind]}，帮扶干部 ${first.w.cadreName}${first.conflict ? '（农户信息已在服务器更新，提交的变更未应用）' : ''}`
              : `${source === 'sync' ? '离线同步' : '登记'}走访记录 ${list.length} 条：${names}${list.length > 5 ? ' 等' : ''}`,
          after: list.map((x) => ({
            id: made.get(`${county}:${x.row.client_id}`)!.id,
            clientId: x.row.client_id,
            householdId: x.hh.id,
            cadreId: x.w.cadreId,
            visitDate: x.row.visit_date,
            kind: x.row.kind,
            conflict: x.conflict,
          })),
        });
      }
      return results.map((r, i) => r ?? rejected(null, new AppError(500, 'E1500', `第 ${i + 1} 条未处理`)));
    });
    return results2;
  },

  async recordOne(db: Db, ctx: Ctx, body: unknown) {
    const [result] = await this.recordBatch(db, ctx, [body], 'web');
    if (result.status === 'rejected') {
      const e = result.error!;
      const status = e.code === 'E1004' ? 404 : e.code === 'E4206' ? 403 : e.code === 'E4205' ? 409 : 400;
      throw new AppError(status, e.code, e.message);
    }
    const row = result.visitId ? await visitRepo.find(db, accessOf(ctx), result.visitId) : undefined;
    return { result, visit: row ? (await withPhotos(db, [row]))[0] : null };
  },

  async list(
    db: Db,
    ctx: Ctx,
    q: { page: number; pageSize: number; householdId?: number; cadreId?: number; unitOrgId?: number; areaCode?: string; from?: string; to?: string; kind?: string; withProblems?: boolean },
  ) {
    const r = await visitRepo.list(db, accessOf(ctx), { ...q, areaPrefix: q.areaCode ? areaPrefix(q.areaCode) : undefined });
    return { items: await withPhotos(db, r.items), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const row = await visitRepo.find(db, accessOf(ctx), id);
    if (!row) throw errors.notFound('走访记录');
    return (await withPhotos(db, [row]))[0];
  },

  /** Edits with optimistic locking: a stale copy gets 409 and the current record, never a silent overwrite. */
  async update(db: Db, ctx: Ctx, id: number, body: UpdateVisitBody) {
    const access = accessOf(ctx);
    const before = await visitRepo.find(db, access, id);
    if (!before) throw errors.notFound('走访记录');
    const mine = before.cadre_user_id === ctx.user.id;
    if (!mine && !(access.scope.kind !== 'self' && scopeCoversArea(access.scope, before.area_code))) throw errors.outOfScope('该走访记录');
    if (body.version !== before.version) {
      throw new AppError(409, 'E1010', '走访记录已被他人修改，请核对后重试', { current: (await withPhotos(db, [before]))[0] });
    }
    if (body.visitDate && body.visitDate !== before.visit_date) {
      const p = visitDateProblem(body.visitDate, today());
      if (p) throw visitError(400, 'E4201', `走访日期：${p}`);
      const spans = await pairingsOf(db, before.county_code, [before.household_id], body.visitDate, body.visitDate);
      if (!spans.some((s) => s.cadre_id === before.cadre_id)) {
        throw visitError(400, 'E4202', `走访日期：${before.cadre_name} 在 ${body.visitDate} 未与该户结对`);
      }
    }
    const patch: Partial<Insertable<VisitTable>> = {};
    if (body.visitDate !== undefined) patch.visit_date = body.visitDate;
    if (body.kind !== undefined) patch.kind = body.kind;
    if (body.checks) {
      const c = body.checks;
      if (c.food !== undefined) patch.food_ok = c.food;
      if (c.clothing !== undefined) patch.clothing_ok = c.clothing;
      if (c.schooling !== undefined) patch.schooling_ok = c.schooling;
      if (c.medical !== undefined) patch.medical_ok = c.medical;
      if (c.housing !== undefined) patch.housing_ok = c.housing;
      if (c.water !== undefined) patch.water_ok = c.water;
    }
    if (body.incomeChange !== undefined) patch.income_change = body.incomeChange;
    if (body.incomeNote !== undefined) patch.income_note = body.incomeNote;
    if (body.problems !== undefined) patch.problems = body.problems || null;
    if (body.helpGiven !== undefined) patch.help_given = body.helpGiven || null;
    if (body.policiesExplained !== undefined) patch.policies_explained = body.policiesExplained || null;
    if (body.satisfaction !== undefined) patch.satisfaction = body.satisfaction;
    await db.transaction().execute(async (tx) => {
      const r = await visitRepo.update(tx, before.county_code, id, body.version, patch);
      if (!Number(r.numUpdatedRows)) throw errors.staleVersion('走访记录');
      const d = diff(before as unknown as Record<string, unknown>, patch as Record<string, unknown>);
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'update',
        entity: 'visit',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.area_code,
        summary: `修改走访记录：${householdLabel(before)} ${before.visit_date}（${d.changed.join('、') || '无变化'}）`,
        before: d.before,
        after: d.after,
      });
    });
    return this.get(db, ctx, id);
  },

  // ---------------- photos ----------------
  async uploadPhoto(
    db: Db,
    ctx: Ctx,
    config: Config,
    clientId: string,
    q: { visitClientId: string; householdId: number },
    mime: string,
    body: Buffer,
  ) {
    clientId = clientId.toLowerCase();
    const visitClientId = q.visitClientId.toLowerCase();
    const kind = sniffImage(body);
    if (!kind || kind !== mime) throw visitError(415, 'E4210', '照片：只接受 JPEG、PNG 或 WebP 格式，且内容须与声明的类型一致');
    if (body.length > MAX_PHOTO_BYTES) throw visitError(413, 'E4211', `照片：不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
    const access = accessOf(ctx);
    const [hh] = await householdsByIds(db, [q.householdId]);
    if (!hh) throw errors.notFound('农户');
    const areaOk = access.scope.kind !== 'self' && scopeCoversArea(access.scope, hh.area_code);
    if (!areaOk) {
      // A phone may upload a photo before or after its visit; the cadre must have been paired
      // with the household within the past year.
      const mine = (await cadreRepo.ofUser(db, ctx.user.id)).find((c) => c.county_code === hh.county_code);
      const spans = mine ? await pairingsOf(db, hh.county_code, [hh.id], addDays(today(), -366), today()) : [];
      if (!mine || !spans.some((s) => s.cadre_id === mine.id)) throw errors.notFound('农户');
    }
    const existing = await photoRepo.byClientId(db, hh.county_code, clientId);
    if (existing) {
      if (existing.household_id !== hh.id || existing.visit_client_id !== visitClientId) throw visitError(409, 'E4205', '客户端编号：已被另一张照片使用');
      return { id: existing.id, clientId, mime: existing.mime, sizeBytes: existing.size_bytes, url: `/api/visits/photos/${existing.id}`, duplicate: true };
    }
    if ((await photoRepo.countOfVisit(db, hh.county_code, visitClientId)) >= MAX_PHOTOS_PER_VISIT) {
      throw visitError(409, 'E4212', `照片：每次走访最多 ${MAX_PHOTOS_PER_VISIT} 张`);
    }
    const ext = kind === 'image/jpeg' ? 'jpg' : kind === 'image/png' ? 'png' : 'webp';
    const storageKey = path.posix.join('visits', hh.county_code, clientId.slice(0, 2), `${clientId}.${ext}`);
    const file = path.join(uploadsDir(config), storageKey);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.part`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
    const sha = createHash('sha256').update(body).digest('hex');
    const id = await db.transaction().execute(async (tx) => {
      const row = await photoRepo.insert(tx, {
        county_code: hh.county_code,
        client_id: clientId,
        visit_client_id: visitClientId,
        household_id: hh.id,
        area_code: hh.area_code,
        mime: kind,
        size_bytes: body.length,
        sha256: sha,
        storage_key: storageKey,
        uploaded_by: ctx.user.id,
      });
      if (!row) return (await photoRepo.byClientId(tx, hh.county_code, clientId))!.id;
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'photo',
        entity: 'visit_photo',
        entityId: row.id,
        countyCode: hh.county_code,
        areaCode: hh.area_code,
        summary: `上传走访照片：${householdLabel(hh)}（${Math.ceil(body.length / 1024)} KB）`,
        after: { clientId, visitClientId, mime: kind, sizeBytes: body.length, sha256: sha },
      });
      return row.id;
    });
    return { id, clientId, mime: kind, sizeBytes: body.length, url: `/api/visits/photos/${id}`, duplicate: false };
  },

  /** A download goes through the same scope check as the visit it belongs to. */
  async photoFile(db: Db, ctx: Ctx, config: Config, id: number) {
    const p = await photoRepo.findVisible(db, accessOf(ctx), id);
    if (!p) throw errors.notFound('照片');
    const file = path.join(uploadsDir(config), p.storage_key);
    if (!file.startsWith(uploadsDir(config) + path.sep) || !fs.existsSync(file)) throw errors.notFound('照片文件');
    return { file, mime: p.mime, size: p.size_bytes };
  },

  // ---------------- 问题整改 ----------------
  async listTasks(
    db: Db,
    ctx: Ctx,
    q: { page: number; pageSize: number; status?: 'open' | 'closed'; householdId?: number; ownerCadreId?: number; areaCode?: string; overdue?: boolean },
  ) {
    const on = today();
    const r = await taskRepo.list(db, accessOf(ctx), {
      ...q,
      areaPrefix: q.areaCode ? areaPrefix(q.areaCode) : undefined,
      overdueBefore: q.overdue ? on : undefined,
    });
    return { items: r.items.map((x) => toTaskItem(x, on)), total: r.total, page: q.page, pageSize: q.pageSize };
  },

  async createTask(db: Db, ctx: Ctx, body: CreateTaskBody): Promise<TaskItem> {
    const access = accessOf(ctx);
    const on = today();
    const hh = await findHousehold(db, access, body.householdId);
    if (!hh) throw errors.notFound('农户');
    const self = access.scope.kind === 'self';
    if (!self) assertAreaWritable(access, hh.area_code, `农户 ${householdLabel(hh)}`);
    if (body.deadline < on) throw visitError(400, 'E4220', `整改期限：不能早于今天（${on}）`, { issues: [{ field: '整改期限', message: `不能早于 ${on}` }] });
    if (body.visitId) {
      const v = await visitRepo.find(db, access, body.visitId);
      if (!v || v.household_id !== hh.id) throw visitError(400, 'E4222', '来源走访：不是该户的走访记录');
    }
    let ownerCadreId = body.ownerCadreId ?? null;
    const ownerUserId = body.ownerUserId ?? null;
    const myCadre = (await cadreRepo.ofUser(db, ctx.user.id)).find((c) => c.county_code === hh.county_code);
    if (self) {
      // A cadre assigns follow-ups to themselves; the station assigns to others.
      if ((ownerCadreId && ownerCadreId !== myCadre?.id) || ownerUserId) throw visitError(403, 'E4206', '责任干部：帮扶干部只能把整改任务交给自己');
      ownerCadreId = myCadre?.id ?? null;
    }
    if (!ownerCadreId && !ownerUserId) {
      const [cur] = await pairingsOf(db, hh.county_code, [hh.id], on, on);
      ownerCadreId = cur?.cadre_id ?? null;
    }
    if (!ownerCadreId && !ownerUserId) throw errors.validation([{ field: '责任干部', message: '该户当前没有帮扶责任人，请指定责任干部或责任人账号' }]);
    let ownerLabel = '';
    if (ownerCadreId) {
      const c = await cadreRepo.find(db, access, ownerCadreId);
      if (!c || c.county_code !== hh.county_code) throw errors.validation([{ field: '责任干部', message: '不存在或不在该户所在县' }]);
      ownerLabel = c.name;
    }
    if (ownerUserId) {
      const u = await db.selectFrom('app_user').select(['name', 'status']).where('id', '=', ownerUserId).executeTakeFirst();
      if (!u || u.status !== 'active') throw errors.validation([{ field: '责任人账号', message: '不存在或已停用' }]);
      ownerLabel = ownerLabel ? `${ownerLabel}、${u.name}` : u.name;
    }
    const id = await db.transaction().execute(async (tx) => {
      const row = await taskRepo.insert(tx, {
        county_code: hh.county_code,
        household_id: hh.id,
        area_code: hh.area_code,
        visit_id: body.visitId ?? null,
        problem: body.problem,
        category: body.category,
        owner_cadre_id: ownerCadreId,
        owner_user_id: ownerUserId,
        deadline: body.deadline,
        created_by: ctx.user.id,
      });
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'create',
        entity: 'visit_task',
        entityId: row.id,
        countyCode: hh.county_code,
        areaCode: hh.area_code,
        summary: `交办整改任务：${householdLabel(hh)}「${body.problem.slice(0, 40)}」，责任人 ${ownerLabel}，期限 ${body.deadline}`,
        after: { ...body, ownerCadreId, ownerUserId },
      });
      return row.id;
    });
    return toTaskItem((await taskRepo.find(db, access, id))!, on);
  },

  async closeTask(db: Db, ctx: Ctx, id: number, body: CloseTaskBody): Promise<TaskItem> {
    const access = accessOf(ctx);
    const on = today();
    const before = await taskRepo.find(db, access, id);
    if (!before) throw errors.notFound('整改任务');
    const areaOk = access.scope.kind !== 'self' && scopeCoversArea(access.scope, before.area_code);
    const ownerOk = before.owner_cadre_user_id === ctx.user.id || before.owner_user_id === ctx.user.id;
    if (!areaOk && !ownerOk) throw errors.outOfScope('该整改任务');
    if (before.status === 'closed') throw visitError(409, 'E4221', '该整改任务已销号');
    const closedOn = body.closedOn ?? on;
    if (closedOn > on) throw errors.validation([{ field: '销号日期', message: '不能晚于今天' }]);
    if (body.evidenceVisitId) {
      const v = await visitRepo.find(db, access, body.evidenceVisitId);
      if (!v || v.household_id !== before.household_id) throw visitError(400, 'E4222', '佐证走访：不是该户的走访记录');
    }
    await db.transaction().execute(async (tx) => {
      const r = await taskRepo.close(tx, before.county_code, id, body.version, {
        evidence: body.evidence,
        evidence_visit_id: body.evidenceVisitId ?? null,
        closed_on: closedOn,
        closed_by: ctx.user.id,
      });
      if (!Number(r.numUpdatedRows)) throw errors.staleVersion('整改任务');
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'close',
        entity: 'visit_task',
        entityId: id,
        countyCode: before.county_code,
        areaCode: before.area_code,
        summary: `整改销号：${householdLabel(before)}「${before.problem.slice(0, 40)}」${closedOn > before.deadline ? '（逾期完成）' : ''}`,
        before: { status: 'open' },
        after: { status: 'closed', evidence: body.evidence, evidenceVisitId: body.evidenceVisitId ?? null, closedOn },
      });
    });
    return toTaskItem((await taskRepo.find(db, access, id))!, on);
  },
};

export function uploadsDir(config: Config) {
  return path.resolve(config.FUPIN_DATA_DIR, 'uploads');
}

/** The image type from its first bytes; the declared content type must agree. */
export function sniffImage(b: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

