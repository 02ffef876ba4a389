import { ageOn, maskBankAccount, maskIdNumber, maskPhone } from '@fupin/shared';
import { labelOf } from '../common';
import { PERSON_STATUS_LABELS, SEX_LABELS, STATUS_LABELS, type HouseholdStatus } from '../rules';
import type { HouseholdRow, PersonRow } from './repository';
import type { HouseholdItem, MemberItem } from './schemas';

type Labels = Map<string, Map<string, string>>;
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

/** Every response carries masked IDs, phones and accounts; the full values only via reveal (logged). */
export function toHouseholdItem(h: HouseholdRow, labels: Labels): HouseholdItem {
  return {
    id: h.id,
    countyCode: h.county_code,
    householdNo: h.household_no,
    areaCode: h.area_code,
    villageCode: h.village_code,
    villageName: h.village_name,
    townshipCode: h.township_code,
    townshipName: h.township_name,
    groupName: h.group_name,
    address: h.address,
    headName: h.head_name,
    headPersonId: h.head_person_id,
    headIdNumberMasked: h.head_id_number ? maskIdNumber(h.head_id_number) : null,
    phoneMasked: h.phone ? maskPhone(h.phone) : null,
    bankName: h.bank_name,
    bankAccountMasked: h.bank_account ? maskBankAccount(h.bank_account) : null,
    category: h.category,
    categoryLabel: labelOf(labels, 'household_category', h.category),
    identificationStandard: h.identification_standard,
    identificationStandardLabel: labelOf(labels, 'identification_standard', h.identification_standard),
    identificationYear: h.identification_year,
    mainCause: h.main_cause,
    mainCauseLabel: labelOf(labels, 'poverty_cause', h.main_cause),
    secondaryCauses: h.secondary_causes,
    secondaryCauseLabels: h.secondary_causes.map((c) => labelOf(labels, 'poverty_cause', c) ?? c),
    housingSafety: h.housing_safety,
    housingSafetyLabel: labelOf(labels, 'housing_safety', h.housing_safety),
    waterSafe: h.water_safe,
    electricity: h.electricity,
    foodClothingSecured: h.food_clothing_secured,
    educationSecured: h.education_secured,
    medicalSecured: h.medical_secured,
    incomeYear: h.income_year,
    incomeWagesFen: h.income_wages_fen,
    incomeBusinessFen: h.income_business_fen,
    incomeTransferFen: h.income_transfer_fen,
    incomePropertyFen: h.income_property_fen,
    netIncomeFen: h.income_wages_fen + h.income_business_fen + h.income_transfer_fen + h.income_property_fen,
    netIncomePerCapitaFen: h.net_income_per_capita_fen,
    memberCount: h.member_count,
    status: h.status,
    statusLabel: STATUS_LABELS[h.status as HouseholdStatus] ?? h.status,
    statusSince: h.status_since,
    prefFamilyPlanning: h.pref_family_planning,
    prefVeteran: h.pref_veteran,
    qualityIssueCount: h.quality_issue_count,
    version: h.version,
    createdAt: iso(h.created_at),
    updatedAt: iso(h.updated_at),
  };
}

export function toMemberItem(p: PersonRow, labels: Labels, today: string): MemberItem {
  return {
    id: p.id,
    householdId: p.household_id,
    name: p.name,
    sex: p.sex,
    sexLabel: SEX_LABELS[p.sex],
    idKind: p.id_kind,
    idNumberMasked: maskIdNumber(p.id_number),
    birthDate: p.birth_date,
    age: p.birth_date <= today ? ageOn(p.birth_date, today) : 0,
    relation: p.relation,
    relationLabel: labelOf(labels, 'relation', p.relation),
    ethnicity: p.ethnicity,
    ethnicityLabel: labelOf(labels, 'ethnicity', p.ethnicity),
    education: p.education,
    educationLabel: labelOf(labels, 'education', p.education),
    schooling: p.schooling,
    schoolingLabel: labelOf(labels, 'schooling', p.schooling),
    health: p.health,
    healthLabel: labelOf(labels, 'health', p.health),
    disabilityGrade: p.disability_grade,
    disabilityCategory: p.disability_category,
    labour: p.labour,
    labourLabel: labelOf(labels, 'labour', p.labour),
    workStatus: p.work_status,
    workStatusLabel: labelOf(labels, 'work_status', p.work_status),
    workMonths: p.work_months,
    civilCapacity: p.civil_capacity,
    medicalInsurance: p.medical_insurance,
    pensionInsurance: p.pension_insurance,
    phoneMasked: p.phone ? maskPhone(p.phone) : null,
    status: p.status,
    statusLabel: PERSON_STATUS_LABELS[p.status],
    joinedDate: p.joined_date,
    joinedReason: p.joined_reason,
    leftDate: p.left_date,
    leftReason: p.left_reason,
    leftNote: p.left_note,
    version: p.version,
  };
}

/** What the operation log keeps of a person: never the full ID or phone (the log is widely readable). */
export function personForAudit(p: Partial<PersonRow>) {
  const { id_number, phone, created_at, updated_at, ...rest } = p;
  void created_at;
  void updated_at;
  return { ...rest, ...(id_number !== undefined ? { id_number: id_number && maskIdNumber(id_number) } : {}), ...(phone !== undefined ? { phone: phone && maskPhone(phone) } : {}) };
}
export function householdForAudit(h: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...h };
  delete out.created_at;
  delete out.updated_at;
  if (typeof out.phone === 'string') out.phone = maskPhone(out.phone);
  if (typeof out.bank_account === 'string') out.bank_account = maskBankAccount(out.bank_account);
  return out;
}
