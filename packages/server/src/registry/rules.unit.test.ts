import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '@fupin/shared';
import {
  ageChecks,
  checkAgainstId,
  checkPerCapita,
  excelSerialToDate,
  exitEligibility,
  matchDict,
  netIncomeFen,
  neutraliseFormula,
  normaliseCellText,
  normaliseHeader,
  parseIdentityDocument,
  parseImportId,
  parseLooseDate,
  parseMonths,
  parseSex,
  parseYesNo,
  perCapitaFen,
  pickLine,
  householdIssues,
  type ExitInput,
  type HouseholdFacts,
  type MemberFacts,
  type PersonFacts,
} from './rules';

const TODAY = '2026-06-15';

describe('income arithmetic', () => {
  const parts = { wagesFen: 1_000_000, businessFen: 250_000, transferFen: 50_000, propertyFen: 1 };
  it('sums the four kinds and divides by the counted members, rounding half up to the fen', () => {
    expect(netIncomeFen(parts)).toBe(1_300_001);
    expect(perCapitaFen(parts, 3)).toBe(433_334); // 433333.67
    expect(perCapitaFen({ wagesFen: 5, businessFen: 0, transferFen: 0, propertyFen: 0 }, 2)).toBe(3); // 2.5 → 3
    expect(perCapitaFen({ wagesFen: 7, businessFen: 0, transferFen: 0, propertyFen: 0 }, 4)).toBe(2); // 1.75 → 2
    expect(perCapitaFen({ wagesFen: 9, businessFen: 0, transferFen: 0, propertyFen: 0 }, 4)).toBe(2); // 2.25 → 2
  });
  it('rounds a net loss symmetrically and gives 0 for a household with nobody counted', () => {
    expect(perCapitaFen({ wagesFen: 0, businessFen: -5, transferFen: 0, propertyFen: 0 }, 2)).toBe(-3);
    expect(perCapitaFen(parts, 0)).toBe(0);
  });
  it('accepts an entered per-capita figure within one yuan of the computed one and explains a wrong one', () => {
    expect(checkPerCapita(433_334, parts, 3)).toBeNull();
    expect(checkPerCapita(433_300, parts, 3)).toBeNull();
    const why = checkPerCapita(650_000, parts, 3);
    expect(why).toMatch(/6500\.00 元/);
    expect(why).toMatch(/÷ 3 人 = 4333\.34 元/);
  });
});

describe('exit rule', () => {
  const ok: ExitInput = {
    incomeYear: 2020,
    perCapitaFen: 450_000,
    memberCount: 3,
    lineFen: 400_000,
    foodClothingSecured: true,
    educationSecured: true,
    medicalSecured: true,
    housingSafety: 'B',
    waterSafe: true,
  };
  it('passes a household above the line with every need secured', () => {
    const v = exitEligibility(ok);
    expect(v.eligible).toBe(true);
    expect(v.summary).toBe('符合脱贫退出标准');
    expect(v.criteria.find((c) => c.code === 'income')!.message).toBe('2020 年人均纯收入 4,500.00 元，高于当年贫困线 4,000.00 元');
  });
  it('refuses income equal to the line (it must be above) and says so in Chinese', () => {
    const v = exitEligibility({ ...ok, perCapitaFen: 400_000 });
    expect(v.eligible).toBe(false);
    expect(v.summary).toMatch(/未超过当年贫困线 4,000\.00 元/);
  });
  it('names every unmet need: a C-level house, unknown water, education not secured', () => {
    const v = exitEligibility({ ...ok, housingSafety: 'C', waterSafe: null, educationSecured: false });
    expect(v.eligible).toBe(false);
    const failed = v.criteria.filter((c) => !c.ok).map((c) => c.code);
    expect(failed).toEqual(['education', 'housing', 'water']);
    expect(v.summary).toMatch(/C 级/);
    expect(v.summary).toMatch(/饮水安全有保障：未填写/);
    expect(v.summary).toMatch(/义务教育有保障：未保障/);
  });
  it('cannot judge without an income year, without a line for that year, or without members', () => {
    expect(exitEligibility({ ...ok, incomeYear: null }).summary).toMatch(/未填写收入年度/);
    expect(exitEligibility({ ...ok, lineFen: null }).summary).toMatch(/未设置 2020 年的贫困线/);
    expect(exitEligibility({ ...ok, memberCount: 0 }).summary).toMatch(/没有在册人口/);
  });
  it("picks the province's own line, else the national default, else none", () => {
    const rows = [
      { province_code: '000000', year: 2020, line_fen: 400_000 },
      { province_code: '340000', year: 2020, line_fen: 420_000 },
    ];
    expect(pickLine(rows, '340000', 2020)).toBe(420_000);
    expect(pickLine(rows, '450000', 2020)).toBe(400_000);
    expect(pickLine(rows, '340000', 2019)).toBeNull();
  });
  it("prefers the county's own line over its province's and the national one", () => {
    const rows = [
      { province_code: '000000', year: 2025, line_fen: 600_000 },
      { province_code: '340000', year: 2025, line_fen: 700_000 },
      { province_code: '341202', year: 2025, line_fen: 750_000 },
    ];
    expect(pickLine(rows, '340000', 2025, '341202')).toBe(750_000);
    expect(pickLine(rows, '340000', 2025, '341321')).toBe(700_000);
    expect(pickLine(rows, '450000', 2025, '451226')).toBe(600_000);
  });
});

