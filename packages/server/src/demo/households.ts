import { ageOn, makeIdNumber } from '@fupin/shared/idcard';
import { fromDayNumber, toDayNumber } from '@fupin/shared/date';
import { perCapitaFen } from '../registry/rules';
import { Weighted, type Rng } from './prng';
import { BANKS, SURNAMES, bankAccount, givenName, mobile } from './names';

/**
 * Pure generation of one village's registered households and their members (no database).
 * Every figure is a plausible shape for a poor rural county in western China, not a statistic
 * of any real place; docs/demo-data.md lists the distributions.
 */

/** Ages, schooling and statuses are "as of" this day, so the same seed gives the same data any day. */
export const DEMO_AS_OF = '2026-06-30';
/** The year the income figures belong to (the last full year before DEMO_AS_OF). */
export const DEMO_INCOME_YEAR = 2025;
const AS_OF_DAY = toDayNumber(DEMO_AS_OF);

export type Sex = 'M' | 'F';
export type Relation =
  | 'head' | 'spouse' | 'son' | 'daughter' | 'daughter_in_law' | 'son_in_law' | 'grandson' | 'granddaughter' | 'father' | 'mother';

export type DemoPerson = {
  name: string;
  sex: Sex;
  birthDate: string;
  age: number;
  idNumber: string;
  relation: Relation;
  ethnicity: string;
  education: string;
  schooling: string;
  health: string;
  disabilityGrade: number | null;
  labour: string;
  workStatus: string | null;
  workMonths: number | null;
  civilCapacity: 'full' | 'limited' | 'none';
  medicalInsurance: boolean;
  pensionInsurance: boolean;
  phone: string | null;
  disabilityCategory: number | null;
  joinedDate: string;
  joinedReason: 'create' | 'birth';
};

export type StatusChange = { from: string | null; to: string; on: string; reason: string };

export type DemoHousehold = {
  householdNo: string;
  areaCode: string; // the group (组)
  townshipCode: string;
  villageCode: string;
  address: string;
  phone: string | null;
  bankName: string | null;
  bankAccount: string | null;
  category: string;
  identificationStandard: string;
  identificationYear: number;
  mainCause: string;
  secondaryCauses: string[];
  housingSafety: string;
  waterSafe: boolean;
  electricity: boolean;
  incomeWagesFen: number;
  incomeBusinessFen: number;
  incomeTransferFen: number;
  incomePropertyFen: number;
  netIncomePerCapitaFen: number;
  incomeYear: number;
  foodClothingSecured: boolean;
  educationSecured: boolean;
  medicalSecured: boolean;
  status: string;
  statusSince: string;
  history: StatusChange[]; // oldest first; the last one is `status` since `statusSince`
  prefFamilyPlanning: boolean;
  prefVeteran: boolean;
  members: DemoPerson[]; // members[0] is the head
};

/**
 * Hands out resident-ID sequence numbers so that no two people of one county share an ID:
 * per birth date and sex, a permutation of the 499 odd (male) or even (female) sequence codes
 * 001–998. IDs already in the database (a person registered elsewhere) are skipped.
 */
export class IdAllocator {
  private readonly used = new Map<string, number>();
  constructor(
    readonly countyCode: string,
    private readonly taken: Set<string> = new Set(),
  ) {}

  allocate(birthDate: string, sex: Sex): { idNumber: string; birthDate: string } {
    let day = toDayNumber(birthDate);
    for (;;) {
      const date = fromDayNumber(day);
      const key = date + sex;
      let k = this.used.get(key) ?? 0;
      const offset = (((day * 131 + (sex === 'M' ? 17 : 0)) % 499) + 499) % 499;
      while (k < 499) {
        const j = (offset + k * 7) % 499; // 7 is coprime with 499: a full cycle without repeats
        k++;
        const seq = 2 * j + (sex === 'M' ? 1 : 2); // 1,3,…,997 for men; 2,4,…,998 for women
        const id = makeIdNumber(this.countyCode, date, seq);
        if (!this.taken.has(id)) {
          this.used.set(key, k);
          return { idNumber: id, birthDate: date };
        }
      }
      this.used.set(key, k);
      day -= 1; // all 499 codes of that day are taken (never at demo scale): born a day earlier
    }
  }
}

