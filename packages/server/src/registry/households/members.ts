/**
 * The household's write path shared by the API, the dynamic-change events and the Excel import:
 * member validation, ID claiming, inserting members and recomputing what depends on them.
 */
import { sql } from 'kysely';
import { maskIdNumber } from '@fupin/shared';
import type { DbOrTx } from '../../db/db';
import type { Ctx } from '../../http/context';
import type { FieldIssue } from '../../http/errors';
import { dictIssue, regErrors } from '../common';
import { recheckHouseholds } from '../quality/check';
import { checkAgainstId, checkPerCapita, parseIdentityDocument, perCapitaFen, type DictEntry } from '../rules';
import { householdRepo } from './repository';
import type { MemberInput } from './schemas';

export type MemberDraft = {
  name: string;
  idKind: 'resident' | 'disability_cert';
  idNumber: string;
  residentId: string;
  sex: 'M' | 'F';
  birthDate: string;
  relation: string;
  ethnicity: string | null;
  education: string | null;
  schooling: string | null;
  health: string | null;
  disabilityGrade: number | null;
  disabilityCategory: number | null;
  labour: string | null;
  workStatus: string | null;
  workMonths: number | null;
  civilCapacity: 'full' | 'limited' | 'none';
  medicalInsurance: boolean | null;
  pensionInsurance: boolean | null;
  phone: string | null;
};

type Dicts = Map<string, DictEntry[]>;

/** Checks one member against the ID and the dictionaries; `at` prefixes field names (第2名成员). */
export function validateMember(m: MemberInput, dicts: Dicts, today: string, at = ''): { draft: MemberDraft | null; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const f = (name: string) => `${at}${name}`;
  const doc = parseIdentityDocument(m.idNumber, m.idKind ?? 'resident', today);
  if (!doc.ok) issues.push({ field: f(m.idKind === 'disability_cert' ? '残疾人证号' : '身份证号码'), message: doc.reason });
  else {
    for (const msg of checkAgainstId(doc, { sex: m.sex, birthDate: m.birthDate })) issues.push({ field: f(msg.startsWith('性别') ? '性别' : '出生日期'), message: msg.replace(/^[^：]+：/, '') });
    if (doc.disabilityGrade && m.disabilityGrade != null && m.disabilityGrade !== doc.disabilityGrade)
      issues.push({ field: f('残疾等级'), message: `与残疾人证号末位（${doc.disabilityGrade} 级）不符` });
  }
  const coded: [keyof MemberInput, string, string][] = [
    ['relation', 'relation', '与户主关系'],
    ['ethnicity', 'ethnicity', '民族'],
    ['education', 'education', '文化程度'],
    ['schooling', 'schooling', '在校生状况'],
    ['health', 'health', '健康状况'],
    ['labour', 'labour', '劳动技能'],
    ['workStatus', 'work_status', '务工状况'],
  ];
  for (const [key, type, label] of coded) {
    const i = dictIssue(dicts, type, m[key] as string | null | undefined, f(label));
    if (i) issues.push(i);
  }
  if (m.health && m.health !== 'disabled' && m.disabilityGrade != null) issues.push({ field: f('残疾等级'), message: '健康状况不是残疾时不应填写残疾等级' });
  if (!doc.ok || issues.length) return { draft: null, issues };
  return {
    issues,
    draft: {
      name: m.name,
      idKind: doc.kind,
      idNumber: doc.number,
      residentId: doc.residentId,
      sex: doc.sex,
      birthDate: doc.birthDate,
      relation: m.relation,
      ethnicity: m.ethnicity ?? null,
      education: m.education ?? null,
      schooling: m.schooling ?? null,
      health: m.health ?? (doc.disabilityGrade ? 'disabled' : null),
      disabilityGrade: m.disabilityGrade ?? doc.disabilityGrade ?? null,
      disabilityCategory: doc.disabilityCategory ?? null,
      labour: m.labour ?? null,
      workStatus: m.workStatus ?? null,
      workMonths: m.workMonths ?? null,
      civilCapacity: m.civilCapacity ?? 'full',
      medicalInsurance: m.medicalInsurance ?? null,
      pensionInsurance: m.pensionInsurance ?? null,
      phone: m.phone ?? null,
    },
  };
}

