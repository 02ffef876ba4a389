/** The 历史贷款 import sheet: its columns (headers as in the template) and the accepted values. */
export type LoanImportKey =
  | 'name'
  | 'idNumber'
  | 'principal'
  | 'rate'
  | 'disbursedOn'
  | 'maturityDate'
  | 'repaid'
  | 'closedOn'
  | 'lastPaidOn'
  | 'industry'
  | 'production'
  | 'contractNo';

export const LOAN_IMPORT_COLUMNS: { key: LoanImportKey; header: string; required: boolean; note: string }[] = [
  { key: 'name', header: '借款人姓名', required: true, note: '须与档案中该身份证号的成员姓名一致' },
  { key: 'idNumber', header: '身份证号', required: true, note: '18位；该列请设为“文本”格式，否则 Excel 会把号码存成 3.41E+17 而丢失末位' },
  { key: 'principal', header: '贷款金额（元）', required: true, note: '元，最多两位小数，如 20000 或 20,000.50' },
  { key: 'rate', header: '年利率', required: true, note: '如 4.35% 或 4.35（均表示年利率 4.35%）' },
  { key: 'disbursedOn', header: '发放日期', required: true, note: '如 2019-03-05、2019.03.05、2019/3/5，不能晚于今天' },
  { key: 'maturityDate', header: '到期日期', required: true, note: '须晚于发放日期' },
  { key: 'repaid', header: '已还本金（元）', required: false, note: '已还清的可不填（以结清日期为准）；未还可填 0 或不填' },
  { key: 'closedOn', header: '结清日期', required: false, note: '已还清的填写；不晚于今天' },
  { key: 'lastPaidOn', header: '最近还款日期', required: false, note: '部分还款（未结清）时必填' },
  { key: 'industry', header: '贷款用途/产业', required: true, note: '见“取值说明”表' },
  { key: 'production', header: '是否生产性', required: true, note: '是 / 否' },
  { key: 'contractNo', header: '合同号', required: true, note: '本县内唯一；再次导入同一合同号不会重复建账' },
];
