import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import {
  createSchemeBody,
  currentSchemeQuery,
  listQuotasQuery,
  listQuotasResponse,
  listSchemesQuery,
  putQuotaBody,
  quotaItem,
  reviseSchemeBody,
  schemeFieldLabels,
  schemeItem,
} from './schemas';
import { quotaService, schemeService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['loans'];

export const schemeRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: schemeFieldLabels });

  r.get('/api/loans/schemes', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'listLoanSchemes',
      summary: '贷款方案列表（默认只列现行版本）',
      querystring: listSchemesQuery,
      response: { 200: z.object({ items: z.array(schemeItem) }), ...errs },
    },
    handler: (req) => schemeService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/schemes/current', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getCurrentLoanScheme', summary: '某县某年度的现行贷款方案', querystring: currentSchemeQuery, response: { 200: schemeItem, ...errs } },
    handler: (req) => schemeService.current(db, ctxOf(req), req.query.countyCode, req.query.year),
  });

  r.get('/api/loans/schemes/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanScheme', summary: '贷款方案某一版本', params: idParams, response: { 200: schemeItem, ...errs } },
    handler: (req) => schemeService.get(db, ctxOf(req), req.params.id),
  });

  r.post('/api/loans/schemes', {
    config: config('loan:scheme:edit'),
    schema: {
      tags,
      operationId: 'createLoanScheme',
      summary: '发布年度贷款方案（第 1 版；未填的参数取办法的规定值）',
      body: createSchemeBody,
      response: { 200: schemeItem, ...errs },
    },
    handler: (req) => schemeService.create(db, ctxOf(req), req.body),
  });

  r.post('/api/loans/schemes/:id/revise', {
    config: config('loan:scheme:edit'),
    schema: {
      tags,
      operationId: 'reviseLoanScheme',
      summary: '修订贷款方案（生成新版本，已有贷款仍按原版本执行）',
      params: idParams,
      body: reviseSchemeBody,
      response: { 200: schemeItem, ...errs },
    },
    handler: (req) => schemeService.revise(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/loans/quotas', {
    config: config('loan:view'),
    schema: {
      tags,
      operationId: 'listLoanQuotas',
      summary: '乡镇年度计划指标与实时使用情况',
      querystring: listQuotasQuery,
      response: { 200: listQuotasResponse, ...errs },
    },
    handler: (req) => quotaService.list(db, ctxOf(req), req.query.countyCode, req.query.year),
  });

  r.put('/api/loans/quotas', {
    config: config('loan:scheme:edit'),
    schema: {
      tags,
      operationId: 'putLoanQuota',
      summary: '下达或调整乡镇年度计划指标（金额与笔数）',
      body: putQuotaBody,
      response: { 200: quotaItem, ...errs },
    },
    handler: (req) => quotaService.put(db, ctxOf(req), req.body),
  });
};