const SIZES = new Weighted<number>([
  [1, 11], [2, 17], [3, 21], [4, 23], [5, 16], [6, 8], [7, 4],
]); // mean ≈ 3.56

const ETHNICITY = new Weighted<string>([
  ['zhuang', 62], ['han', 28], ['yao', 6], ['miao', 2], ['other', 2],
]);

const STATUS = new Weighted<string>([
  ['exited', 74], ['identified', 12], ['monitored', 10], ['returned', 4],
]);

const ID_YEAR = new Weighted<number>([
  [2014, 60], [2015, 15], [2016, 10], [2017, 8], [2018, 5], [2019, 2],
]);

const GENERAL_CAUSES = new Weighted<string>([
  ['no_skill', 25], ['no_capital', 22], ['poor_transport', 10], ['no_land', 8], ['low_motivation', 8],
  ['disaster', 6], ['no_water', 5], ['other', 4],
]);

// 视力 听力 言语 肢体 智力 精神 多重 (the category digit of a disability certificate number)
const DISABILITY_CATEGORY = new Weighted<number>([[1, 14], [2, 12], [3, 2], [4, 48], [5, 8], [6, 10], [7, 6]]);

const HOUSING_POOR = new Weighted<string>([['A', 30], ['B', 40], ['C', 22], ['D', 8]]);

const WORK = new Weighted<string>([
  ['outside', 30], ['province', 18], ['none', 25], ['local', 12], ['county', 10], ['public_post', 5],
]);

// Monthly wage ranges in yuan by where one works.
const WAGE: Record<string, [number, number]> = {
  outside: [3200, 4800],
  province: [2800, 4000],
  county: [2200, 3200],
  local: [1800, 2800],
  public_post: [600, 1000],
};

function adultEducation(rng: Rng, birthYear: number): string {
  const x = rng.next();
  if (birthYear < 1960) return x < 0.4 ? 'illiterate' : x < 0.85 ? 'primary' : 'junior';
  if (birthYear < 1985) return x < 0.08 ? 'illiterate' : x < 0.43 ? 'primary' : x < 0.9 ? 'junior' : x < 0.98 ? 'senior' : 'vocational';
  return x < 0.08 ? 'primary' : x < 0.63 ? 'junior' : x < 0.78 ? 'senior' : x < 0.9 ? 'vocational' : 'college';
}

type Draft = { sex: Sex; targetAge: number; relation: Relation; surname: string; ethnicity: string };

function birthDateFor(rng: Rng, targetAge: number): string {
  // A day within the year of life that makes the person `targetAge` on DEMO_AS_OF.
  const day = AS_OF_DAY - Math.floor(targetAge * 365.2425) - rng.int(0, 364);
  return fromDayNumber(Math.min(day, AS_OF_DAY - 1));
}