describe('identity documents', () => {
  it('accepts the known valid ID and derives birth date and sex from it', () => {
    const p = parseIdentityDocument('11010519491231002X', 'resident', TODAY);
    expect(p).toMatchObject({ ok: true, residentId: '11010519491231002X', birthDate: '1949-12-31', sex: 'F' });
  });
  it('refuses a wrong check digit, naming the right one', () => {
    const p = parseIdentityDocument('110105194912310021', 'resident', TODAY);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.reason).toMatch(/校验位错误，应为 X/);
  });
  it('reads a disability-certificate number as the ID plus category and grade', () => {
    const id = makeIdNumber('341122', '1980-05-06', 123);
    const p = parseIdentityDocument(`${id}42`, 'disability_cert', TODAY);
    expect(p).toMatchObject({ ok: true, residentId: id, disabilityCategory: 4, disabilityGrade: 2, sex: 'M' });
    const bad = parseIdentityDocument(`${id}45`, 'disability_cert', TODAY);
    expect(!bad.ok && bad.reason).toMatch(/残疾等级/);
    expect(parseIdentityDocument(id, 'disability_cert', TODAY).ok).toBe(false);
  });
  it('reports sex and birth date that disagree with the ID', () => {
    const doc = { birthDate: '1949-12-31', sex: 'F' as const };
    expect(checkAgainstId(doc, { sex: 'F', birthDate: '1949-12-31' })).toEqual([]);
    const out = checkAgainstId(doc, { sex: 'M', birthDate: '1950-01-01' });
    expect(out[0]).toMatch(/性别与身份证号码不符.*女.*男/);
    expect(out[1]).toMatch(/出生日期与身份证号码不符：身份证号码表明为 1949-12-31/);
  });
  it('refuses an ID stored by Excel as a number instead of guessing the lost digits', () => {
    const p = parseImportId(341122199001011234, 'resident', TODAY);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.code).toBe('scientific');
    expect(!p.ok && p.reason).toMatch(/3\.41E\+17/);
    const text = parseImportId('3.41122E+17', 'resident', TODAY);
    expect(!text.ok && text.code).toBe('scientific');
  });
  it('accepts full-width digits, spaces and a lower-case x in an ID cell', () => {
    const p = parseImportId('１１０１０５ 19491231 002x', 'resident', TODAY);
    expect(p).toMatchObject({ ok: true, residentId: '11010519491231002X' });
  });
});

