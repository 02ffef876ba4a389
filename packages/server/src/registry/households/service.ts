import { sql } from 'kysely';
import { maskIdNumber } from '@fupin/shared';
import { diff, writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import { errors, type FieldIssue } from '../../http/errors';
import { dictLabels, loadDicts, regErrors, REGISTRY_DICT_TYPES, resolvePlace, today } from '../common';
import { householdForAudit, personForAudit, toHouseholdItem, toMemberItem } from './dto';
import {
  idInUseError,
  insertMembers,
  perCapitaIssue,
  recordEvent,
  recordStatus,
  refreshHousehold,
  validateHouseholdFields,
  validateMember,
  type MemberDraft,
} from './members';
import { householdRepo } from './repository';
import { householdFieldLabels, type CreateHouseholdBody, type ListHouseholdsQuery, type ListPersonsQuery, type UpdateHouseholdBody, type UpdatePersonBody } from './schemas';

const label = (h: { head_name: string | null; household_no: string }) => `${h.head_name ?? '（无户主）'}户（${h.household_no}）`;

/** Column names of household for the fields of the API. */
const HH_COLUMNS: Record<string, string> = {
  address: 'address',
  phone: 'phone',
  bankName: 'bank_name',
  bankAccount: 'bank_account',
  category: 'category',
  identificationStandard: 'identification_standard',
  identificationYear: 'identification_year',
  mainCause: 'main_cause',
  secondaryCauses: 'secondary_causes',
  housingSafety: 'housing_safety',
  waterSafe: 'water_safe',
  electricity: 'electricity',
  foodClothingSecured: 'food_clothing_secured',
  educationSecured: 'education_secured',
  medicalSecured: 'medical_secured',
  incomeYear: 'income_year',
  incomeWagesFen: 'income_wages_fen',
  incomeBusinessFen: 'income_business_fen',
  incomeTransferFen: 'income_transfer_fen',
  incomePropertyFen: 'income_property_fen',
  prefFamilyPlanning: 'pref_family_planning',
  prefVeteran: 'pref_veteran',
};
const COLUMN_LABEL: Record<string, string> = Object.fromEntries(Object.entries(HH_COLUMNS).map(([k, c]) => [c, householdFieldLabels[k] ?? k]));
COLUMN_LABEL.area_code = '所在村（组）';
COLUMN_LABEL.household_no = '户编号';

function householdValues(b: Partial<CreateHouseholdBody>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, col] of Object.entries(HH_COLUMNS)) {
    const v = (b as Record<string, unknown>)[k];
    if (v !== undefined) out[col] = v;
  }
  return out;
}

function checkHeads(drafts: { relation: string }[]) {
  const n = drafts.filter((d) => d.relation === 'head').length;
  if (n === 0) throw regErrors.heads('家庭成员中须有一名户主（与户主关系为“户主”）');
  if (n > 1) throw regErrors.heads(`一户只能有一名户主，当前有 ${n} 名`);
}

function duplicateIdIssues(drafts: (MemberDraft | null)[]): FieldIssue[] {
  const seen = new Map<string, number>();
  const out: FieldIssue[] = [];
  drafts.forEach((d, i) => {
    if (!d) return;
    const j = seen.get(d.residentId);
    if (j !== undefined) out.push({ field: `第${i + 1}名成员身份证号码`, message: `与第${j + 1}名成员重复` });
    else seen.set(d.residentId, i);
  });
  return out;
}

// Counts by status over a whole county read ~200,000 index entries (≈100 ms); paging through a
// large list asks for the same counts again and again. Large results (over COUNT_CACHE_MIN
// households) are kept for COUNT_CACHE_MS per scope and filter; small ones are always fresh.
const COUNT_CACHE_MIN = 20_000;
const COUNT_CACHE_MS = 60_000;
const countCache = new Map<string, { at: number; counts: Record<string, number> }>();
async function cachedCounts(ctx: Ctx, filters: object, load: () => Promise<Record<string, number>>) {
  const { status: _s, ...rest } = filters as { status?: unknown };
  void _s;
  const key = JSON.stringify([ctx.scope, rest]);
  const hit = countCache.get(key);
  if (hit && Date.now() - hit.at < COUNT_CACHE_MS) return hit.counts;
  const counts = await load();
  if (Object.values(counts).reduce((a, b) => a + b, 0) >= COUNT_CACHE_MIN) {
    if (countCache.size > 500) countCache.clear();
    countCache.set(key, { at: Date.now(), counts });
  }
  return counts;
}