/** The people of one household: ages and relations drawn together so they fit. */
function compose(rng: Rng, ethnicity: string): Draft[] {
  const n = SIZES.draw(rng);
  const surname = SURNAMES.draw(rng);
  const spouseEth = () => (rng.chance(0.75) ? ethnicity : ETHNICITY.draw(rng));
  const people: Draft[] = [];
  const add = (sex: Sex, targetAge: number, relation: Relation, sn: string, eth = ethnicity) =>
    people.push({ sex, targetAge: Math.max(0, Math.round(targetAge)), relation, surname: sn, ethnicity: eth });

  if (n === 1) {
    if (rng.chance(0.7)) add(rng.chance(0.45) ? 'M' : 'F', rng.int(60, 88), 'head', surname);
    else add(rng.chance(0.85) ? 'M' : 'F', rng.int(30, 59), 'head', surname);
    return people;
  }
  if (n === 2) {
    const r = rng.next();
    if (r < 0.45) {
      const age = rng.int(55, 85);
      add('M', age, 'head', surname);
      add('F', age - rng.int(0, 6), 'spouse', SURNAMES.draw(rng), spouseEth());
    } else if (r < 0.7) {
      const sex: Sex = rng.chance(0.55) ? 'F' : 'M';
      const age = rng.int(35, 60);
      // A widowed mother's children carry their late father's surname.
      const childSurname = sex === 'M' ? surname : SURNAMES.draw(rng);
      add(sex, age, 'head', surname);
      const childSex: Sex = rng.chance(0.5) ? 'M' : 'F';
      add(childSex, age - rng.int(22, 32), childSex === 'M' ? 'son' : 'daughter', childSurname);
    } else if (r < 0.85) {
      const age = rng.int(25, 50);
      add('M', age, 'head', surname);
      if (rng.chance(0.7)) add('F', age + rng.int(22, 32), 'mother', SURNAMES.draw(rng));
      else add('M', age + rng.int(24, 34), 'father', surname);
    } else {
      const age = rng.int(22, 35);
      add('M', age, 'head', surname);
      add('F', age - rng.int(0, 5), 'spouse', SURNAMES.draw(rng), spouseEth());
    }
    return people;
  }

  // Three or more: a couple (or a widowed parent) with children, perhaps grandparents or
  // a married son with his own children.
  const femaleHead = rng.chance(0.12);
  const headAge = Math.round(rng.around(45, 15, n >= 5 ? 34 : 28, 68));
  let childSurname = surname;
  let motherAge: number;
  if (femaleHead) {
    add('F', headAge, 'head', surname);
    childSurname = SURNAMES.draw(rng);
    motherAge = headAge;
  } else {
    add('M', headAge, 'head', surname);
    if (rng.chance(0.92)) {
      motherAge = headAge - rng.int(-1, 6);
      add('F', motherAge, 'spouse', SURNAMES.draw(rng), spouseEth());
    } else {
      motherAge = headAge - rng.int(0, 6); // widower: the children's late mother
    }
  }
  let left = n - people.length;

  if (headAge <= 52 && left >= 2 && rng.chance(0.35)) {
    const fatherAge = headAge + rng.int(24, 32);
    const both = left >= 3 && rng.chance(0.5);
    const father = both || rng.chance(0.4);
    // The head carries the father's surname; the mother keeps her own.
    if (father) add('M', fatherAge, 'father', surname);
    if (both || !father) add('F', fatherAge - rng.int(0, 4), 'mother', SURNAMES.draw(rng));
    left = n - people.length;
  }

  if (headAge >= 50 && left >= 3 && rng.chance(0.6)) {
    const sonAge = Math.max(24, motherAge - rng.int(21, 28));
    add('M', sonAge, 'son', childSurname);
    add('F', sonAge - rng.int(-1, 4), 'daughter_in_law', SURNAMES.draw(rng), spouseEth());
    left -= 2;
    let age = Math.max(0, sonAge - rng.int(22, 28));
    for (; left > 0; left--) {
      const sex: Sex = rng.chance(0.52) ? 'M' : 'F';
      add(sex, Math.max(0, age), sex === 'M' ? 'grandson' : 'granddaughter', childSurname);
      age -= rng.int(1, 4);
    }
    return people;
  }

  // Children spaced 1–4 years apart, the eldest born when the mother was 20–30; when the
  // mother is too young for that many, the spacing shrinks (twins, close siblings).
  let age = Math.min(motherAge - rng.int(20, 30), 40);
  if (age < 0) age = Math.max(0, motherAge - 20);
  const gap = Math.max(0, Math.min(3, Math.floor(age / Math.max(1, left))));
  for (; left > 0; left--) {
    const sex: Sex = rng.chance(0.52) ? 'M' : 'F';
    add(sex, Math.max(0, age), sex === 'M' ? 'son' : 'daughter', childSurname);
    age -= gap > 0 ? rng.int(1, gap + 1) : 0;
  }
  return people;
}

