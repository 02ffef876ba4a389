import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import {
  applyCertificateBody,
  certFieldLabels,
  certificateItem,
  coopDecisionCertBody,
  listCertificatesQuery,
  listCertificatesResponse,
  revokeCertBody,
  villageReviewCertBody,
} from './schemas';
import { certService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['loans'];

export const certificateRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: certFieldLabels });

  r.get('/api/loans/certificates', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanCertificates', summary: '贷款证列表', querystring: listCertificatesQuery, response: { 200: listCertificatesResponse, ...errs } },
    handler: (req) => certService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/certificates/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanCertificate', summary: '贷款证详情', params: idParams, response: { 200: certificateItem, ...errs } },
    handler: (req) => certService.get(db, ctxOf(req), req.params.id),
  });

  r.post('/api/loans/certificates', {
    config: config('loan:apply'),
    schema: { tags, operationId: 'applyLoanCertificate', summary: '受理农户贷款证申请（第十二条1）', body: applyCertificateBody, response: { 200: certificateItem, ...errs } },
    handler: (req) => certService.apply(db, ctxOf(req), req.body.householdId),
  });

  r.post('/api/loans/certificates/:id/village-review', {
    config: config('loan:review:village'),
    schema: {
      tags,
      operationId: 'villageReviewLoanCertificate',
      summary: '村委会审查贷款证申请（收入、诚信）',
      params: idParams,
      body: villageReviewCertBody,
      response: { 200: certificateItem, ...errs },
    },
    handler: (req) => certService.villageReview(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/loans/certificates/:id/coop-decision', {
    config: config('loan:review:coop'),
    schema: {
      tags,
      operationId: 'coopDecideLoanCertificate',
      summary: '信用社评定信用等级并发放贷款证，或不予发放',
      params: idParams,
      body: coopDecisionCertBody,
      response: { 200: certificateItem, ...errs },
    },
    handler: (req) => certService.coopDecision(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/loans/certificates/:id/revoke', {
    config: config('loan:review:coop'),
    schema: { tags, operationId: 'revokeLoanCertificate', summary: '收回贷款证', params: idParams, body: revokeCertBody, response: { 200: certificateItem, ...errs } },
    handler: (req) => certService.revoke(db, ctxOf(req), req.params.id, req.body),
  });
};
