import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import {
  applicationDetail,
  applicationFieldLabels,
  createApplicationBody,
  createEnterpriseApplicationBody,
  decideBody,
  eligibilityQuery,
  eligibilitySchema,
  listApplicationsQuery,
  listApplicationsResponse,
  queueQuery,
  queueResponse,
  quotaDecisionBody,
  resubmitBody,
  withdrawBody,
} from './schemas';
import { applicationService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['loans'];

export const applicationRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: applicationFieldLabels });

  r.get('/api/loans/eligibility', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'checkLoanEligibility',
      summary: '贷款条件预审（第五条、第三条、第七条），逐条给出不符合的理由',
      querystring: eligibilityQuery,
      response: { 200: eligibilitySchema, ...errs },
    },
    handler: (req) => applicationService.eligibility(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/applications', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanApplications', summary: '贷款申请列表', querystring: listApplicationsQuery, response: { 200: listApplicationsResponse, ...errs } },
    handler: (req) => applicationService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/applications/queue', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'loanReviewQueue',
      summary: '我的待办：待我审批的申请（期限、剩余工作日、逾期标红；工作站队列优先户在前）',
      querystring: queueQuery,
      response: { 200: queueResponse, ...errs },
    },
    handler: (req) => applicationService.queue(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/applications/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanApplication', summary: '贷款申请详情（含审查记录、条件预审、指标情况）', params: idParams, response: { 200: applicationDetail, ...errs } },
    handler: (req) => applicationService.get(db, ctxOf(req), req.params.id),
  });

  r.post('/api/loans/applications', {
    config: config('loan:apply'),
    schema: {
      tags,
      operationId: 'createLoanApplication',
      summary: '受理农户项目贷款申请（须持有效贷款证；不符合条件的逐条说明理由）',
      body: createApplicationBody,
      response: { 200: applicationDetail, ...errs },
    },
    handler: (req) => applicationService.createHousehold(db, ctxOf(req), req.body),
  });

  r.post('/api/loans/enterprise-applications', {
    config: config('loan:review:county'),
    schema: {
      tags,
      operationId: 'createEnterpriseLoanApplication',
      summary: '受理农业产业化企业贷款申请（第十三条）',
      body: createEnterpriseApplicationBody,
      response: { 200: applicationDetail, ...errs },
    },
    handler: (req) => applicationService.createEnterprise(db, ctxOf(req), req.body),
  });

  const decision = (path: string, permission: string, operationId: string, summary: string, stages: Parameters<typeof applicationService.decide>[3]) =>
    r.post(`/api/loans/applications/:id/${path}`, {
      config: config(permission),
      schema: { tags, operationId, summary, params: idParams, body: decideBody, response: { 200: applicationDetail, ...errs } },
      handler: (req) => applicationService.decide(db, ctxOf(req), req.params.id, stages, req.body),
    });
  decision('village-review', 'loan:review:village', 'villageReviewLoanApplication', '村委会初审：同意、退回补充材料或不同意', ['village']);
  decision('station-review', 'loan:review:station', 'stationReviewLoanApplication', '工作站审查意见（5 个工作日内）', ['station']);
  decision('coop-decision', 'loan:review:coop', 'coopDecideLoanApplication', '信用社资信调查与放贷决定（10 个工作日内）', ['coop']);
  decision('county-review', 'loan:review:county', 'countyReviewLoanApplication', '县扶贫办或县信用联社审批（超 2 万元的农户贷款、企业贷款）', 'county');

  r.post('/api/loans/applications/:id/resubmit', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'resubmitLoanApplication',
      summary: '补充材料后重新提交（回到退回它的环节，记录保留）',
      params: idParams,
      body: resubmitBody,
      response: { 200: applicationDetail, ...errs },
    },
    handler: (req) => applicationService.resubmit(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/loans/applications/:id/withdraw', {
    config: config('loan:view'),
    schema: { tags, operationId: 'withdrawLoanApplication', summary: '撤回申请', params: idParams, body: withdrawBody, response: { 200: applicationDetail, ...errs } },
    handler: (req) => applicationService.withdraw(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/loans/applications/:id/quota-decision', {
    config: config('loan:scheme:edit'),
    schema: {
      tags,
      operationId: 'decideLoanOverQuota',
      summary: '记录县扶贫开发领导组同意超指标发放的决定',
      params: idParams,
      body: quotaDecisionBody,
      response: { 200: applicationDetail, ...errs },
    },
    handler: (req) => applicationService.quotaDecision(db, ctxOf(req), req.params.id, req.body),
  });
  void z;
};