function person(rng: Rng, d: Draft, ids: IdAllocator): DemoPerson {
  const born = birthDateFor(rng, d.targetAge);
  const { idNumber, birthDate } = ids.allocate(born, d.sex);
  const age = ageOn(birthDate, DEMO_AS_OF);
  const birthYear = Number(birthDate.slice(0, 4));

  // Schooling by age: what the registry form asks for each member.
  let education: string;
  let schooling = 'not_in_school';
  if (age < 3) education = 'preschool';
  else if (age <= 5) {
    education = 'preschool';
    if (rng.chance(0.85)) schooling = 'preschool';
  } else if (age <= 11) education = schooling = 'primary';
  else if (age <= 14) education = schooling = 'junior';
  else if (age === 15 && rng.chance(0.5)) education = schooling = 'junior';
  else if (age <= 17) {
    const x = rng.next();
    if (x < 0.62) education = schooling = 'senior';
    else if (x < 0.9) education = schooling = 'vocational';
    else if (age === 15 && x < 0.99) education = schooling = 'senior';
    // Left school after junior secondary; at 15 that is still compulsory age, one of the rare
    // cases the data-quality check and 控辍保学 follow up.
    else education = 'junior';
  } else if (age <= 21 && rng.chance(0.3)) {
    education = 'college';
    schooling = 'higher';
  } else education = adultEducation(rng, birthYear);
  const inSchool = schooling !== 'not_in_school';

  let health = 'healthy';
  const h = rng.next();
  if (age < 16) health = h < 0.95 ? 'healthy' : h < 0.97 ? 'chronic' : h < 0.98 ? 'serious' : 'disabled';
  else if (age < 60) health = h < 0.82 ? 'healthy' : h < 0.91 ? 'chronic' : h < 0.94 ? 'serious' : 'disabled';
  else health = h < 0.52 ? 'healthy' : h < 0.85 ? 'chronic' : h < 0.91 ? 'serious' : 'disabled';
  let disabilityGrade: number | null = null;
  let disabilityCategory: number | null = null;
  if (health === 'disabled') {
    const g = rng.next();
    disabilityGrade = g < 0.1 ? 1 : g < 0.3 ? 2 : g < 0.65 ? 3 : 4;
    disabilityCategory = DISABILITY_CATEGORY.draw(rng);
  }

  let labour: string;
  if (age < 16 || inSchool) labour = 'none';
  else if (age >= 70) labour = 'none';
  else if (health === 'serious' || (disabilityGrade !== null && disabilityGrade <= 2)) labour = 'lost';
  else if (age >= 60) labour = health !== 'disabled' && rng.chance(0.4) ? 'ordinary' : 'none';
  else labour = rng.chance(0.15) ? 'skilled' : 'ordinary';

  let workStatus: string | null = null;
  let workMonths: number | null = null;
  if (age >= 16) {
    workStatus = 'none';
    workMonths = 0;
    if (labour === 'ordinary' || labour === 'skilled') {
      workStatus = age >= 60 && rng.chance(0.6) ? 'none' : WORK.draw(rng);
      if (workStatus !== 'none') workMonths = workStatus === 'outside' || workStatus === 'province' ? rng.int(6, 12) : rng.int(3, 12);
    }
  }

  let civilCapacity: DemoPerson['civilCapacity'] = 'full';
  if (age < 8) civilCapacity = 'none';
  else if (age < 18) civilCapacity = 'limited';
  else if (disabilityGrade === 1 && rng.chance(0.4)) civilCapacity = 'limited';

  return {
    name: d.surname + givenName(rng, d.sex, birthYear),
    sex: d.sex,
    birthDate,
    age,
    idNumber,
    relation: d.relation,
    ethnicity: d.ethnicity,
    education,
    schooling,
    health,
    disabilityGrade,
    labour,
    workStatus,
    workMonths,
    civilCapacity,
    medicalInsurance: rng.chance(0.99),
    pensionInsurance: age >= 16 && !inSchool && rng.chance(0.9),
    phone: null,
    disabilityCategory,
    joinedDate: birthDate, // set by the household once its identification date is known
    joinedReason: 'create',
  };
}

