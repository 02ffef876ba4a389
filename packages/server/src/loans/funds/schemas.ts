import { z } from 'zod';
import { dateSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../../http/common-schemas';
import { countyCodeField, positiveFen, textField, townshipCodeField, yearField } from '../schemes/schemas';

const quarter = z.number({ error: '季度必须是数字' }).int().min(1, '季度只能是 1–4').max(4, '季度只能是 1–4');
const qQuarter = z.coerce.number({ error: '季度必须是数字' }).int().min(1, '季度只能是 1–4').max(4, '季度只能是 1–4');
const qYear = z.coerce.number({ error: '年度必须是数字' }).int().min(2000).max(2100);
const docNo = textField('单据号', 60);

export const budgetBody = z.strictObject({ countyCode: countyCodeField, amountFen: positiveFen('金额'), docNo, onDate: dateSchema.optional(), note: textField('摘要', 500).optional() });
export const allocateBody = z.strictObject({
  townshipCode: townshipCodeField,
  year: yearField,
  quarter,
  amountFen: positiveFen('拨付金额'),
  docNo,
  onDate: dateSchema.optional(),
  note: textField('摘要', 500).optional(),
});
export const quarterBody = z.strictObject({ townshipCode: townshipCodeField, year: yearField, quarter, docNo, onDate: dateSchema.optional() });
export const topupBody = z.strictObject({
  townshipCode: townshipCodeField,
  year: yearField,
  quarter,
  amountFen: positiveFen('补拨金额'),
  docNo,
  onDate: dateSchema.optional(),
  note: textField('摘要', 500).optional(),
});
export const settleBody = z.strictObject({
  townshipCode: townshipCodeField,
  year: yearField,
  quarter,
  mode: z.enum(['carry_over', 'refund'], { error: '结余处理只能是 carry_over（结转下季）或 refund（退回财政所）' }),
  docNo,
  note: textField('说明', 500).optional(),
});
export const reverseTransferBody = z.strictObject({ docNo, reason: textField('冲销理由', 500) });
export const payBody = z.strictObject({ paidOn: dateSchema, voucherNo: textField('兑付凭证号', 60) });
export const reversePaymentBody = z.strictObject({ docNo, reason: textField('冲销理由', 500) });

export const quarterQuery = z.strictObject({ townshipCode: townshipCodeField, year: qYear, quarter: qQuarter });
export const countyQuarterQuery = z.strictObject({ countyCode: countyCodeField, year: qYear, quarter: qQuarter });
export const countyQuery = z.strictObject({ countyCode: countyCodeField });
export const listTransfersQuery = z.strictObject({
  countyCode: countyCodeField.optional(),
  townshipCode: townshipCodeField.optional(),
  kind: z.enum(['budget', 'allocation', 'prepayment', 'topup', 'refund']).optional(),
  year: qYear.optional(),
  quarter: qQuarter.optional(),
});
export const listSettlementsQuery = z.strictObject({ countyCode: countyCodeField.optional(), townshipCode: townshipCodeField.optional(), year: qYear.optional() });
export const entriesQuery = z.strictObject({ ...pageQuery });

export const accountItem = z.object({
  id: z.number(),
  kind: z.enum(['bureau', 'finance_office', 'coop']),
  kindLabel: z.string(),
  areaCode: z.string(),
  areaName: z.string().nullable(),
  name: z.string(),
  balanceFen: z.number(),
});
export const entryItem = z.object({
  id: z.number(),
  entryDate: z.string(),
  kind: z.string(),
  kindLabel: z.string(),
  direction: z.enum(['in', 'out', 'memo']),
  directionLabel: z.string(),
  amountFen: z.number(),
  balanceAfterFen: z.number(),
  sourceDocType: z.string(),
  sourceDocId: z.number(),
  sourceDocNo: z.string(),
  counterparty: z.string().nullable(),
  memo: z.string().nullable(),
  createdByName: z.string().nullable(),
});
export const entriesResponse = paged(entryItem).extend({ account: accountItem });

export const transferItem = z.object({
  id: z.number(),
  docNo: z.string(),
  kind: z.enum(['budget', 'allocation', 'prepayment', 'topup', 'refund']),
  kindLabel: z.string(),
  townshipCode: z.string().nullable(),
  year: z.number().nullable(),
  quarter: z.number().nullable(),
  fromName: z.string().nullable(),
  toName: z.string(),
  amountFen: z.number(),
  onDate: z.string(),
  basis: z.unknown(),
  note: z.string().nullable(),
  reversalOf: z.number().nullable(),
  createdByName: z.string().nullable(),
});

const dueLine = z.object({ loanId: z.number(), loanNo: z.string(), borrowerName: z.string(), principalFen: z.number(), disbursedOn: z.string(), maturityDate: z.string(), subsidyFen: z.number(), formula: z.string() });
export const prepaymentPreview = z.object({
  townshipCode: z.string(),
  year: z.number(),
  quarter: z.number(),
  label: z.string(),
  from: z.string(),
  to: z.string(),
  lines: z.array(dueLine),
  totalFen: z.number(),
  alreadyPrepaid: z.boolean(),
});

export const allocationProposal = z.object({
  countyCode: z.string(),
  year: z.number(),
  quarter: z.number(),
  items: z.array(
    z.object({
      townshipCode: z.string(),
      townshipName: z.string(),
      loansDisbursedCount: z.number(),
      loansDisbursedFen: z.number(),
      dueSubsidyFen: z.number(),
      earnedUnpaidFen: z.number(),
      financeOfficeBalanceFen: z.number(),
      coopBalanceFen: z.number(),
      allocatedThisQuarterFen: z.number(),
      proposedFen: z.number(),
    }),
  ),
  bureauBalanceFen: z.number(),
});

export const settlementItem = z.object({
  id: z.number(),
  townshipCode: z.string(),
  townshipName: z.string().nullable(),
  year: z.number(),
  quarter: z.number(),
  label: z.string(),
  settledOn: z.string(),
  coopBalanceFen: z.number(),
  prepaidFen: z.number(),
  paidFen: z.number(),
  paidCount: z.number(),
  unpaidEarnedFen: z.number(),
  outcome: z.enum(['carry_over', 'refund', 'top_up', 'balanced']),
  outcomeLabel: z.string(),
  amountFen: z.number(),
  transferId: z.number().nullable(),
  explanation: z.string(),
  createdByName: z.string().nullable(),
});

export const reconciliationResponse = z.object({
  countyCode: z.string(),
  ok: z.boolean(),
  accounts: z.array(z.object({ id: z.number(), kind: z.string(), name: z.string(), areaCode: z.string(), balanceFen: z.number(), linesFen: z.number(), inFen: z.number(), outFen: z.number(), ok: z.boolean() })),
  townships: z.array(
    z.object({
      townshipCode: z.string(),
      allocatedFen: z.number(),
      financeOfficeBalanceFen: z.number(),
      coopBalanceFen: z.number(),
      paidToFarmersFen: z.number(),
      ok: z.boolean(),
    }),
  ),
  payments: z.object({ coopLinesFen: z.number(), coopPaymentsFen: z.number(), bureauLinesFen: z.number(), bureauPaymentsFen: z.number(), ok: z.boolean() }),
  explanation: z.string(),
});

export const paymentResponse = z.object({
  paymentId: z.number(),
  loanId: z.number(),
  amountFen: z.number(),
  paidOn: z.string(),
  voucherNo: z.string(),
  accountName: z.string(),
  balanceAfterFen: z.number(),
  formula: z.string(),
});

export const paymentItem = z.object({
  id: z.number(),
  loanId: z.number(),
  loanNo: z.string(),
  payeeName: z.string(),
  payer: z.enum(['coop', 'finance_bureau']),
  amountFen: z.number(),
  paidOn: z.string(),
  voucherNo: z.string(),
  rosterId: z.number().nullable(),
  rosterNo: z.string().nullable(),
  settled: z.boolean(),
  createdByName: z.string().nullable(),
  reversal: z
    .object({ id: z.number(), docNo: z.string(), reason: z.string(), reversedOn: z.string(), createdByName: z.string().nullable() })
    .nullable(),
});
export const paymentList = z.object({ items: z.array(paymentItem) });
export const paymentReversalResponse = z.object({
  reversalId: z.number(),
  paymentId: z.number(),
  loanId: z.number(),
  amountFen: z.number(),
  reversedOn: z.string(),
  docNo: z.string(),
  accountName: z.string(),
  balanceAfterFen: z.number(),
  subsidyStatus: z.string(),
});

export const fundFieldLabels: Record<string, string> = {
  countyCode: '县级区划代码',
  townshipCode: '乡镇',
  year: '年度',
  quarter: '季度',
  amountFen: '金额',
  docNo: '单据号',
  onDate: '日期',
  note: '摘要',
  mode: '结余处理',
  reason: '冲销理由',
  paidOn: '兑付日期',
  voucherNo: '兑付凭证号',
  kind: '类型',
  rosterIds: '花名册',
  approve: '审核结论',
  status: '状态',
};

// ── rosters and claims ──
export const createRosterBody = z.strictObject({ townshipCode: townshipCodeField, year: yearField, quarter });
export const listRostersQuery = z.strictObject({ townshipCode: townshipCodeField.optional(), year: qYear.optional(), status: z.enum(['filed', 'claimed', 'reimbursed']).optional() });
const rosterHeader = z.object({
  id: z.number(),
  rosterNo: z.string(),
  townshipCode: z.string(),
  townshipName: z.string().nullable(),
  year: z.number(),
  quarter: z.number(),
  label: z.string(),
  status: z.enum(['filed', 'claimed', 'reimbursed']),
  statusLabel: z.string(),
  lineCount: z.number(),
  totalFen: z.number(),
  filedOn: z.string(),
  filedByName: z.string().nullable(),
  claimId: z.number().nullable(),
  version: z.number(),
});
export const rosterList = z.object({ items: z.array(rosterHeader) });
export const rosterDetail = rosterHeader.extend({
  lines: z.array(
    z.object({
      seq: z.number(),
      paymentId: z.number(),
      borrowerName: z.string(),
      idNumberMasked: z.string(),
      villageName: z.string().nullable(),
      loanNo: z.string(),
      principalFen: z.number(),
      disbursedOn: z.string(),
      maturityDate: z.string(),
      repaidOn: z.string().nullable(),
      days: z.number().nullable(),
      ratePercent: z.string(),
      dayCountBasis: z.number(),
      subsidyFen: z.number(),
      formula: z.string(),
      paidOn: z.string(),
      voucherNo: z.string(),
      signature: z.string(),
    }),
  ),
  print: z.object({ title: z.string(), subtitle: z.string(), formulaNote: z.string(), totalText: z.string(), signatures: z.array(z.string()) }),
});

export const submitClaimBody = z.strictObject({
  townshipCode: townshipCodeField,
  rosterIds: z.array(z.number({ error: '花名册编号必须是数字' }).int().positive(), { error: '花名册必须是编号列表' }).min(1, '至少选择一份花名册').max(100),
});
export const decideClaimBody = z.strictObject({
  version: z.number({ error: '版本号必须是数字' }).int().min(1),
  approve: z.boolean({ error: '审核结论必须是 true（核销）或 false（退回）' }),
  note: textField('审核意见', 500).optional(),
});
export const listClaimsQuery = z.strictObject({ townshipCode: townshipCodeField.optional(), status: z.enum(['submitted', 'approved', 'rejected']).optional() });
export const claimItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  claimNo: z.string(),
  townshipCode: z.string(),
  townshipName: z.string().nullable(),
  amountFen: z.number(),
  rosterCount: z.number(),
  status: z.enum(['submitted', 'approved', 'rejected']),
  statusLabel: z.string(),
  submittedOn: z.string(),
  submittedByName: z.string().nullable(),
  decidedOn: z.string().nullable(),
  decidedByName: z.string().nullable(),
  decisionNote: z.string().nullable(),
  version: z.number(),
  rosters: z.array(z.object({ id: z.number(), rosterNo: z.string(), totalFen: z.number(), lineCount: z.number() })),
});
