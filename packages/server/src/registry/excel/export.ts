import { ageOn, maskIdNumber, maskPhone } from '@fupin/shared';
import type { FastifyReply } from 'fastify';
import { writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import { can, type Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { dictLabels, labelOf, REGISTRY_DICT_TYPES, today } from '../common';
import { householdRepo, type HouseholdRow } from '../households/repository';
import type { HouseholdFilters } from '../households/schemas';
import { SEX_LABELS, STATUS_LABELS, type HouseholdStatus } from '../rules';
import { HOUSEHOLD_FIELDS, MEMBER_FIELDS } from './columns';
import { sendWorkbook, workbookBuffer, type Column } from './xlsx';

const yn = (v: boolean | null) => (v == null ? '' : v ? '是' : '否');

/**
 * 花名册: the filtered list as .xlsx, streamed page by page. IDs and phones are masked unless the
 * caller asks for them and holds registry:person:reveal — and every export is in the operation log.
 */
export async function exportRoster(db: Db, ctx: Ctx, reply: FastifyReply, f: HouseholdFilters, opts: { kind: 'households' | 'members'; reveal: boolean }, log?: { error: (o: object, m: string) => void }) {
  if (opts.reveal && !can(ctx, 'registry:person:reveal')) throw errors.forbidden('registry:person:reveal');
  const labels = await dictLabels(db);
  const id = (v: string | null) => (v == null ? '' : opts.reveal ? v : maskIdNumber(v));
  const phone = (v: string | null) => (v == null ? '' : opts.reveal ? v : maskPhone(v));
  await db.transaction().execute((tx) =>
    writeAudit(tx, ctx, {
      module: 'registry',
      action: opts.reveal ? 'export-reveal' : 'export',
      entity: 'household',
      areaCode: f.villageCode ?? f.townshipCode ?? ctx.user.areaCode,
      summary: `导出${opts.kind === 'members' ? '家庭成员花名册' : '农户花名册'}${opts.reveal ? '（含完整身份证号码和电话）' : '（身份证号码已脱敏）'}，筛选条件：${JSON.stringify(f)}`,
      after: { filters: f, kind: opts.kind, reveal: opts.reveal },
    }),
  );
  const title = `${opts.kind === 'members' ? '家庭成员花名册' : '农户花名册'}（${today()}）`;
  const hhCols: Column[] = [
    { header: '户编号', key: 'no', width: 20 },
    { header: '乡镇', key: 'township' },
    { header: '村', key: 'village' },
    { header: '组', key: 'group' },
  ];
  return sendWorkbook(
    reply,
    `${title}.xlsx`,
    async (sheet) => {
      const day = today();
      const s =
        opts.kind === 'households'
          ? sheet(
              '农户花名册',
              [
                ...hhCols,
                { header: '户主', key: 'head' },
                { header: '户主身份证号', key: 'headId', width: 22 },
                { header: '家庭人口', key: 'n' },
                { header: '贫困户属性', key: 'category', width: 16 },
                { header: '主要致贫原因', key: 'cause', width: 14 },
                { header: '状态', key: 'status' },
                { header: '识别年度', key: 'year' },
                { header: '人均纯收入（元）', key: 'income', width: 16, numFmt: '#,##0.00' },
                { header: '联系电话', key: 'phone', width: 16 },
                { header: '家庭住址', key: 'address', width: 30 },
                { header: '数据质量问题', key: 'issues' },
              ],
              { title },
            )
          : sheet(
              '家庭成员花名册',
              [
                ...hhCols,
                { header: '户主', key: 'head' },
                { header: '姓名', key: 'name' },
                { header: '性别', key: 'sex', width: 6 },
                { header: '身份证号', key: 'id', width: 22 },
                // A masked ID keeps its first and last four digits; beside the full birth date and
                // the village's county code it would give the whole number back. The masked
                // roster, the one that leaves the office, has the age only.
                ...(opts.reveal ? [{ header: '出生日期', key: 'birth', width: 12 }] : []),
                { header: '年龄', key: 'age', width: 6 },
                { header: '与户主关系', key: 'relation' },
                { header: '民族', key: 'ethnicity' },
                { header: '文化程度', key: 'education' },
                { header: '在校生状况', key: 'schooling', width: 14 },
                { header: '健康状况', key: 'health' },
                { header: '残疾等级', key: 'grade' },
                { header: '劳动技能', key: 'labour' },
                { header: '务工状况', key: 'work', width: 14 },
                { header: '务工月数', key: 'months' },
                { header: '医疗保险', key: 'med' },
                { header: '养老保险', key: 'pension' },
                { header: '电话', key: 'phone', width: 16 },
              ],
              { title },
            );
      if (f.idNumber) (f as HouseholdFilters & { idHousehold?: unknown }).idHousehold = await householdRepo.householdOfId(db, f.idNumber);
      let after: { county: string; no: string } | null = null;
      for (;;) {
        const page: HouseholdRow[] = await householdRepo.exportPage(db, ctx.scope, f, after, 1000);
        if (!page.length) break;
        after = { county: page[page.length - 1].county_code, no: page[page.length - 1].household_no };
        const base = (h: HouseholdRow) => ({ no: h.household_no, township: h.township_name, village: h.village_name, group: h.group_name, head: h.head_name });
        if (opts.kind === 'households') {
          for (const h of page)
            s.addObject({
              ...base(h),
              headId: id(h.head_id_number),
              n: h.member_count,
              category: labelOf(labels, 'household_category', h.category),
              cause: labelOf(labels, 'poverty_cause', h.main_cause),
              status: STATUS_LABELS[h.status as HouseholdStatus] ?? h.status,
              year: h.identification_year,
              // yuan as a number (fen are exact in a double up to 2^53), not text: Excel sums it
              income: h.net_income_per_capita_fen === null ? null : h.net_income_per_capita_fen / 100,
              phone: phone(h.phone),
              address: h.address,
              issues: h.quality_issue_count,
            });
        } else {
          const byCounty = new Map<string, number[]>();
          for (const h of page) byCounty.set(h.county_code, [...(byCounty.get(h.county_code) ?? []), h.id]);
          const people = [];
          for (const [county, ids] of byCounty) people.push(...(await householdRepo.exportMembers(db, county, ids)));
          const byHousehold = new Map<number, typeof people>();
          for (const p of people) byHousehold.set(p.household_id, [...(byHousehold.get(p.household_id) ?? []), p]);
          for (const h of page)
            for (const p of (byHousehold.get(h.id) ?? []).sort((a, b) => (a.relation === 'head' ? -1 : b.relation === 'head' ? 1 : 0)))
              s.addObject({
                ...base(h),
                name: p.name,
                sex: SEX_LABELS[p.sex],
                id: id(p.id_number),
                birth: p.birth_date,
                age: p.birth_date <= day ? ageOn(p.birth_date, day) : 0,
                relation: labelOf(labels, 'relation', p.relation),
                ethnicity: labelOf(labels, 'ethnicity', p.ethnicity),
                education: labelOf(labels, 'education', p.education),
                schooling: labelOf(labels, 'schooling', p.schooling),
                health: labelOf(labels, 'health', p.health),
                grade: p.disability_grade,
                labour: labelOf(labels, 'labour', p.labour),
                work: labelOf(labels, 'work_status', p.work_status),
                months: p.work_months,
                med: yn(p.medical_insurance),
                pension: yn(p.pension_insurance),
                phone: phone(p.phone),
              });
        }
      }
    },
    log,
  );
}

const DICT_TITLES: Record<string, string> = {
  household_category: '贫困户属性',
  identification_standard: '识别标准',
  poverty_cause: '致贫原因',
  housing_safety: '住房安全等级',
  relation: '与户主关系',
  ethnicity: '民族',
  education: '文化程度',
  schooling: '在校生状况',
  health: '健康状况',
  labour: '劳动技能',
  work_status: '务工状况',
};

/** The import template: instructions, a households sheet, a members sheet and the dictionary values. */
export async function importTemplate(db: Db): Promise<Buffer> {
  const dicts = await db.selectFrom('dict_item').select(['type_code', 'label']).where('type_code', 'in', [...REGISTRY_DICT_TYPES]).where('enabled', '=', true).orderBy('type_code').orderBy('sort').execute();
  const byType = new Map<string, string[]>();
  for (const d of dicts) byType.set(d.type_code, [...(byType.get(d.type_code) ?? []), d.label]);
  return workbookBuffer((wb) => {
    const help = wb.addWorksheet('填写说明');
    help.getColumn(1).width = 120;
    [
      '农户档案导入模板（建档立卡）',
      '',
      '1. “户信息”每行一户，“成员信息”每行一人，两表以“户主身份证号”对应；户主本人也要在“成员信息”中登记一行（与户主关系填“户主”）。',
      '2. 身份证号、银行账号、电话所在列已设为“文本”格式，请勿改成数值：Excel 会把 18 位号码变成 3.41E+17 并丢失末尾数字，这样的行会被拒绝。',
      '3. 所在村：填写“区划代码”（12 位村代码或 15 位组代码），或填写“乡镇”“行政村”“村民组”名称。',
      '4. 有下拉选项的列请按“字典取值”表填写（也接受字典代码和常见写法，如“儿子”“妻子”）。',
      '5. 日期可写 2019-03-05、2019.03.05、2019/3/5、2019年3月5日或 Excel 日期；金额以元为单位，最多两位小数。',
      '6. 出生日期、性别可不填（由身份证号推出）；填写时须与身份证号一致。',
      '7. 同一户的所有行都通过才会导入；有错的户整户不导入，错误原因写在“错误行”文件中，改正后可重新导入整个文件。',
      '8. 重复导入同一文件不会重复建档：按户主身份证号找到已有的户，只更新有变化的内容。',
      '9. 也可导入单张表（每行一人、同户的户信息列写在同一行或户主行），以及 CSV 文件（UTF-8 或 GBK 编码）。',
    ].forEach((t, i) => {
      const r = help.addRow([t]);
      if (i === 0) r.font = { bold: true, size: 14 };
    });

    const dictTypes = Object.keys(DICT_TITLES);
    const letter = (i: number) => String.fromCharCode(65 + i);
    const rangeOf = new Map(dictTypes.map((t, i) => [t, `字典取值!$${letter(i)}$2:$${letter(i)}$${(byType.get(t) ?? []).length + 1}`]));
    const yesNo = ['是', '否'];

    const sheet = (name: string, fields: typeof HOUSEHOLD_FIELDS) => {
      const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      fields = fields.filter((f) => f.template !== false);
      ws.columns = fields.map((f) => ({ header: f.required ? `*${f.header}` : f.header, key: f.key, width: Math.max(12, f.header.length * 2 + 4) }));
      ws.getRow(1).font = { bold: true };
      fields.forEach((f, i) => {
        const col = ws.getColumn(i + 1);
        if (['id', 'phone', 'account', 'code'].includes(f.kind)) col.numFmt = '@';
        if (f.note) ws.getCell(1, i + 1).note = f.note;
        const list = f.dict && rangeOf.has(f.dict) ? [rangeOf.get(f.dict)!] : f.kind === 'yesno' ? [`"${yesNo.join(',')}"`] : f.kind === 'sex' ? ['"男,女"'] : null;
        if (list)
          (ws as unknown as { dataValidations: { add: (range: string, v: object) => void } }).dataValidations.add(`${col.letter}2:${col.letter}5000`, {
            type: 'list',
            allowBlank: true,
            formulae: list,
            showErrorMessage: f.kind !== 'dict' || f.dict !== 'relation',
            errorTitle: '取值不在列表中',
            error: `请从下拉列表中选择${f.header}`,
          });
      });
    };
    sheet('户信息', HOUSEHOLD_FIELDS);
    sheet('成员信息', MEMBER_FIELDS);
    const dictSheet = wb.addWorksheet('字典取值');
    dictTypes.forEach((t, i) => {
      const col = dictSheet.getColumn(i + 1);
      col.width = 18;
      col.values = [DICT_TITLES[t], ...(byType.get(t) ?? [])];
    });
    dictSheet.getRow(1).font = { bold: true };
  });
}

export const templateFieldNames = { household: HOUSEHOLD_FIELDS.filter((f) => f.template !== false).map((f) => f.header), member: MEMBER_FIELDS.map((f) => f.header) };