export type HouseholdFieldInput = {
  category?: string | null;
  identificationStandard?: string | null;
  mainCause?: string | null;
  secondaryCauses?: string[];
  housingSafety?: string | null;
};

export function validateHouseholdFields(h: HouseholdFieldInput, dicts: Dicts, current?: { main_cause: string | null; secondary_causes: string[] }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const push = (i: FieldIssue | null) => i && issues.push(i);
  push(dictIssue(dicts, 'household_category', h.category, '贫困户属性'));
  push(dictIssue(dicts, 'identification_standard', h.identificationStandard, '识别标准'));
  push(dictIssue(dicts, 'poverty_cause', h.mainCause, '主要致贫原因'));
  push(dictIssue(dicts, 'housing_safety', h.housingSafety, '住房安全等级'));
  for (const c of h.secondaryCauses ?? []) push(dictIssue(dicts, 'poverty_cause', c, '次要致贫原因'));
  const main = h.mainCause !== undefined ? h.mainCause : current?.main_cause;
  const secondary = h.secondaryCauses ?? current?.secondary_causes ?? [];
  if (new Set(secondary).size !== secondary.length) issues.push({ field: '次要致贫原因', message: '不能重复' });
  if (main && secondary.includes(main)) issues.push({ field: '次要致贫原因', message: '不能与主要致贫原因相同' });
  return issues;
}

/** The 409 for a resident ID someone else holds: names the other household's village, masks the ID. */
export async function idInUseError(db: DbOrTx, residentId: string, ownHousehold?: { county: string; id: number }) {
  const h = await householdRepo.holderOf(db, residentId);
  const masked = maskIdNumber(residentId);
  if (h && ownHousehold && h.county_code === ownHousehold.county && h.household_id === ownHousehold.id)
    return regErrors.idInUse(`身份证号码 ${masked} 已是本户的在册成员`, { idNumberMasked: masked });
  const where = h ? `${h.township_name ?? ''}${h.village_name ?? ''}` : '其他地方';
  return regErrors.idInUse(`身份证号码 ${masked} 已在${where}的另一户中登记为在册成员；同一人只能在一户中在册，请先在原户办理迁出或核实号码`, {
    idNumberMasked: masked,
    villageName: h?.village_name ?? null,
    townshipName: h?.township_name ?? null,
  });
}

export type HouseholdKey = { county_code: string; id: number; area_code: string };

/**
 * Adds active members: claims their resident IDs first (a duplicate fails before anything else is
 * written), inserts the rows, points the index at them. Returns the new person ids in order.
 */
export async function insertMembers(
  tx: DbOrTx,
  hh: HouseholdKey,
  drafts: MemberDraft[],
  joined: { date: string; reason: string },
  opts: { claimed?: boolean } = {},
): Promise<number[]> {
  if (!drafts.length) return [];
  if (!opts.claimed) {
    const taken = await householdRepo.claimIds(
      tx,
      hh.county_code,
      drafts.map((d) => d.residentId),
    );
    if (taken.length) throw await idInUseError(tx, taken[0], { county: hh.county_code, id: hh.id });
  }
  const rows = await householdRepo.insertPersons(
    tx,
    drafts.map((d) => ({
      county_code: hh.county_code,
      household_id: hh.id,
      area_code: hh.area_code,
      name: d.name,
      sex: d.sex,
      id_kind: d.idKind,
      id_number: d.idNumber,
      birth_date: d.birthDate,
      relation: d.relation,
      ethnicity: d.ethnicity,
      education: d.education,
      schooling: d.schooling,
      health: d.health,
      disability_grade: d.disabilityGrade,
      disability_category: d.disabilityCategory,
      labour: d.labour,
      work_status: d.workStatus,
      work_months: d.workMonths,
      civil_capacity: d.civilCapacity,
      medical_insurance: d.medicalInsurance,
      pension_insurance: d.pensionInsurance,
      phone: d.phone,
      status: 'active',
      joined_date: joined.date,
      joined_reason: joined.reason,
    })),
  );
  await householdRepo.pointIds(
    tx,
    rows.map((r, i) => ({ residentId: drafts[i].residentId, personId: r.id })),
  );
  return rows.map((r) => r.id);
}