export const householdService = {
  async create(db: Db, ctx: Ctx, body: CreateHouseholdBody) {
    const day = today();
    const id = await db.transaction().execute(async (tx) => {
      const place = await resolvePlace(tx, ctx.scope, body.areaCode);
      const dicts = await loadDicts(tx, REGISTRY_DICT_TYPES);
      const issues: FieldIssue[] = validateHouseholdFields({ ...body, category: body.category ?? 'general' }, dicts);
      const validated = body.members.map((m, i) => validateMember(m, dicts, day, `第${i + 1}名成员`));
      for (const v of validated) issues.push(...v.issues);
      issues.push(...duplicateIdIssues(validated.map((v) => v.draft)));
      const parts = {
        wagesFen: body.incomeWagesFen ?? 0,
        businessFen: body.incomeBusinessFen ?? 0,
        transferFen: body.incomeTransferFen ?? 0,
        propertyFen: body.incomePropertyFen ?? 0,
      };
      const pc = perCapitaIssue(body.netIncomePerCapitaFen, parts, body.members.length);
      if (pc) issues.push(pc);
      if (issues.length) throw regErrors.invalid(issues);
      const drafts = validated.map((v) => v.draft!);
      checkHeads(drafts);

      // IDs first: a resident already registered elsewhere stops the command before any write.
      const taken = await householdRepo.claimIds(tx, place.countyCode, drafts.map((d) => d.residentId));
      if (taken.length) throw await idInUseError(tx, taken[0]);

      let householdNo = body.householdNo;
      if (householdNo) {
        if (await householdRepo.householdNoTaken(tx, place.countyCode, householdNo)) throw regErrors.householdNo(householdNo);
      } else householdNo = await householdRepo.nextHouseholdNo(tx, place.countyCode, place.villageCode);

      const { id } = await householdRepo.insert(tx, {
        county_code: place.countyCode,
        household_no: householdNo,
        area_code: place.areaCode,
        township_code: place.townshipCode,
        village_code: place.villageCode,
        ...(householdValues({ ...body, category: body.category ?? 'general' }) as object),
        status: 'candidate',
        status_since: day,
      });
      const hh = { county_code: place.countyCode, id, area_code: place.areaCode };
      await insertMembers(tx, hh, drafts, { date: day, reason: 'create' }, { claimed: true });
      await refreshHousehold(tx, place.countyCode, id, day);
      await recordStatus(tx, ctx, hh, null, 'candidate', day, '新建档案');
      const head = drafts.find((d) => d.relation === 'head')!;
      await recordEvent(tx, ctx, {
        county_code: place.countyCode,
        household_id: id,
        kind: 'create',
        event_date: day,
        summary: `建档：户主 ${head.name}，家庭成员 ${drafts.length} 人`,
      });
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'create',
        entity: 'household',
        entityId: id,
        areaCode: place.areaCode,
        countyCode: place.countyCode,
        summary: `新建农户档案 ${head.name}户（${householdNo}，${place.townshipName}${place.villageName}${place.groupName ?? ''}），家庭成员 ${drafts.length} 人`,
        after: householdForAudit({ household_no: householdNo, area_code: place.areaCode, ...householdValues(body), members: drafts.map((d) => personForAudit({ name: d.name, id_number: d.idNumber, relation: d.relation })) }),
      });
      return id;
    });
    return this.get(db, ctx, id);
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const h = await householdRepo.find(db, ctx.scope, id);
    if (!h) throw errors.notFound('农户');
    const [labels, members] = await Promise.all([dictLabels(db), householdRepo.members(db, h.county_code, h.id)]);
    const day = today();
    return { ...toHouseholdItem(h, labels), members: members.map((m) => toMemberItem(m, labels, day)) };
  },

  async update(db: Db, ctx: Ctx, id: number, body: UpdateHouseholdBody) {
    const day = today();
    await db.transaction().execute(async (tx) => {
      const h = await householdRepo.lock(tx, ctx.scope, id);
      if (!h) throw errors.notFound('农户');
      if (h.version !== body.version) throw errors.staleVersion('该农户档案');
      const dicts = await loadDicts(tx, REGISTRY_DICT_TYPES);
      const issues = validateHouseholdFields(body, dicts, h);
      const set: Record<string, unknown> = householdValues(body);
      const parts = {
        wagesFen: body.incomeWagesFen ?? h.income_wages_fen,
        businessFen: body.incomeBusinessFen ?? h.income_business_fen,
        transferFen: body.incomeTransferFen ?? h.income_transfer_fen,
        propertyFen: body.incomePropertyFen ?? h.income_property_fen,
      };
      const pc = perCapitaIssue(body.netIncomePerCapitaFen, parts, h.member_count);
      if (pc) issues.push(pc);
      if (issues.length) throw regErrors.invalid(issues);
      if (body.areaCode && body.areaCode !== h.area_code) {
        const place = await resolvePlace(tx, ctx.scope, body.areaCode);
        if (place.countyCode !== h.county_code) throw regErrors.areaLevel('不能把农户直接改到其他县；跨县迁移请在原户办理迁出、在新县建档');
        Object.assign(set, { area_code: place.areaCode, village_code: place.villageCode, township_code: place.townshipCode });
      }
      const d = diff(h as unknown as Record<string, unknown>, set);
      // Nothing changed: still recompute what derives from the record and re-run the rules, so
      // saving a legacy record clears the problems that were only in derived values.
      if (!d.changed.length) return refreshHousehold(tx, h.county_code, h.id, day);
      await tx
        .updateTable('household')
        .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
        .where('county_code', '=', h.county_code)
        .where('id', '=', h.id)
        .execute();
      if (set.area_code) {
        // Members and open cases follow the household, so scope checks stay right without a join.
        await tx.updateTable('person').set({ area_code: set.area_code as string }).where('county_code', '=', h.county_code).where('household_id', '=', h.id).execute();
        await tx
          .updateTable('registry_workflow')
          .set({ area_code: set.area_code as string, village_code: set.village_code as string, township_code: set.township_code as string })
          .where('county_code', '=', h.county_code)
          .where('household_id', '=', h.id)
          .execute();
      }
      await refreshHousehold(tx, h.county_code, h.id, day);
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'update',
        entity: 'household',
        entityId: h.id,
        areaCode: (set.area_code as string) ?? h.area_code,
        countyCode: h.county_code,
        summary: `修改农户档案 ${label(h)}：${d.changed.map((c) => COLUMN_LABEL[c] ?? c).join('、')}`,
        before: householdForAudit(d.before),
        after: householdForAudit(d.after),
      });
    });
    return this.get(db, ctx, id);
  },

  async list(db: Db, ctx: Ctx, q: ListHouseholdsQuery) {
    const { page, pageSize, sort, order, ...rest } = q;
    if (rest.idNumber) {
      // An exact ID names at most one household: one statement finds it (householdRepo.findByResidentId),
      // and the counts above the list follow from it — no second look-up, no count query.
      const [row, labels] = await Promise.all([householdRepo.findByResidentId(db, ctx.scope, { ...rest, idNumber: rest.idNumber }), dictLabels(db)]);
      const listed = !!row && (!rest.status?.length || (rest.status as string[]).includes(row.status));
      return {
        items: listed && page === 1 ? [toHouseholdItem(row, labels)] : [],
        total: listed ? 1 : 0,
        page,
        pageSize,
        statusCounts: row ? { [row.status]: 1 } : {},
      };
    }
    const filters = rest;
    const [rows, statusCounts, labels] = await Promise.all([
      householdRepo.list(db, ctx.scope, filters, { page, pageSize, sort, order }),
      cachedCounts(ctx, filters, () => householdRepo.statusCounts(db, ctx.scope, filters)),
      dictLabels(db),
    ]);
    const total = filters.status?.length
      ? filters.status.reduce((s, st) => s + (statusCounts[st] ?? 0), 0)
      : Object.values(statusCounts).reduce((s, n) => s + n, 0);
    return { items: rows.map((r) => toHouseholdItem(r, labels)), total, page, pageSize, statusCounts };
  },

  async listPersons(db: Db, ctx: Ctx, q: ListPersonsQuery) {
    const day = today();
    const [{ rows, total }, labels] = await Promise.all([householdRepo.listPersons(db, ctx.scope, q, day), dictLabels(db)]);
    return {
      items: rows.map((r) => ({
        ...toMemberItem(r, labels, day),
        householdNo: r.household_no,
        householdStatus: r.household_status,
        householdStatusLabel: labels.get('household_status')?.get(r.household_status) ?? r.household_status,
        headName: r.head_name,
        villageName: r.village_name,
        townshipName: r.township_name,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  },

  async getPerson(db: Db, ctx: Ctx, id: number) {
    const p = await householdRepo.findPerson(db, ctx.scope, id);
    if (!p) throw errors.notFound('家庭成员');
    return toMemberItem(p, await dictLabels(db), today());
  },

  async updatePerson(db: Db, ctx: Ctx, id: number, body: UpdatePersonBody) {
    const day = today();
    await db.transaction().execute(async (tx) => {
      const p = await householdRepo.findPerson(tx, ctx.scope, id, { forUpdate: true });
      if (!p) throw errors.notFound('家庭成员');
      if (p.status !== 'active') throw regErrors.memberState('该成员已不在册（已死亡或迁出），历史记录不能修改');
      if (p.version !== body.version) throw errors.staleVersion('该成员信息');
      const owner = await tx.selectFrom('household').select('status').where('county_code', '=', p.county_code).where('id', '=', p.household_id).forUpdate().executeTakeFirstOrThrow();
      // its IDs were released on cancellation; editing would claim them again
      if (owner.status === 'cancelled') throw regErrors.householdState('该户已注销，成员信息不能再修改');
      if (body.relation !== undefined && body.relation !== p.relation && (body.relation === 'head' || p.relation === 'head'))
        throw regErrors.heads('户主的变更请通过“户主变更”办理，不能直接修改与户主关系');
      const dicts = await loadDicts(tx, REGISTRY_DICT_TYPES);
      // Validate the member as it will be, so ID, sex and birth date are checked together.
      const merged = {
        name: body.name ?? p.name,
        idKind: body.idKind ?? p.id_kind,
        idNumber: body.idNumber ?? p.id_number,
        sex: body.sex ?? (body.idNumber ? undefined : p.sex),
        birthDate: body.birthDate ?? (body.idNumber ? undefined : p.birth_date),
        relation: body.relation ?? p.relation,
        ethnicity: body.ethnicity !== undefined ? body.ethnicity : p.ethnicity,
        education: body.education !== undefined ? body.education : p.education,
        schooling: body.schooling !== undefined ? body.schooling : p.schooling,
        health: body.health !== undefined ? body.health : p.health,
        disabilityGrade: body.disabilityGrade !== undefined ? body.disabilityGrade : p.disability_grade,
        labour: body.labour !== undefined ? body.labour : p.labour,
        workStatus: body.workStatus !== undefined ? body.workStatus : p.work_status,
        workMonths: body.workMonths !== undefined ? body.workMonths : p.work_months,
        civilCapacity: body.civilCapacity ?? p.civil_capacity,
        medicalInsurance: body.medicalInsurance !== undefined ? body.medicalInsurance : p.medical_insurance,
        pensionInsurance: body.pensionInsurance !== undefined ? body.pensionInsurance : p.pension_insurance,
        phone: body.phone !== undefined ? body.phone : p.phone,
      };
      const { draft, issues } = validateMember(merged, dicts, day);
      if (issues.length || !draft) throw regErrors.invalid(issues);
      const oldKey = p.id_number.slice(0, 18);
      if (draft.residentId !== oldKey) {
        const taken = await householdRepo.claimIds(tx, p.county_code, [draft.residentId]);
        if (taken.length) throw await idInUseError(tx, draft.residentId, { county: p.county_code, id: p.household_id });
        await householdRepo.pointIds(tx, [{ residentId: draft.residentId, personId: p.id }]);
        await tx.deleteFrom('person_id_index').where('id_number', '=', oldKey).where('person_id', '=', p.id).execute();
      }
      const set = {
        name: draft.name,
        id_kind: draft.idKind,
        id_number: draft.idNumber,
        sex: draft.sex,
        birth_date: draft.birthDate,
        relation: draft.relation,
        ethnicity: draft.ethnicity,
        education: draft.education,
        schooling: draft.schooling,
        health: draft.health,
        disability_grade: draft.disabilityGrade,
        disability_category: draft.disabilityCategory ?? (draft.idKind === 'resident' ? p.disability_category : null),
        labour: draft.labour,
        work_status: draft.workStatus,
        work_months: draft.workMonths,
        civil_capacity: draft.civilCapacity,
        medical_insurance: draft.medicalInsurance,
        pension_insurance: draft.pensionInsurance,
        phone: draft.phone,
      };
      const d = diff(p as unknown as Record<string, unknown>, set);
      if (!d.changed.length) return;
      await tx
        .updateTable('person')
        .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
        .where('county_code', '=', p.county_code)
        .where('id', '=', p.id)
        .execute();
      if (p.relation === 'head' && set.name !== p.name)
        await tx.updateTable('household').set({ head_name: set.name, version: sql`version + 1`, updated_at: sql`now()` }).where('county_code', '=', p.county_code).where('id', '=', p.household_id).execute();
      await refreshHousehold(tx, p.county_code, p.household_id, day);
      const names = d.changed.map((c) => COLUMN_LABEL_PERSON[c] ?? c).join('、');
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'update',
        entity: 'person',
        entityId: p.id,
        areaCode: p.area_code,
        countyCode: p.county_code,
        summary: `修改家庭成员 ${p.name}（${maskIdNumber(p.id_number)}）：${names}`,
        before: personForAudit(d.before),
        after: personForAudit(d.after),
      });
    });
    return this.getPerson(db, ctx, id);
  },

  async revealPerson(db: Db, ctx: Ctx, id: number) {
    return db.transaction().execute(async (tx) => {
      const p = await householdRepo.findPerson(tx, ctx.scope, id);
      if (!p) throw errors.notFound('家庭成员');
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'reveal',
        entity: 'person',
        entityId: p.id,
        areaCode: p.area_code,
        countyCode: p.county_code,
        summary: `查看家庭成员 ${p.name}（${maskIdNumber(p.id_number)}）的完整身份证号码和电话`,
      });
      return { idNumber: p.id_number, phone: p.phone };
    });
  },

  async revealHousehold(db: Db, ctx: Ctx, id: number) {
    return db.transaction().execute(async (tx) => {
      const h = await householdRepo.find(tx, ctx.scope, id);
      if (!h) throw errors.notFound('农户');
      await writeAudit(tx, ctx, {
        module: 'registry',
        action: 'reveal',
        entity: 'household',
        entityId: h.id,
        areaCode: h.area_code,
        countyCode: h.county_code,
        summary: `查看农户 ${label(h)} 的完整电话、银行账号和户主身份证号码`,
      });
      return { phone: h.phone, bankAccount: h.bank_account, headIdNumber: h.head_id_number };
    });
  },
};

const COLUMN_LABEL_PERSON: Record<string, string> = {
  name: '姓名',
  id_kind: '证件类型',
  id_number: '身份证号码',
  sex: '性别',
  birth_date: '出生日期',
  relation: '与户主关系',
  ethnicity: '民族',
  education: '文化程度',
  schooling: '在校生状况',
  health: '健康状况',
  disability_grade: '残疾等级',
  disability_category: '残疾类别',
  labour: '劳动技能',
  work_status: '务工状况',
  work_months: '务工月数',
  civil_capacity: '民事行为能力',
  medical_insurance: '医疗保险',
  pension_insurance: '养老保险',
  phone: '电话',
};
