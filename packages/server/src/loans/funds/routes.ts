import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { claimService, rosterService } from './rosters';
import {
  accountItem,
  allocateBody,
  allocationProposal,
  budgetBody,
  claimItem,
  countyQuarterQuery,
  countyQuery,
  createRosterBody,
  decideClaimBody,
  entriesQuery,
  entriesResponse,
  fundFieldLabels,
  listClaimsQuery,
  listRostersQuery,
  listSettlementsQuery,
  listTransfersQuery,
  payBody,
  paymentList,
  paymentResponse,
  paymentReversalResponse,
  prepaymentPreview,
  quarterBody,
  quarterQuery,
  reconciliationResponse,
  reversePaymentBody,
  reverseTransferBody,
  rosterDetail,
  rosterList,
  settleBody,
  settlementItem,
  submitClaimBody,
  topupBody,
  transferItem,
} from './schemas';
import { fundService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['loans'];
const BUREAU = 'loan:subsidy:finance-bureau';
const OFFICE = 'loan:subsidy:finance-office';

export const fundRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: fundFieldLabels });

  r.get('/api/loans/funds/accounts', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanFundAccounts', summary: '贴息资金专户及余额', querystring: countyQuery.partial(), response: { 200: z.object({ items: z.array(accountItem) }), ...errs } },
    handler: (req) => fundService.accounts(db, ctxOf(req), req.query.countyCode),
  });

  r.get('/api/loans/funds/accounts/:id/entries', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanFundEntries', summary: '专户台账明细（每笔收支及来源单据）', params: idParams, querystring: entriesQuery, response: { 200: entriesResponse, ...errs } },
    handler: (req) => fundService.entries(db, ctxOf(req), req.params.id, req.query.page, req.query.pageSize),
  });

  r.get('/api/loans/funds/transfers', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanFundTransfers', summary: '资金拨付单据（到位、拨付、预拨、补拨、退回）', querystring: listTransfersQuery, response: { 200: z.object({ items: z.array(transferItem) }), ...errs } },
    handler: (req) => fundService.transfers(db, ctxOf(req), req.query),
  });

  r.post('/api/loans/funds/budget', {
    config: config(BUREAU),
    schema: { tags, operationId: 'receiveLoanSubsidyBudget', summary: '县财政局贴息资金到位', body: budgetBody, response: { 200: transferItem, ...errs } },
    handler: (req) => fundService.budget(db, ctxOf(req), req.body),
  });

  r.get('/api/loans/funds/allocations/proposal', {
    config: config(BUREAU),
    schema: { tags, operationId: 'proposeLoanSubsidyAllocation', summary: '按贷款发放与到期情况测算各乡镇本季应拨贴息资金', querystring: countyQuarterQuery, response: { 200: allocationProposal, ...errs } },
    handler: (req) => fundService.allocationProposal(db, ctxOf(req), req.query.countyCode, req.query.year, req.query.quarter),
  });

  r.post('/api/loans/funds/allocations', {
    config: config(BUREAU),
    schema: { tags, operationId: 'allocateLoanSubsidy', summary: '县财政局向乡镇财政所拨付贴息资金', body: allocateBody, response: { 200: transferItem, ...errs } },
    handler: (req) => fundService.allocate(db, ctxOf(req), req.body),
  });

  r.get('/api/loans/funds/prepayments/preview', {
    config: config('loan:view'),
    schema: { tags, operationId: 'previewLoanSubsidyPrepayment', summary: '季初预拨测算：本季到期贷款的应付贴息', querystring: quarterQuery, response: { 200: prepaymentPreview, ...errs } },
    handler: (req) => fundService.prepaymentPreview(db, ctxOf(req), req.query.townshipCode, req.query.year, req.query.quarter),
  });

  r.post('/api/loans/funds/prepayments', {
    config: config(OFFICE),
    schema: { tags, operationId: 'prepayLoanSubsidy', summary: '财政所季初向信用社预拨贴息（金额按到期贷款计算）', body: quarterBody, response: { 200: transferItem, ...errs } },
    handler: (req) => fundService.prepay(db, ctxOf(req), req.body),
  });

  r.post('/api/loans/funds/topups', {
    config: config(OFFICE),
    schema: { tags, operationId: 'topUpLoanSubsidy', summary: '财政所向信用社补拨贴息', body: topupBody, response: { 200: transferItem, ...errs } },
    handler: (req) => fundService.topup(db, ctxOf(req), req.body),
  });

  r.post('/api/loans/funds/settlements', {
    config: config(OFFICE),
    schema: { tags, operationId: 'settleLoanSubsidyQuarter', summary: '季末贴息结算（结转、退回或补拨）', body: settleBody, response: { 200: settlementItem, ...errs } },
    handler: (req) => fundService.settle(db, ctxOf(req), req.body),
  });

  r.get('/api/loans/funds/settlements', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanSubsidySettlements', summary: '季度结算记录', querystring: listSettlementsQuery, response: { 200: z.object({ items: z.array(settlementItem) }), ...errs } },
    handler: (req) => fundService.settlements(db, ctxOf(req), req.query),
  });

  r.post('/api/loans/funds/transfers/:id/reverse', {
    config: config('loan:view'),
    schema: { tags, operationId: 'reverseLoanFundTransfer', summary: '冲销资金单据（原单据与台账保留）', params: idParams, body: reverseTransferBody, response: { 200: transferItem, ...errs } },
    handler: (req) => fundService.reverseTransfer(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/loans/funds/reconciliation', {
    config: config('loan:view'),
    schema: { tags, operationId: 'reconcileLoanFunds', summary: '专户逐级对账（余额 = 明细之和；拨付 = 结存 + 兑付）', querystring: countyQuery, response: { 200: reconciliationResponse, ...errs } },
    handler: (req) => fundService.reconcile(db, ctxOf(req), req.query.countyCode),
  });

  r.post('/api/loans/loans/:id/subsidy-payment', {
    config: config('loan:view'),
    schema: { tags, operationId: 'payLoanSubsidy', summary: '兑付贴息（农户由信用社兑付，企业由县财政局兑付；每笔只能兑付一次）', params: idParams, body: payBody, response: { 200: paymentResponse, ...errs } },
    handler: (req) => fundService.paySubsidy(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/loans/funds/payments', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanSubsidyPayments', summary: '乡镇某季度的贴息兑付记录（含已冲销的）', querystring: quarterQuery, response: { 200: paymentList, ...errs } },
    handler: (req) => fundService.payments(db, ctxOf(req), req.query.townshipCode, req.query.year, req.query.quarter),
  });

  r.post('/api/loans/funds/payments/:id/reverse', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'reverseLoanSubsidyPayment',
      summary: '冲销贴息兑付（原记录保留；冲销后可重新兑付；已列入花名册的不能冲销）',
      params: idParams,
      body: reversePaymentBody,
      response: { 200: paymentReversalResponse, ...errs },
    },
    handler: (req) => fundService.reversePayment(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/loans/funds/rosters', {
    config: config('loan:disburse'),
    schema: { tags, operationId: 'fileLoanSubsidyRoster', summary: '信用社报送季度贴息兑付花名册', body: createRosterBody, response: { 200: rosterDetail, ...errs } },
    handler: (req) => rosterService.create(db, ctxOf(req), req.body),
  });

  r.get('/api/loans/funds/rosters', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanSubsidyRosters', summary: '花名册列表', querystring: listRostersQuery, response: { 200: rosterList, ...errs } },
    handler: (req) => rosterService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/funds/rosters/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanSubsidyRoster', summary: '花名册（可打印：逐户公式与金额、脱敏身份证号、签字栏）', params: idParams, response: { 200: rosterDetail, ...errs } },
    handler: (req) => rosterService.get(db, ctxOf(req), req.params.id),
  });

  r.get('/api/loans/funds/rosters/:id/xlsx', {
    config: config('loan:view'),
    schema: { tags, operationId: 'exportLoanSubsidyRoster', summary: '导出花名册 .xlsx（A4 横向）', params: idParams },
    handler: async (req, reply) => {
      const { filename, buffer } = await rosterService.xlsx(db, ctxOf(req), req.params.id);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="roster.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('cache-control', 'no-store')
        .send(buffer);
    },
  });

  r.post('/api/loans/funds/claims', {
    config: config(OFFICE),
    schema: { tags, operationId: 'submitLoanSubsidyClaim', summary: '财政所凭花名册向县财政局提款报账', body: submitClaimBody, response: { 200: claimItem, ...errs } },
    handler: (req) => claimService.submit(db, ctxOf(req), req.body),
  });

  r.get('/api/loans/funds/claims', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanSubsidyClaims', summary: '报账申请列表', querystring: listClaimsQuery, response: { 200: z.object({ items: z.array(claimItem) }), ...errs } },
    handler: (req) => claimService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/funds/claims/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanSubsidyClaim', summary: '报账申请详情', params: idParams, response: { 200: claimItem, ...errs } },
    handler: (req) => claimService.get(db, ctxOf(req), req.params.id),
  });

  r.post('/api/loans/funds/claims/:id/decide', {
    config: config(BUREAU),
    schema: { tags, operationId: 'decideLoanSubsidyClaim', summary: '县财政局审核报账（核销或退回）', params: idParams, body: decideClaimBody, response: { 200: claimItem, ...errs } },
    handler: (req) => claimService.decide(db, ctxOf(req), req.params.id, req.body),
  });
};