describe('age checks', () => {
  const base: MemberFacts = {
    name: '张三',
    relation: 'son',
    birthDate: '2010-01-01',
    schooling: 'junior',
    labour: 'none',
    workStatus: 'none',
    workMonths: 0,
    health: 'healthy',
    disabilityGrade: null,
  };
  const head = '1980-01-01';
  it('finds nothing wrong in an ordinary 16-year-old son at junior school', () => {
    expect(ageChecks(base, head, TODAY)).toEqual([]);
  });
  it('flags a 3-year-old in work and an under-16 ordinary labourer', () => {
    const kid = { ...base, birthDate: '2023-01-01', schooling: 'preschool', labour: 'ordinary', workStatus: 'outside', workMonths: 6 };
    const rules = ageChecks(kid, head, TODAY);
    expect(rules.map((r) => r.rule)).toEqual(['age_labour', 'age_labour']);
    expect(rules[0].message).toMatch(/3 岁，未满 16 周岁，不应登记为普通劳动力/);
    expect(rules[1].message).toMatch(/却登记有务工/);
  });
  it('flags a 70-year-old in primary school', () => {
    const old = { ...base, relation: 'father', birthDate: '1955-03-01', schooling: 'primary', labour: 'lost' };
    const r = ageChecks(old, head, TODAY);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ rule: 'age_schooling', severity: 'error' });
    expect(r[0].message).toMatch(/71 岁，在校生状况为“小学”/);
  });
  it('flags generations the wrong way round: a son older than the head, a father 5 years older', () => {
    expect(ageChecks({ ...base, birthDate: '1975-01-01', schooling: 'not_in_school', labour: 'ordinary' }, head, TODAY)[0].message).toMatch(
      /之子，但比户主大 5 岁/,
    );
    expect(ageChecks({ ...base, relation: 'father', birthDate: '1975-01-01', schooling: 'not_in_school', labour: 'ordinary' }, head, TODAY)[0].message).toMatch(
      /之父，但只比户主大 5 岁/,
    );
    // the daughter's children and the mother's parents are two generations away, as the son's are
    expect(ageChecks({ ...base, relation: 'grandson_by_daughter', birthDate: '1990-01-01', schooling: 'not_in_school', labour: 'ordinary' }, head, TODAY)[0].message).toMatch(
      /之外孙子，但只比户主小 10 岁/,
    );
    expect(ageChecks({ ...base, relation: 'maternal_grandmother', birthDate: '1960-01-01', schooling: 'not_in_school', labour: 'ordinary' }, head, TODAY)[0].message).toMatch(
      /之外祖母，但只比户主大 20 岁/,
    );
  });
  it('flags a child spouse as an error and a child head as a warning', () => {
    expect(ageChecks({ ...base, relation: 'spouse', birthDate: '2012-01-01', schooling: 'junior' }, head, TODAY)[0]).toMatchObject({
      rule: 'age_relation',
      severity: 'error',
    });
    expect(ageChecks({ ...base, relation: 'head', birthDate: '2012-01-01', schooling: 'junior' }, null, TODAY)[0]).toMatchObject({
      rule: 'age_relation',
      severity: 'warning',
    });
  });
  it('warns about a school-age child out of school (控辍保学) and about months worked while not working', () => {
    expect(ageChecks({ ...base, birthDate: '2015-01-01', schooling: 'not_in_school' }, head, TODAY)[0]).toMatchObject({ rule: 'age_schooling', severity: 'warning' });
    expect(ageChecks({ ...base, birthDate: '1990-01-01', relation: 'spouse', schooling: 'not_in_school', labour: 'ordinary', workMonths: 3 }, head, TODAY)[0].message).toMatch(
      /未务工，务工时间却为 3 个月/,
    );
  });
});