function dateIn(rng: Rng, year: number, lastMonth = 12, firstMonth = 1): string {
  const m = rng.int(firstMonth, lastMonth);
  const d = rng.int(1, 28);
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const yuan = (y: number) => Math.round(y) * 100;
const EXITED_FLOOR_YUAN = 6500;

export type VillageInput = {
  countyCode: string;
  townshipCode: string;
  townshipName: string;
  villageCode: string;
  villageName: string;
  groups: { code: string; name: string }[];
  households: number;
};

/** All registered households of one village, numbered 0001, 0002 … */
export function generateVillage(rng: Rng, v: VillageInput, ids: IdAllocator): DemoHousehold[] {
  const out: DemoHousehold[] = [];
  const villageEthnicity = ETHNICITY.draw(rng);
  for (let i = 1; i <= v.households; i++) {
    const eth = rng.chance(0.7) ? villageEthnicity : ETHNICITY.draw(rng);
    const members = compose(rng, eth).map((d) => person(rng, d, ids));
    const head = members[0];
    const n = members.length;

    // Phones: most heads, about half of the other working-age adults.
    for (const p of members) {
      if (p === head ? rng.chance(0.92) : p.age >= 16 && p.age <= 65 && rng.chance(0.55)) p.phone = mobile(rng);
    }

    const labourers = members.filter((p) => p.labour === 'ordinary' || p.labour === 'skilled').length;
    let status = STATUS.draw(rng);
    let category = 'general';
    if (labourers === 0 && n <= 2 && members.every((p) => p.age >= 60 || p.labour === 'lost')) category = rng.chance(0.45) ? 'tekun' : 'dibao';
    else if (labourers === 0 || members.some((p) => p.health === 'serious')) category = rng.chance(0.45) ? 'dibao' : 'general';
    else if (rng.chance(0.15)) category = 'dibao';

    // Causes: what the members' situation suggests, otherwise the common ones.
    const strong: string[] = [];
    if (members.some((p) => p.health === 'serious' || p.health === 'chronic')) strong.push('illness');
    if (members.some((p) => p.health === 'disabled')) strong.push('disability');
    if (members.some((p) => p.schooling === 'senior' || p.schooling === 'vocational' || p.schooling === 'higher')) strong.push('education');
    if (labourers === 0) strong.push('no_labour');
    const mainCause = strong.length && rng.chance(0.8) ? rng.pick(strong) : GENERAL_CAUSES.draw(rng);
    const secondaryCauses: string[] = [];
    const nSecondary = rng.int(0, 2);
    for (let t = 0; t < 6 && secondaryCauses.length < nSecondary; t++) {
      const c = strong.length && rng.chance(0.5) ? rng.pick(strong) : GENERAL_CAUSES.draw(rng);
      if (c !== mainCause && !secondaryCauses.includes(c)) secondaryCauses.push(c);
    }

    // Income (yuan a year, stored in fen): wages from the months worked, farming, transfers, property.
    let wages = 0;
    for (const p of members) if (p.workStatus && p.workMonths && WAGE[p.workStatus]) wages += rng.int(...WAGE[p.workStatus]) * p.workMonths;
    let business = labourers > 0 && rng.chance(0.65) ? rng.int(1000, 12000) : 0;
    let transfer = 0;
    if (category === 'dibao') transfer += Math.round(227 * 12 * n * (0.5 + rng.next() * 0.5));
    if (category === 'tekun') transfer += 6600 * members.filter((p) => p.labour !== 'ordinary' && p.labour !== 'skilled').length;
    transfer += 1500 * members.filter((p) => p.age >= 60).length; // basic pension
    transfer += 720 * members.filter((p) => p.health === 'disabled').length; // disability living allowance
    transfer += rng.int(100, 800); // ecological and farmland subsidies
    const property = rng.chance(0.4) ? rng.int(100, 2000) : 0;
    // Households still poor or at risk earn accordingly: scale the earned part to a target.
    const target = status === 'identified' ? rng.int(2600, 4200) : status === 'exited' ? 0 : rng.int(4500, 7500);
    if (target > 0) {
      const earned = wages + business;
      const room = Math.max(0, target * n - transfer - property);
      if (earned > room) {
        const f = room / earned;
        wages = Math.floor(wages * f);
        business = Math.floor(business * f);
      }
    } else {
      // An exited household stays clear of the monitoring threshold (6,000 yuan in 2021) by its
      // own work; one that cannot is what monitoring is for.
      const floor = EXITED_FLOOR_YUAN * n - (wages + business + transfer + property);
      if (floor > 0) {
        if (labourers > 0) wages += floor + rng.int(0, 3000) * n;
        else status = 'monitored';
      }
    }
    const parts = { wagesFen: yuan(wages), businessFen: yuan(business), transferFen: yuan(transfer), propertyFen: yuan(property) };
    const netIncomePerCapitaFen = perCapitaFen(parts, n); // the registry's own rounding

    // Status history: identified (建档立卡), then exited, then perhaps monitored or returned.
    const identificationYear = ID_YEAR.draw(rng);
    const identifiedOn = dateIn(rng, identificationYear, 10, 4); // the 2014 drive ran from April to October
    const history: StatusChange[] = [{ from: null, to: 'identified', on: identifiedOn, reason: '建档立卡识别' }];
    if (status !== 'identified') {
      history.push({ from: 'identified', to: 'exited', on: dateIn(rng, rng.int(Math.max(identificationYear + 1, 2016), 2020), 12, 10), reason: '脱贫退出' });
      if (status === 'monitored') history.push({ from: 'exited', to: 'monitored', on: dateIn(rng, rng.int(2021, 2025)), reason: '纳入防止返贫监测' });
      if (status === 'returned') history.push({ from: 'exited', to: 'returned', on: dateIn(rng, rng.int(2021, 2025)), reason: '返贫' });
    }
    const statusSince = history[history.length - 1].on;
    for (const p of members) {
      if (p.birthDate > identifiedOn) p.joinedReason = 'birth';
      else p.joinedDate = identifiedOn;
    }

    // Exit requires safe housing (两不愁三保障): only households still poor live in C/D houses.
    const housingSafety = status === 'identified' ? HOUSING_POOR.draw(rng) : rng.chance(0.55) ? 'A' : 'B';
    const bank = rng.chance(0.95) ? rng.pick(BANKS) : null;
    const group = v.groups[Math.min(v.groups.length - 1, Math.floor(((i - 1) * v.groups.length) / v.households))];
    const phone = members.find((p) => p.phone)?.phone ?? null;

    out.push({
      householdNo: v.villageCode + String(i).padStart(4, '0'),
      areaCode: group.code,
      townshipCode: v.townshipCode,
      villageCode: v.villageCode,
      address: `${v.townshipName}${v.villageName}${group.name}${rng.int(1, 120)}号`,
      phone,
      bankName: bank?.name ?? null,
      bankAccount: bank ? bankAccount(rng, bank.bin) : null,
      category,
      identificationStandard: rng.chance(0.9) ? 'national' : 'provincial',
      identificationYear,
      mainCause,
      secondaryCauses,
      housingSafety,
      waterSafe: status === 'exited' ? true : rng.chance(0.9),
      electricity: rng.chance(0.997),
      incomeWagesFen: parts.wagesFen,
      incomeBusinessFen: parts.businessFen,
      incomeTransferFen: parts.transferFen,
      incomePropertyFen: parts.propertyFen,
      netIncomePerCapitaFen,
      incomeYear: DEMO_INCOME_YEAR,
      foodClothingSecured: status === 'exited' || rng.chance(0.95),
      educationSecured: status === 'exited' || rng.chance(0.95),
      medicalSecured: status === 'exited' || members.every((p) => p.medicalInsurance),
      status,
      statusSince,
      history,
      prefFamilyPlanning: n <= 4 && head.age >= 30 && rng.chance(0.08),
      prefVeteran: head.sex === 'M' && head.age >= 35 && rng.chance(0.03),
      members,
    });
  }
  return out;
}
