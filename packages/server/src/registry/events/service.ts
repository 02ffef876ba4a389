/**
 * 动态调整: births, deaths, marriages, moves, splits, merges and changes of head. Each is one
 * command in one transaction: the household row is locked and its version checked, memberships end
 * (the row stays as history, the ID is freed) or begin (a new row, the ID claimed), the head and the
 * income per head are recomputed, the data-quality rules re-run, and an event row plus an audit row
 * record what happened.
 */
import { sql } from 'kysely';
import { maskIdNumber } from '@fupin/shared';
import { writeAudit } from '../../audit/audit';
import type { Db, Tx } from '../../db/db';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { dictIssue, loadDicts, regErrors, REGISTRY_DICT_TYPES, resolvePlace, today } from '../common';
import { householdService } from '../households/service';
import { endMembership, insertMembers, recordEvent, recordStatus, refreshHousehold, validateMember, type MemberDraft } from '../households/members';
import { householdRepo, type PersonRow } from '../households/repository';
import type { MemberInput } from '../households/schemas';
import type { DictEntry } from '../rules';
import { workflowRepo } from '../workflow/repository';
import { EVENT_LABELS, type HouseholdEventBody } from './schemas';

type Dicts = Map<string, DictEntry[]>;
type Hh = NonNullable<Awaited<ReturnType<typeof householdRepo.lock>>>;

const hhName = (h: { head_name: string | null; household_no: string }) => `${h.head_name ?? ''}户（${h.household_no}）`;

function draftOf(p: PersonRow, relation: string): MemberDraft {
  return {
    name: p.name,
    idKind: p.id_kind,
    idNumber: p.id_number,
    residentId: p.id_number.slice(0, 18),
    sex: p.sex,
    birthDate: p.birth_date,
    relation,
    ethnicity: p.ethnicity,
    education: p.education,
    schooling: p.schooling,
    health: p.health,
    disabilityGrade: p.disability_grade,
    disabilityCategory: p.disability_category,
    labour: p.labour,
    workStatus: p.work_status,
    workMonths: p.work_months,
    civilCapacity: p.civil_capacity,
    medicalInsurance: p.medical_insurance,
    pensionInsurance: p.pension_insurance,
    phone: p.phone,
  };
}

function activeMember(members: PersonRow[], id: number, what = '该成员'): PersonRow {
  const p = members.find((m) => m.id === id);
  if (!p) throw regErrors.memberState(`${what}不是本户的在册成员`);
  return p;
}

function checkRelation(dicts: Dicts, code: string, field = '与户主关系') {
  if (code === 'head') throw regErrors.heads('户主只能通过“户主变更”或在户主离开时指定新户主来设定');
  const i = dictIssue(dicts, 'relation', code, field);
  if (i) throw regErrors.invalid([i]);
}

async function setRelation(tx: Tx, county: string, personId: number, relation: string) {
  await tx
    .updateTable('person')
    .set({ relation, version: sql`version + 1`, updated_at: sql`now()` })
    .where('county_code', '=', county)
    .where('id', '=', personId)
    .execute();
}

/** Re-relates remaining members (to a new head) after validating codes and membership. */
async function applyRelations(tx: Tx, dicts: Dicts, county: string, householdId: number, relations: Record<string, string>) {
  if (!Object.keys(relations).length) return;
  const members = await householdRepo.members(tx, county, householdId, { activeOnly: true });
  for (const [id, rel] of Object.entries(relations)) {
    const p = activeMember(members, Number(id), `成员 ${id} `);
    checkRelation(dicts, rel);
    if (p.relation === 'head') throw regErrors.heads(`${p.name}是户主，不能改为其他关系；请先指定新户主`);
    await setRelation(tx, county, p.id, rel);
  }
}

/**
 * When members leave and the head is among them, the household names a new head from those who
 * stay (or is left without one when nobody stays — data quality then asks for cancellation).
 */
async function handleHeadLeaving(tx: Tx, dicts: Dicts, h: Hh, leaving: PersonRow[], remaining: PersonRow[], newHeadId: number | undefined, relations: Record<string, string>) {
  const headLeaves = leaving.some((p) => p.relation === 'head');
  if (headLeaves && remaining.length) {
    if (!newHeadId) throw regErrors.heads(`户主${leaving.find((p) => p.relation === 'head')!.name}离开本户，须从留下的成员中指定新户主`);
    const nh = activeMember(remaining, newHeadId, '新户主');
    await setRelation(tx, h.county_code, nh.id, 'head');
  } else if (newHeadId) throw regErrors.heads('户主没有离开本户，不能在此指定新户主；请使用“户主变更”');
  const { [String(newHeadId)]: _ignored, ...rest } = relations;
  void _ignored;
  await applyRelations(tx, dicts, h.county_code, h.id, rest);
}