describe('messy import cells', () => {
  it('reads dates written as 2019.03.05, 2019/3/5, 2019年3月5日, 20190305, full-width digits and Excel serials', () => {
    for (const v of ['2019.03.05', '2019/3/5', '2019-3-5', '2019年3月5日', '20190305', '２０１９．０３．０５', ' 2019/03/05 ', 43529, '43529', 20190305])
      expect(parseLooseDate(v), String(v)).toEqual({ ok: true, date: '2019-03-05' });
    expect(parseLooseDate(new Date(Date.UTC(2019, 2, 5)))).toEqual({ ok: true, date: '2019-03-05' });
  });
  it('refuses impossible and ambiguous dates', () => {
    expect(parseLooseDate('2019.02.30').ok).toBe(false);
    expect(parseLooseDate('05/03/2019').ok).toBe(false);
    expect(parseLooseDate('19.3.5').ok).toBe(false);
    expect(parseLooseDate('').ok).toBe(false);
  });
  it('handles the edges of Excel serial numbers, including the phantom 1900-02-29', () => {
    expect(excelSerialToDate(1)).toEqual({ ok: true, date: '1900-01-01' });
    expect(excelSerialToDate(59)).toEqual({ ok: true, date: '1900-02-28' });
    expect(excelSerialToDate(60).ok).toBe(false);
    expect(excelSerialToDate(61)).toEqual({ ok: true, date: '1900-03-01' });
    expect(excelSerialToDate(45292)).toEqual({ ok: true, date: '2024-01-01' });
  });
  it('matches dictionary cells by label, code or a common alias, and nothing else', () => {
    const rel = [
      { code: 'head', label: '户主' },
      { code: 'son', label: '之子' },
      { code: 'spouse', label: '配偶' },
    ];
    expect(matchDict('relation', rel, '之子')).toBe('son');
    expect(matchDict('relation', rel, '子')).toBe('son');
    expect(matchDict('relation', rel, '儿子')).toBe('son');
    expect(matchDict('relation', rel, 'spouse')).toBe('spouse');
    expect(matchDict('relation', rel, '妻子')).toBe('spouse');
    expect(matchDict('relation', rel, '邻居')).toBeNull();
    const housing = [{ code: 'B', label: 'B级（基本安全）' }];
    expect(matchDict('housing_safety', housing, 'B级（基本安全）')).toBe('B');
    expect(matchDict('housing_safety', housing, 'B级(基本安全)')).toBe('B');
    expect(matchDict('housing_safety', housing, 'B级')).toBe('B');
    expect(matchDict('relation', [{ code: 'son', label: '之子', enabled: false }], '之子')).toBeNull();
  });
  it('matches 在校生状况 written by grade and 务工状况 written with 乡（镇）, as the national register exports them', () => {
    const schooling = ['not_in_school', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'higher'].map((code) => ({ code, label: `label-${code}` }));
    const cases: [string, string | null][] = [
      ['非在校生', 'not_in_school'], ['辍学', 'not_in_school'], ['学前班', 'preschool'], ['小学三年级', 'primary'], ['六年级', 'primary'],
      ['七年级', 'junior'], ['初二', 'junior'], ['高中一年级', 'senior'], ['中职二年级', 'vocational'], ['高职高专三年级', 'higher'], ['本科', 'higher'],
      ['十年级', null], ['年级', null],
    ];
    for (const [v, code] of cases) expect(matchDict('schooling', schooling, v), v).toBe(code);
    const work = ['none', 'local', 'county', 'province', 'outside', 'public_post'].map((code) => ({ code, label: `label-${code}` }));
    for (const [v, code] of [['乡（镇）内务工', 'local'], ['乡(镇)外县内务工', 'county'], ['县外省内务工', 'province'], ['省外务工', 'outside'], ['公益性岗位', 'public_post'], ['未务工', 'none']])
      expect(matchDict('work_status', work, v), v).toBe(code);
    expect(matchDict('work_status', work, '国外务工')).toBeNull();
  });
  it('matches the values township rosters write for 文化程度, 致贫原因, 劳动技能 and 与户主关系', () => {
    const education = [
      { code: 'illiterate', label: '文盲或半文盲' },
      { code: 'vocational', label: '中专/职高' },
      { code: 'college', label: '大专及以上' },
      { code: 'preschool', label: '学龄前' },
    ];
    for (const [v, code] of [['文盲', 'illiterate'], ['半文盲', 'illiterate'], ['中专', 'vocational'], ['职高', 'vocational'], ['大专', 'college'], ['本科', 'college'], ['学前', 'preschool']])
      expect(matchDict('education', education, v), v).toBe(code);
    const causes = [
      { code: 'illness', label: '因病' },
      { code: 'no_labour', label: '缺劳力' },
      { code: 'other', label: '其它' },
    ];
    expect(matchDict('poverty_cause', causes, '因病致贫')).toBe('illness');
    expect(matchDict('poverty_cause', causes, '缺劳动力')).toBe('no_labour');
    expect(matchDict('poverty_cause', causes, '其他')).toBe('other');
    expect(matchDict('poverty_cause', causes, '因懒')).toBeNull();
    const labour = [
      { code: 'ordinary', label: '普通劳动力' },
      { code: 'none', label: '无劳动力' },
    ];
    expect(matchDict('labour', labour, '弱劳动力或半劳动力')).toBe('ordinary');
    expect(matchDict('labour', labour, '无劳动能力')).toBe('none');
    const rel = [
      { code: 'son', label: '之子' },
      { code: 'daughter_in_law', label: '之儿媳' },
    ];
    expect(matchDict('relation', rel, '三子')).toBe('son');
    expect(matchDict('relation', rel, '儿媳妇')).toBe('daughter_in_law');
    // an alias whose code the dictionary has disabled or lacks is no match
    expect(matchDict('education', [{ code: 'illiterate', label: '文盲或半文盲', enabled: false }], '文盲')).toBeNull();
  });
  it('reads a date cell saved to CSV with a midnight time, and 男性/女性', () => {
    expect(parseLooseDate('2019/3/5 0:00')).toEqual({ ok: true, date: '2019-03-05' });
    expect(parseLooseDate('2019-03-05 00:00:00')).toEqual({ ok: true, date: '2019-03-05' });
    expect(parseLooseDate('2019-03-05 12:30').ok).toBe(false);
    expect(parseSex('男性')).toBe('M');
    expect(parseSex('女性')).toBe('F');
  });
  it('normalises header cells: spaces, required marks, units and full-width brackets', () => {
    expect(normaliseHeader(' 工资性收入（元） ')).toBe('工资性收入');
    expect(normaliseHeader('*身份证号')).toBe('身份证号');
    expect(normaliseHeader('与户主\n关系')).toBe('与户主关系');
  });
  it('reads yes/no, sex and months cells', () => {
    expect(parseYesNo('是')).toEqual({ ok: true, value: true });
    expect(parseYesNo('否')).toEqual({ ok: true, value: false });
    expect(parseYesNo('')).toEqual({ ok: true, value: null });
    expect(parseYesNo('也许').ok).toBe(false);
    expect(parseSex('女')).toBe('F');
    expect(parseSex('x')).toBe('bad');
    expect(parseMonths('６个月')).toEqual({ ok: true, value: 6 });
    expect(parseMonths(13).ok).toBe(false);
  });
  it('neutralises cells that a spreadsheet would run as formulas', () => {
    expect(neutraliseFormula('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`);
    expect(neutraliseFormula('+86 138')).toBe(`'+86 138`);
    expect(neutraliseFormula('-1')).toBe(`'-1`);
    expect(neutraliseFormula('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(neutraliseFormula('张三')).toBe('张三');
  });
});

describe('household data-quality rules', () => {
  const headId = makeIdNumber('341122', '1970-04-01', 11);
  const wifeId = makeIdNumber('341122', '1972-08-09', 22);
  const person = (over: Partial<PersonFacts>): PersonFacts => ({
    id: 1,
    name: '李大',
    relation: 'head',
    birthDate: '1970-04-01',
    sex: 'M',
    idKind: 'resident',
    idNumber: headId,
    status: 'active',
    ethnicity: 'han',
    education: 'primary',
    schooling: 'not_in_school',
    health: 'healthy',
    disabilityGrade: null,
    labour: 'ordinary',
    workStatus: 'local',
    workMonths: 6,
    ...over,
  });
  const h = (over: Partial<HouseholdFacts> = {}): HouseholdFacts => ({
    status: 'identified',
    address: '一组 5 号',
    category: 'general',
    mainCause: 'illness',
    identificationYear: 2016,
    housingSafety: 'A',
    waterSafe: true,
    incomeYear: 2025,
    memberCount: 2,
    headPersonId: 1,
    income: { wagesFen: 1_000_000, businessFen: 0, transferFen: 0, propertyFen: 0 },
    netIncomePerCapitaFen: 500_000,
    ...over,
  });
  const wife = person({ id: 2, name: '王二', relation: 'spouse', birthDate: '1972-08-09', sex: 'F', idNumber: wifeId, workStatus: 'none', workMonths: 0 });

  it('finds nothing in a clean household', () => {
    expect(householdIssues(h(), [person({}), wife], TODAY)).toEqual([]);
  });
  it('finds a household without a head and one with two', () => {
    expect(householdIssues(h({ headPersonId: null }), [person({ relation: 'spouse' }), wife], TODAY).map((i) => i.rule)).toContain('head_missing');
    const two = householdIssues(h(), [person({}), { ...wife, relation: 'head' }], TODAY);
    expect(two.find((i) => i.rule === 'head_multiple')!.message).toMatch(/2 名户主：李大、王二/);
  });
  it('finds a bad check digit and a sex that disagrees with the ID', () => {
    const bad = headId.slice(0, 17) + (headId[17] === '0' ? '1' : '0');
    const r = householdIssues(h(), [person({ idNumber: bad }), { ...wife, sex: 'M' }], TODAY);
    expect(r.map((i) => i.rule)).toEqual(['id_checksum', 'id_birth_sex']);
    expect(r[1].personId).toBe(2);
  });
  it('finds a deceased member still counted and a dead head', () => {
    const r = householdIssues(h(), [person({ status: 'deceased' }), wife], TODAY);
    expect(r.map((i) => i.rule)).toEqual(expect.arrayContaining(['deceased_counted', 'head_missing']));
    expect(r.find((i) => i.rule === 'deceased_counted')!.message).toMatch(/在册成员只有 1 人，已故成员（李大）仍被计入/);
    expect(r.filter((i) => i.rule === 'deceased_counted')).toHaveLength(2);
  });
  it('finds per-capita income that does not follow from the parts', () => {
    const r = householdIssues(h({ netIncomePerCapitaFen: 800_000 }), [person({}), wife], TODAY);
    expect(r.map((i) => i.rule)).toEqual(['income_arithmetic']);
  });
  it('finds missing required fields on the household and on members, but not on a cancelled household', () => {
    const r = householdIssues(h({ address: null, waterSafe: null }), [person({ ethnicity: null, health: 'disabled' }), wife], TODAY);
    expect(r.map((i) => i.message)).toEqual(['李大：未填写民族、残疾等级', '户信息未填写家庭住址、饮水安全']);
    expect(householdIssues(h({ status: 'cancelled', address: null }), [person({}), wife], TODAY)).toEqual([]);
  });
});

describe('normaliseCellText', () => {
  it('maps full-width forms and odd spaces, collapses and trims whitespace, and leaves plain text as it is', () => {
    const cases: [string, string][] = [
      ['黄大山', '黄大山'],
      ['第一组 8 号', '第一组 8 号'],
      ['', ''],
      ['  黄 大山 ', '黄 大山'],
      ['黄\u3000大山', '黄 大山'],
      ['a  b', 'a b'],
      ['a\tb\nc', 'a b c'],
      ['１２３ＡＢ', '123AB'],
      ['\uFEFF姓名\u200B', '姓名'],
      ['12\u00A0000', '12 000'],
      [' ', ''],
    ];
    for (const [input, out] of cases) expect([input, normaliseCellText(input)]).toEqual([input, out]);
  });
});
