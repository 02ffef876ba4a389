import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import {
  ageingQuery,
  ageingResponse,
  disburseBody,
  lendingFieldLabels,
  listLoansQuery,
  listLoansResponse,
  loanDetail,
  repaymentBody,
  repaymentParams,
  reverseBody,
  writeOffBody,
} from './schemas';
import { lendingService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['loans'];

export const lendingRoutes: Module = (app, { db }) => {
  const r = typed(app);
  // Household loans: the coop (loan:disburse); enterprise loans: the county credit union — checked in the service.
  const config = (permission: string) => ({ permission, fieldLabels: lendingFieldLabels });

  r.post('/api/loans/applications/:id/disburse', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'disburseLoan',
      summary: '签订合同并放款，生成还款计划（到期一次还本或分期）',
      params: idParams,
      body: disburseBody,
      response: { 200: loanDetail, ...errs },
    },
    handler: (req) => lendingService.disburse(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/loans/loans', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoans', summary: '贷款台账（状态含逾期，可按逾期账龄筛选）', querystring: listLoansQuery, response: { 200: listLoansResponse, ...errs } },
    handler: (req) => lendingService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/loans/ageing', {
    config: config('loan:view'),
    schema: { tags, operationId: 'loanAgeing', summary: '逾期账龄分布（1–30、31–90、91–180、180 天以上）', querystring: ageingQuery, response: { 200: ageingResponse, ...errs } },
    handler: (req) => lendingService.ageing(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/loans/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoan', summary: '贷款详情：还款计划、还款记录、贴息计算与贴息台账', params: idParams, response: { 200: loanDetail, ...errs } },
    handler: (req) => lendingService.get(db, ctxOf(req), req.params.id),
  });

  r.post('/api/loans/loans/:id/repayments', {
    config: config('loan:view'),
    schema: { tags, operationId: 'repayLoan', summary: '登记还款（本金）', params: idParams, body: repaymentBody, response: { 200: loanDetail, ...errs } },
    handler: (req) => lendingService.repay(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/loans/loans/:id/repayments/:repaymentId/reverse', {
    config: config('loan:view'),
    schema: { tags, operationId: 'reverseLoanRepayment', summary: '冲销一笔还款（更正；原记录保留）', params: repaymentParams, body: reverseBody, response: { 200: loanDetail, ...errs } },
    handler: (req) => lendingService.reverse(db, ctxOf(req), req.params.id, req.params.repaymentId, req.body.reason),
  });

  r.post('/api/loans/loans/:id/write-off', {
    config: config('loan:view'),
    schema: { tags, operationId: 'writeOffLoan', summary: '核销贷款（不予贴息）', params: idParams, body: writeOffBody, response: { 200: loanDetail, ...errs } },
    handler: (req) => lendingService.writeOff(db, ctxOf(req), req.params.id, req.body),
  });
};
