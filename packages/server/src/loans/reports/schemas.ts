import { z } from 'zod';
import { dateSchema } from '@fupin/shared/schemas/common';
import { countyCodeField, positiveFen, textField, townshipCodeField, yearField } from '../schemes/schemas';

const qYear = z.coerce.number({ error: '年度必须是数字' }).int().min(2000).max(2100);
const qQuarter = z.coerce.number({ error: '季度必须是数字' }).int().min(1, '季度只能是 1–4').max(4, '季度只能是 1–4');
const qMonth = z.coerce.number({ error: '月份必须是数字' }).int().min(1, '月份只能是 1–12').max(12, '月份只能是 1–12');

// ── monthly notice ──
export const noticeQuery = z.strictObject({ townshipCode: townshipCodeField, year: qYear, month: qMonth });
export const issueNoticeBody = z.strictObject({
  townshipCode: townshipCodeField,
  year: yearField,
  month: z.number({ error: '月份必须是数字' }).int().min(1, '月份只能是 1–12').max(12, '月份只能是 1–12'),
});
export const listNoticesQuery = z.strictObject({ townshipCode: townshipCodeField.optional(), year: qYear.optional() });
const noticeContent = z.object({
  title: z.string(),
  townshipName: z.string(),
  period: z.string(),
  recommended: z.array(z.object({ appNo: z.string(), borrower: z.string(), village: z.string().nullable(), project: z.string(), industry: z.string(), amountFen: z.number(), onDate: z.string() })),
  decisions: z.array(z.object({ appNo: z.string(), borrower: z.string(), village: z.string().nullable(), decision: z.string(), decidedBy: z.string(), onDate: z.string(), amountFen: z.number() })),
  loans: z.array(z.object({ loanNo: z.string(), borrower: z.string(), village: z.string().nullable(), amountFen: z.number(), termMonths: z.number(), disbursedOn: z.string() })),
  footer: z.string(),
});
export const noticePreview = z.object({ townshipCode: z.string(), year: z.number(), month: z.number(), dueOn: z.string(), issued: z.boolean(), content: noticeContent });
export const noticeItem = z.object({
  id: z.number(),
  townshipCode: z.string(),
  year: z.number(),
  month: z.number(),
  dueOn: z.string(),
  issuedOn: z.string(),
  late: z.boolean(),
  issuedByName: z.string().nullable(),
  content: noticeContent,
});

// ── quarterly reports ──
export const figuresSchema = z.object({
  disbursedCount: z.number(),
  disbursedFen: z.number(),
  repaidFen: z.number(),
  dueFen: z.number(),
  recoveredFen: z.number(),
  recoveryRateBp: z.number().nullable(),
  recoveryRateText: z.string(),
  outstandingFen: z.number(),
  overdueFen: z.number(),
  overdueCount: z.number(),
  subsidyPaidFen: z.number(),
});
export const quarterReportQuery = z.strictObject({ townshipCode: townshipCodeField, year: qYear, quarter: qQuarter });
export const submitQuarterReportBody = z.strictObject({
  townshipCode: townshipCodeField,
  year: yearField,
  quarter: z.number({ error: '季度必须是数字' }).int().min(1).max(4),
  reporter: z.enum(['station', 'coop'], { error: '报送单位只能是 station（工作站）或 coop（信用社）' }),
});
export const quarterReportItem = z.object({
  id: z.number(),
  townshipCode: z.string(),
  reporter: z.enum(['station', 'coop']),
  reporterLabel: z.string(),
  recipientLabel: z.string(),
  year: z.number(),
  quarter: z.number(),
  label: z.string(),
  dueOn: z.string(),
  submittedOn: z.string(),
  late: z.boolean(),
  figures: figuresSchema,
  submittedByName: z.string().nullable(),
});
export const quarterPreview = z.object({ townshipCode: z.string(), year: z.number(), quarter: z.number(), label: z.string(), dueOn: z.string(), figures: figuresSchema });
export const reportBoardQuery = z.strictObject({ countyCode: countyCodeField, year: qYear, quarter: qQuarter });
export const reportBoard = z.object({
  year: z.number(),
  quarter: z.number(),
  label: z.string(),
  dueOn: z.string(),
  items: z.array(
    z.object({
      townshipCode: z.string(),
      townshipName: z.string(),
      reporter: z.enum(['station', 'coop']),
      reporterLabel: z.string(),
      status: z.enum(['submitted', 'late', 'missing', 'overdue']),
      statusLabel: z.string(),
      submittedOn: z.string().nullable(),
      reportId: z.number().nullable(),
    }),
  ),
});

