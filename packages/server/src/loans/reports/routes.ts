import type { Readable } from 'node:stream';
import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { loanErrors } from '../errors';
import {
  assessmentQuery,
  assessmentResponse,
  dashboardQuery,
  dashboardResponse,
  issueNoticeBody,
  listNoticesQuery,
  noticeItem,
  noticePreview,
  noticeQuery,
  quarterPreview,
  quarterReportItem,
  quarterReportQuery,
  recoveryQuery,
  recoveryResponse,
  reportBoard,
  reportBoardQuery,
  reportFieldLabels,
  statementQuery,
  statementResult,
  submitQuarterReportBody,
  workFundBody,
  workFundItem,
  workFundsQuery,
} from './schemas';
import { reportService } from './service';
import { statementService } from './statement';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope, 413: errorEnvelope };
const tags = ['loans'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_STATEMENT_BYTES = 20 * 1024 * 1024;

export const reportRoutes: Module = async (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: reportFieldLabels });

  r.get('/api/loans/notices/preview', {
    config: config('loan:view'),
    schema: { tags, operationId: 'previewLoanNotice', summary: '月度公示预览（推荐项目、信用社决定、放贷情况，姓名脱敏）', querystring: noticeQuery, response: { 200: noticePreview, ...errs } },
    handler: (req) => reportService.noticePreview(db, ctxOf(req), req.query.townshipCode, req.query.year, req.query.month),
  });
  r.post('/api/loans/notices', {
    config: config('loan:review:station'),
    schema: { tags, operationId: 'issueLoanNotice', summary: '发布月度公示（按发布时内容留存，不可修改）', body: issueNoticeBody, response: { 200: noticeItem, ...errs } },
    handler: (req) => reportService.issueNotice(db, ctxOf(req), req.body),
  });
  r.get('/api/loans/notices', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanNotices', summary: '已发布的月度公示', querystring: listNoticesQuery, response: { 200: z.object({ items: z.array(noticeItem) }), ...errs } },
    handler: (req) => reportService.notices(db, ctxOf(req), req.query),
  });
  r.get('/api/loans/notices/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanNotice', summary: '月度公示（可打印）', params: idParams, response: { 200: noticeItem, ...errs } },
    handler: (req) => reportService.notice(db, ctxOf(req), req.params.id),
  });

  r.get('/api/loans/reports/quarterly/preview', {
    config: config('loan:report'),
    schema: { tags, operationId: 'previewLoanQuarterReport', summary: '季度贷款发放与回收情况（预览）', querystring: quarterReportQuery, response: { 200: quarterPreview, ...errs } },
    handler: (req) => reportService.quarterPreview(db, ctxOf(req), req.query.townshipCode, req.query.year, req.query.quarter),
  });
  r.post('/api/loans/reports/quarterly', {
    config: config('loan:report'),
    schema: {
      tags,
      operationId: 'submitLoanQuarterReport',
      summary: '报送季度报表（工作站报县扶贫办、信用社报县信用联社；每季度第一个月 5 日前，逾期标明）',
      body: submitQuarterReportBody,
      response: { 200: quarterReportItem, ...errs },
    },
    handler: (req) => reportService.submitQuarter(db, ctxOf(req), req.body),
  });
  r.get('/api/loans/reports/quarterly/board', {
    config: config('loan:report'),
    schema: { tags, operationId: 'loanQuarterReportBoard', summary: '季度报表报送情况（按时、逾期、未报）', querystring: reportBoardQuery, response: { 200: reportBoard, ...errs } },
    handler: (req) => reportService.board(db, ctxOf(req), req.query.countyCode, req.query.year, req.query.quarter),
  });
  r.get('/api/loans/reports/quarterly/:id', {
    config: config('loan:report'),
    schema: { tags, operationId: 'getLoanQuarterReport', summary: '已报送的季度报表', params: idParams, response: { 200: quarterReportItem, ...errs } },
    handler: (req) => reportService.quarterReport(db, ctxOf(req), req.params.id),
  });

  r.get('/api/loans/reports/recovery', {
    config: config('loan:report'),
    schema: { tags, operationId: 'loanRecoveryRate', summary: '贷款回收率（按乡镇/信用社，附定义）', querystring: recoveryQuery, response: { 200: recoveryResponse, ...errs } },
    handler: (req) => reportService.recovery(db, ctxOf(req), req.query),
  });
  r.get('/api/loans/reports/assessment', {
    config: config('loan:report'),
    schema: { tags, operationId: 'loanAssessment', summary: '第九条考核：回收率、奖惩、下年度指标建议、工作经费资格', querystring: assessmentQuery, response: { 200: assessmentResponse, ...errs } },
    handler: (req) => reportService.assessment(db, ctxOf(req), req.query),
  });
  r.get('/api/loans/reports/dashboard', {
    config: config('loan:report'),
    schema: { tags, operationId: 'loanDashboard', summary: '统计图表数据：按乡镇和月份的发放与回收、指标使用、逾期账龄、贴息拨付与兑付', querystring: dashboardQuery, response: { 200: dashboardResponse, ...errs } },
    handler: (req) => reportService.dashboard(db, ctxOf(req), req.query.countyCode, req.query.year),
  });

  r.get('/api/loans/work-funds', {
    config: config('loan:report'),
    schema: { tags, operationId: 'listLoanWorkFunds', summary: '工作经费安排', querystring: workFundsQuery, response: { 200: z.object({ items: z.array(workFundItem) }), ...errs } },
    handler: (req) => reportService.workFunds(db, ctxOf(req), req.query.countyCode, req.query.year),
  });
  r.post('/api/loans/work-funds', {
    config: config('loan:scheme:edit'),
    schema: { tags, operationId: 'addLoanWorkFund', summary: '安排工作经费（回收率低于 90% 的乡镇不安排）', body: workFundBody, response: { 200: workFundItem, ...errs } },
    handler: (req) => reportService.addWorkFund(db, ctxOf(req), req.body),
  });

  r.get('/api/loans/reconciliations/:id', {
    config: config('loan:report'),
    schema: { tags, operationId: 'getLoanStatementReconciliation', summary: '对账结果：逐笔列出不一致的贷款及原因', params: idParams, response: { 200: statementResult, ...errs } },
    handler: (req) => statementService.result(db, ctxOf(req), req.params.id),
  });

  // The statement arrives as the raw .xlsx body; parsed in its own context so JSON routes are untouched.
  await app.register(async (sub) => {
    sub.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_STATEMENT_BYTES }, (_req, body, done) => done(null, body));
    typed(sub).post('/api/loans/reconciliations', {
      config: config('loan:report'),
      schema: {
        tags,
        operationId: 'importLoanStatement',
        summary: '导入县信用联社对账单（请求体为 .xlsx 文件本身）并与本系统逐笔核对',
        querystring: statementQuery,
        response: { 200: statementResult, ...errs },
      },
      handler: (req) => {
        const body = req.body as Buffer | Readable | undefined;
        if (!Buffer.isBuffer(body)) throw loanErrors.badStatement('请求体须为 .xlsx 文件本身（Content-Type: application/octet-stream）');
        return statementService.import(db, ctxOf(req), req.query, body);
      },
    });
  });
};
