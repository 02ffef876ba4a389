import type { FastifyInstance } from 'fastify';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Deps } from '../../http/types';
import { cfg } from '../pairing/routes';
import {
  dashboardQuery,
  dashboardResponse,
  exportQuery,
  householdRateQuery,
  householdRateResponse,
  putRuleBody,
  ratesQuery,
  ratesResponse,
  ruleItem,
  ruleParams,
  ruleQuery,
  unpairedQuery,
  unpairedResponse,
} from './schemas';
import { rateService as s } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['visits'];

export function rateRoutes(app: FastifyInstance, { db }: Deps) {
  const r = typed(app);

  r.get('/api/visits/rules', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'getVisitRule', summary: '某县某年的走访规则（未设置时为默认值）', querystring: ruleQuery, response: { 200: ruleItem, ...errs } },
    handler: (req) => s.getRule(db, ctxOf(req), req.query.countyCode, req.query.year),
  });
  r.put('/api/visits/rules/:countyCode/:year', {
    config: cfg('visit:rule:edit'),
    schema: {
      tags,
      operationId: 'putVisitRule',
      summary: '设置某县某年的走访规则（每月次数、走贫日、计入方式、驻村天数、季度报告截止日）',
      params: ruleParams,
      body: putRuleBody,
      response: { 200: ruleItem, ...errs },
    },
    handler: (req) => s.putRule(db, ctxOf(req), req.params.countyCode, req.params.year, req.body),
  });

  r.get('/api/visits/rates', {
    config: cfg('visit:view'),
    schema: {
      tags,
      operationId: 'getVisitRates',
      summary: '走访率：按县、乡镇、村、帮扶单位或帮扶干部统计某月（最低的在前）',
      querystring: ratesQuery,
      response: { 200: ratesResponse, ...errs },
    },
    handler: (req) => s.rates(db, ctxOf(req), req.query),
  });
  r.get('/api/visits/rates/households', {
    config: cfg('visit:view'),
    schema: {
      tags,
      operationId: 'listVisitRateHouseholds',
      summary: '某月各户走访情况（默认只列未达标与需重新结对：月度催办清单）',
      querystring: householdRateQuery,
      response: { 200: householdRateResponse, ...errs },
    },
    handler: (req) => s.households(db, ctxOf(req), req.query),
  });
  r.get('/api/visits/rates/unpaired', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listUnpairedHouseholds', summary: '未结对帮扶责任人的农户', querystring: unpairedQuery, response: { 200: unpairedResponse, ...errs } },
    handler: (req) => s.unpaired(db, ctxOf(req), req.query),
  });
  r.get('/api/visits/rates/export', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'exportVisitRates', summary: '导出走访率与催办清单（Excel：按村汇总、落后单位、落后干部、未达标农户、未结对农户）', querystring: exportQuery },
    handler: async (req, reply) => {
      const f = await s.exportXlsx(db, ctxOf(req), req.query);
      reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`);
      return reply.send(f.buffer);
    },
  });
  r.get('/api/visits/dashboard', {
    config: cfg('visit:view'),
    schema: {
      tags,
      operationId: 'getVisitDashboard',
      summary: '结对帮扶看板：结对户数、干部数、全年走访、发现与解决的问题、驻村考勤、逐月走访率',
      querystring: dashboardQuery,
      response: { 200: dashboardResponse, ...errs },
    },
    handler: (req) => s.dashboard(db, ctxOf(req), req.query),
  });
}