/** Ends a membership (death, moving out …): the row stays as history, the ID is freed. */
export async function endMembership(tx: DbOrTx, county: string, personId: number, how: { status: 'deceased' | 'moved_out'; date: string; reason: string; note?: string | null }) {
  const p = await tx
    .updateTable('person')
    .set({ status: how.status, left_date: how.date, left_reason: how.reason, left_note: how.note ?? null, version: sql`version + 1`, updated_at: sql`now()` })
    .where('county_code', '=', county)
    .where('id', '=', personId)
    .where('status', '=', 'active')
    .returning(['id', 'id_number'])
    .executeTakeFirst();
  if (!p) throw regErrors.memberState('该成员已不是本户在册成员');
  await tx.deleteFrom('person_id_index').where('id_number', '=', p.id_number.slice(0, 18)).where('county_code', '=', county).where('person_id', '=', personId).execute();
}

/**
 * Recomputes what depends on the members — count, head, per-capita income — and re-runs the
 * data-quality rules. Bumps the household's version only when one of those values changed.
 */
export async function refreshHousehold(tx: DbOrTx, county: string, id: number, today: string, opts: { bump?: boolean } = {}) {
  const h = await tx.selectFrom('household').selectAll().where('county_code', '=', county).where('id', '=', id).executeTakeFirstOrThrow();
  const active = await householdRepo.members(tx, county, id, { activeOnly: true });
  const heads = active.filter((p) => p.relation === 'head');
  const head = heads.length === 1 ? heads[0] : null;
  const perCapita = perCapitaFen(
    { wagesFen: h.income_wages_fen, businessFen: h.income_business_fen, transferFen: h.income_transfer_fen, propertyFen: h.income_property_fen },
    active.length,
  );
  const next = {
    member_count: active.length,
    head_person_id: head?.id ?? null,
    // a household that lost its head keeps the name for lists until a new head is named
    head_name: head?.name ?? h.head_name,
    net_income_per_capita_fen: perCapita,
  };
  const changed =
    next.member_count !== h.member_count || next.head_person_id !== h.head_person_id || next.head_name !== h.head_name || next.net_income_per_capita_fen !== h.net_income_per_capita_fen;
  if (changed || opts.bump)
    await tx
      .updateTable('household')
      .set({ ...next, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .execute();
  await recheckHouseholds(tx, county, [id], today);
}

export async function recordStatus(
  tx: DbOrTx,
  ctx: Ctx,
  h: { county_code: string; id: number },
  from: string | null,
  to: string,
  on: string,
  reason: string | null,
  workflowId: number | null = null,
) {
  await tx
    .insertInto('household_status_history')
    .values({ county_code: h.county_code, household_id: h.id, from_status: from, to_status: to, changed_on: on, reason, workflow_id: workflowId, actor_id: ctx.user.id || null, actor_name: ctx.user.name })
    .execute();
}

export async function recordEvent(
  tx: DbOrTx,
  ctx: Ctx,
  e: { county_code: string; household_id: number; kind: string; event_date: string; person_id?: number | null; other_household_id?: number | null; summary: string; details?: unknown },
) {
  const r = await tx
    .insertInto('household_event')
    .values({
      county_code: e.county_code,
      household_id: e.household_id,
      kind: e.kind,
      event_date: e.event_date,
      person_id: e.person_id ?? null,
      other_household_id: e.other_household_id ?? null,
      summary: e.summary,
      details: sql`${JSON.stringify(e.details ?? {})}::jsonb`,
      actor_id: ctx.user.id || null,
      actor_name: ctx.user.name,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Entered per-capita income must follow from the parts (within a yuan). */
export function perCapitaIssue(entered: number | undefined, parts: { wagesFen: number; businessFen: number; transferFen: number; propertyFen: number }, members: number): FieldIssue | null {
  if (entered === undefined) return null;
  const why = checkPerCapita(entered, parts, members);
  return why ? { field: '人均纯收入', message: why } : null;
}