// ── recovery and assessment ──
export const recoveryQuery = z.strictObject({ countyCode: countyCodeField, year: qYear, quarter: qQuarter.optional(), asOf: dateSchema.optional() });
export const recoveryResponse = z.object({
  countyCode: z.string(),
  from: z.string(),
  to: z.string(),
  asOf: z.string(),
  definition: z.string(),
  items: z.array(
    z.object({
      townshipCode: z.string().nullable(),
      townshipName: z.string(),
      coopName: z.string().nullable(),
      dueFen: z.number(),
      recoveredFen: z.number(),
      recoveryRateBp: z.number().nullable(),
      recoveryRateText: z.string(),
    }),
  ),
  total: z.object({ dueFen: z.number(), recoveredFen: z.number(), recoveryRateBp: z.number().nullable(), recoveryRateText: z.string() }),
});
export const assessmentQuery = z.strictObject({ countyCode: countyCodeField, year: qYear, asOf: dateSchema.optional() });
export const assessmentResponse = z.object({
  countyCode: z.string(),
  year: z.number(),
  asOf: z.string(),
  thresholds: z.object({ rewardBp: z.number(), cutBp: z.number(), adjustBp: z.number() }),
  definition: z.string(),
  items: z.array(
    z.object({
      townshipCode: z.string(),
      townshipName: z.string(),
      dueFen: z.number(),
      recoveredFen: z.number(),
      recoveryRateBp: z.number().nullable(),
      recoveryRateText: z.string(),
      assessment: z.enum(['reward', 'normal', 'cut', 'no_data']),
      assessmentLabel: z.string(),
      quotaFen: z.number(),
      quotaCount: z.number(),
      proposedQuotaFen: z.number(),
      proposedQuotaCount: z.number(),
      workFundsNextYear: z.boolean(),
    }),
  ),
});

// ── work funds ──
export const workFundBody = z.strictObject({
  countyCode: countyCodeField,
  year: yearField,
  recipientKind: z.enum(['township_gov', 'credit_union', 'finance_bureau', 'poverty_office'], { error: '受领单位类型不正确' }),
  areaCode: z.string().regex(/^(\d{6}|\d{9})$/, '区划须为县或乡镇代码'),
  amountFen: positiveFen('金额'),
  purpose: textField('用途', 200),
  documentNo: textField('文号', 100),
});
export const workFundItem = z.object({
  id: z.number(),
  year: z.number(),
  recipientKind: z.string(),
  recipientKindLabel: z.string(),
  areaCode: z.string(),
  recipientName: z.string(),
  amountFen: z.number(),
  purpose: z.string(),
  documentNo: z.string(),
  decidedByName: z.string().nullable(),
});
export const workFundsQuery = z.strictObject({ countyCode: countyCodeField, year: qYear });

// ── dashboard ──
export const dashboardQuery = z.strictObject({ countyCode: countyCodeField, year: qYear });
export const dashboardResponse = z.object({
  year: z.number(),
  townships: z.array(z.object({ code: z.string().nullable(), name: z.string() })),
  monthly: z.array(z.object({ townshipCode: z.string().nullable(), month: z.number(), disbursedFen: z.number(), disbursedCount: z.number(), repaidFen: z.number() })),
  recovery: z.array(z.object({ townshipCode: z.string().nullable(), dueFen: z.number(), recoveredFen: z.number(), recoveryRateBp: z.number().nullable() })),
  quotaUse: z.array(z.object({ townshipCode: z.string(), amountFen: z.number(), usedFen: z.number(), loanCount: z.number(), usedCount: z.number() })),
  ageing: z.array(z.object({ bucket: z.string(), label: z.string(), count: z.number(), outstandingFen: z.number() })),
  subsidy: z.array(z.object({ townshipCode: z.string(), allocatedFen: z.number(), prepaidFen: z.number(), paidFen: z.number() })),
});

// ── statement reconciliation ──
export const statementQuery = z.strictObject({
  countyCode: countyCodeField,
  statementDate: dateSchema,
  filename: z.string().trim().min(1, '须给出文件名').max(200),
});
export const statementResult = z.object({
  id: z.number(),
  statementDate: z.string(),
  filename: z.string(),
  importedByName: z.string().nullable(),
  badRows: z.array(z.object({ rowNo: z.number(), reason: z.string() })),
  summary: z.object({ statementRows: z.number(), ourLoans: z.number(), matched: z.number(), differing: z.number(), missingInOurs: z.number(), missingInStatement: z.number() }),
  items: z.array(
    z.object({
      loanNo: z.string(),
      borrowerName: z.string().nullable(),
      ours: z.object({ principalFen: z.number(), disbursedOn: z.string(), repaidFen: z.number(), outstandingFen: z.number() }).nullable(),
      theirs: z.object({ principalFen: z.number().nullable(), disbursedOn: z.string().nullable(), repaidFen: z.number().nullable(), outstandingFen: z.number().nullable() }).nullable(),
      reasons: z.array(z.string()),
    }),
  ),
});

export const reportFieldLabels: Record<string, string> = {
  countyCode: '县级区划代码',
  townshipCode: '乡镇',
  year: '年度',
  quarter: '季度',
  month: '月份',
  reporter: '报送单位',
  asOf: '统计日期',
  recipientKind: '受领单位类型',
  areaCode: '区划',
  amountFen: '金额',
  purpose: '用途',
  documentNo: '文号',
  statementDate: '对账日期',
  filename: '文件名',
};