/** Moves one membership into another registered household: old row → moved_out, new row there. */
async function transfer(tx: Tx, p: PersonRow, to: { county_code: string; id: number; area_code: string }, relation: string, date: string, reason: string, note?: string | null) {
  await endMembership(tx, p.county_code, p.id, { status: 'moved_out', date, reason, note: note ?? null });
  const [nid] = await insertMembers(tx, to, [draftOf(p, relation)], { date, reason });
  return nid;
}

async function lockOther(tx: Tx, ctx: Ctx, id: number, what: string) {
  const o = await householdRepo.lock(tx, ctx.scope, id);
  if (!o) throw errors.notFound(what);
  if (o.status === 'cancelled') throw regErrors.householdState(`${what}已注销，不能办理`);
  return o;
}

export const eventService = {
  async apply(db: Db, ctx: Ctx, householdId: number, b: HouseholdEventBody) {
    const day = today();
    const date = 'date' in b && b.date ? b.date : day;
    if (date > day) throw regErrors.stepDate(`变动日期 ${date} 不能晚于今天（${day}）`);
    await db.transaction().execute(async (tx) => {
      // Households are locked in id order when two take part, so two moves in opposite
      // directions cannot deadlock.
      const otherId = b.kind === 'move' ? b.toHouseholdId : b.kind === 'merge' ? b.fromHouseholdId : null;
      if (otherId === householdId) throw regErrors.invalid([{ field: b.kind === 'move' ? '迁入户' : '被并户', message: '不能是本户' }]);
      let other: Hh | null = null;
      if (otherId && otherId < householdId) other = await lockOther(tx, ctx, otherId, b.kind === 'move' ? '迁入户' : '被并户');
      const h = await householdRepo.lock(tx, ctx.scope, householdId);
      if (!h) throw errors.notFound('农户');
      if (otherId && otherId > householdId) other = await lockOther(tx, ctx, otherId, b.kind === 'move' ? '迁入户' : '被并户');
      if (h.version !== b.version) throw errors.staleVersion('该农户档案');
      if (h.status === 'cancelled') throw regErrors.householdState('已注销的户不能办理家庭成员变动');
      const dicts = await loadDicts(tx, REGISTRY_DICT_TYPES);
      const members = await householdRepo.members(tx, h.county_code, h.id, { activeOnly: true, forUpdate: true });
      const label = EVENT_LABELS[b.kind];
      let summary = '';
      let personId: number | null = null;
      const details: Record<string, unknown> = { note: 'note' in b ? (b.note ?? null) : null };

      const addOne = async (m: MemberInput, reason: string) => {
        const v = validateMember(m, dicts, day, '');
        if (!v.draft) throw regErrors.invalid(v.issues);
        checkRelation(dicts, v.draft.relation);
        if (reason === 'birth' && date < v.draft.birthDate) throw regErrors.stepDate(`出生登记日期 ${date} 早于身份证号码中的出生日期 ${v.draft.birthDate}`);
        const [id] = await insertMembers(tx, h, [v.draft], { date: reason === 'birth' ? v.draft.birthDate : date, reason });
        return { id, draft: v.draft };
      };

      switch (b.kind) {
        case 'birth':
        case 'marriage_in':
        case 'move_in':
        case 'member_add': {
          const { id, draft } = await addOne(b.member, b.kind);
          personId = id;
          summary = `${label}：${draft.name}（${maskIdNumber(draft.idNumber)}），与户主关系 ${dicts.get('relation')!.find((r) => r.code === draft.relation)?.label ?? draft.relation}`;
          break;
        }
        case 'death':
        case 'marriage_out': {
          const p = activeMember(members, b.personId);
          const remaining = members.filter((m) => m.id !== p.id);
          await endMembership(tx, h.county_code, p.id, { status: b.kind === 'death' ? 'deceased' : 'moved_out', date, reason: b.kind, note: b.note });
          await handleHeadLeaving(tx, dicts, h, [p], remaining, b.newHeadPersonId, b.relations);
          personId = p.id;
          summary = `${label}：${p.name}（${maskIdNumber(p.id_number)}）${b.newHeadPersonId ? `，新户主 ${remaining.find((m) => m.id === b.newHeadPersonId)!.name}` : ''}${!remaining.length ? '；该户已无在册成员，请办理注销' : ''}`;
          break;
        }
        case 'move_out': {
          const leaving = b.personIds.map((id) => activeMember(members, id));
          const remaining = members.filter((m) => !b.personIds.includes(m.id));
          for (const p of leaving) await endMembership(tx, h.county_code, p.id, { status: 'moved_out', date, reason: 'move_out', note: b.note });
          await handleHeadLeaving(tx, dicts, h, leaving, remaining, b.newHeadPersonId, b.relations);
          summary = `${label}：${leaving.map((p) => p.name).join('、')}${b.note ? `，迁往 ${b.note}` : ''}`;
          details.personIds = b.personIds;
          break;
        }
        case 'move': {
          const p = activeMember(members, b.personId);
          checkRelation(dicts, b.relation);
          const remaining = members.filter((m) => m.id !== p.id);
          const nid = await transfer(tx, p, other!, b.relation, date, 'move', b.note);
          await handleHeadLeaving(tx, dicts, h, [p], remaining, b.newHeadPersonId, b.relations);
          personId = p.id;
          details.newPersonId = nid;
          summary = `${label}：${p.name} 迁入 ${hhName(other!)}`;
          await recordEvent(tx, ctx, { county_code: other!.county_code, household_id: other!.id, kind: 'move', event_date: date, person_id: nid, other_household_id: h.id, summary: `${label}：${p.name} 从 ${hhName(h)} 迁入`, details });
          await refreshHousehold(tx, other!.county_code, other!.id, day, { bump: true });
          break;
        }
        case 'split': {
          const leaving = b.personIds.map((id) => activeMember(members, id));
          const remaining = members.filter((m) => !b.personIds.includes(m.id));
          if (!b.personIds.includes(b.newHeadPersonId)) throw regErrors.heads('新户的户主须是分出的成员之一');
          if (!remaining.length) throw regErrors.invalid([{ field: '成员', message: '分户后原户至少要留下一名成员；整户迁移请用“户间迁移”或修改所在村' }]);
          for (const [id, rel] of Object.entries(b.newRelations)) {
            if (!b.personIds.includes(Number(id))) throw regErrors.invalid([{ field: '与户主关系', message: `成员 ${id} 不在分出的成员中` }]);
            checkRelation(dicts, rel);
          }
          const missing = leaving.filter((p) => p.id !== b.newHeadPersonId && !b.newRelations[String(p.id)]);
          if (missing.length) throw regErrors.invalid([{ field: '与户主关系', message: `须填写 ${missing.map((p) => p.name).join('、')} 与新户主的关系` }]);
          const place = await resolvePlace(tx, ctx.scope, b.areaCode ?? h.area_code);
          if (place.countyCode !== h.county_code) throw regErrors.areaLevel('分出的新户须在同一县内');
          const no = await householdRepo.nextHouseholdNo(tx, place.countyCode, place.villageCode);
          const { id: newId } = await householdRepo.insert(tx, {
            county_code: place.countyCode,
            household_no: no,
            area_code: place.areaCode,
            township_code: place.townshipCode,
            village_code: place.villageCode,
            address: b.address ?? h.address,
            category: h.category,
            identification_standard: h.identification_standard,
            identification_year: h.identification_year,
            main_cause: h.main_cause,
            secondary_causes: h.secondary_causes,
            housing_safety: h.housing_safety,
            water_safe: h.water_safe,
            electricity: h.electricity,
            food_clothing_secured: h.food_clothing_secured,
            education_secured: h.education_secured,
            medical_secured: h.medical_secured,
            income_year: h.income_year,
            status: h.status,
            status_since: date,
          });
          const target = { county_code: place.countyCode, id: newId, area_code: place.areaCode };
          const moved: number[] = [];
          for (const p of leaving) moved.push(await transfer(tx, p, target, p.id === b.newHeadPersonId ? 'head' : b.newRelations[String(p.id)], date, 'split', b.note));
          await handleHeadLeaving(tx, dicts, h, leaving, remaining, b.remainingHeadPersonId, b.relations);
          await recordStatus(tx, ctx, target, null, h.status, date, `由 ${hhName(h)} 分户`);
          await refreshHousehold(tx, place.countyCode, newId, day);
          const headName = leaving.find((p) => p.id === b.newHeadPersonId)!.name;
          await recordEvent(tx, ctx, { county_code: place.countyCode, household_id: newId, kind: 'split', event_date: date, other_household_id: h.id, summary: `分户：由 ${hhName(h)} 分出，户主 ${headName}，${leaving.length} 人`, details: { newPersonIds: moved } });
          details.newHouseholdId = newId;
          details.newHouseholdNo = no;
          summary = `${label}：${leaving.map((p) => p.name).join('、')} 分出为新户（${no}，户主 ${headName}）；收入请分别核实`;
          break;
        }
        case 'merge': {
          const from = other!;
          const open = await workflowRepo.openOf(tx, from.county_code, from.id);
          if (open) throw regErrors.workflowOpen(`被并户有进行中的流程（编号 ${open.id}），须先办结或撤回`);
          const incoming = await householdRepo.members(tx, from.county_code, from.id, { activeOnly: true, forUpdate: true });
          for (const p of incoming) {
            const rel = b.relations[String(p.id)];
            if (!rel) throw regErrors.invalid([{ field: '与户主关系', message: `须填写 ${p.name} 与本户户主的关系` }]);
            checkRelation(dicts, rel);
          }
          const ids: number[] = [];
          for (const p of incoming) ids.push(await transfer(tx, p, h, b.relations[String(p.id)], date, 'merge', b.note));
          // relations keyed by this household's own members re-relate them too (e.g. to a new head)
          await applyRelations(tx, dicts, h.county_code, h.id, Object.fromEntries(Object.entries(b.relations).filter(([id]) => members.some((m) => String(m.id) === id))));
          await tx
            .updateTable('household')
            .set({ status: 'cancelled', status_since: date, version: sql`version + 1`, updated_at: sql`now()` })
            .where('county_code', '=', from.county_code)
            .where('id', '=', from.id)
            .execute();
          await recordStatus(tx, ctx, from, from.status, 'cancelled', date, `并户：并入 ${hhName(h)}`);
          await recordEvent(tx, ctx, { county_code: from.county_code, household_id: from.id, kind: 'merge', event_date: date, other_household_id: h.id, summary: `并户：${incoming.length} 人并入 ${hhName(h)}，本户注销`, details: { newPersonIds: ids } });
          await refreshHousehold(tx, from.county_code, from.id, day, { bump: true });
          details.newPersonIds = ids;
          summary = `${label}：${hhName(from)} 的 ${incoming.map((p) => p.name).join('、')} 并入本户，原户注销`;
          break;
        }
        case 'head_change': {
          const nh = activeMember(members, b.newHeadPersonId, '新户主');
          if (nh.relation === 'head') throw regErrors.heads(`${nh.name}已是户主`);
          const old = members.find((m) => m.relation === 'head');
          if (old && !b.relations[String(old.id)]) throw regErrors.invalid([{ field: '与户主关系', message: `须填写原户主 ${old.name} 与新户主的关系` }]);
          if (old) {
            checkRelation(dicts, b.relations[String(old.id)]);
            await setRelation(tx, h.county_code, old.id, b.relations[String(old.id)]);
          }
          await setRelation(tx, h.county_code, nh.id, 'head');
          const { [String(nh.id)]: _n, ...rest } = b.relations;
          void _n;
          const others = Object.fromEntries(Object.entries(rest).filter(([id]) => !old || id !== String(old.id)));
          await applyRelations(tx, dicts, h.county_code, h.id, others);
          personId = nh.id;
          summary = `${label}：${old ? `${old.name} → ` : ''}${nh.name}`;
          break;
        }
        case 'member_remove': {
          const p = activeMember(members, b.personId);
          if (p.relation === 'head' && members.length > 1) throw regErrors.heads('请先办理户主变更，再删除原户主的错误登记');
          await endMembership(tx, h.county_code, p.id, { status: 'moved_out', date, reason: 'remove', note: b.note });
          personId = p.id;
          summary = `${label}：${p.name}（${maskIdNumber(p.id_number)}），原因：${b.note}`;
          break;
        }
      }
      await refreshHousehold(tx, h.county_code, h.id, day, { bump: true });
      const eventId = await recordEvent(tx, ctx, {
        county_code: h.county_code,
        household_id: h.id,
        kind: b.kind,
        event_date: date,
        person_id: personId,
        other_household_id: otherId ?? ((details.newHouseholdId as number | undefined) ?? null),
        summary,
        details,
      });
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: `event.${b.kind}`,
        entity: 'household',
        entityId: h.id,
        areaCode: h.area_code,
        countyCode: h.county_code,
        summary: `${hhName(h)} ${summary}`,
        after: { eventId, kind: b.kind, date, personId, ...details },
      });
    });
    return householdService.get(db, ctx, householdId);
  },

  async list(db: Db, ctx: Ctx, householdId: number) {
    const h = await householdRepo.find(db, ctx.scope, householdId);
    if (!h) throw errors.notFound('农户');
    const rows = await db.selectFrom('household_event').selectAll().where('county_code', '=', h.county_code).where('household_id', '=', h.id).orderBy('id', 'desc').execute();
    return rows.map(toEventItem);
  },
};

export function toEventItem(e: { id: number; household_id: number; kind: string; event_date: string; person_id: number | null; other_household_id: number | null; summary: string; actor_name: string | null; created_at: unknown }) {
  return {
    id: e.id,
    householdId: e.household_id,
    kind: e.kind,
    kindLabel: EVENT_LABELS[e.kind] ?? e.kind,
    date: e.event_date,
    personId: e.person_id,
    otherHouseholdId: e.other_household_id,
    summary: e.summary,
    actorName: e.actor_name,
    at: new Date(String(e.created_at instanceof Date ? e.created_at.toISOString() : e.created_at)).toISOString(),
  };
}
