import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Deps } from '../../http/types';
import type { FastifyInstance } from 'fastify';
import { VISIT_FIELD_LABELS } from '../common';
import {
  cadreItem,
  cadreStatusBody,
  cadreStatusResponse,
  createCadreBody,
  createExemptionBody,
  createPairingBody,
  createUnitVillageBody,
  endBody,
  exemptionItem,
  idParam,
  listCadresQuery,
  listCadresResponse,
  listExemptionsQuery,
  listExemptionsResponse,
  listPairingsQuery,
  listPairingsResponse,
  listUnitVillagesQuery,
  listUnitVillagesResponse,
  pairingItem,
  unitVillageItem,
  updateCadreBody,
  updateUnitVillageBody,
  unitsQuery,
  unitsResponse,
} from './schemas';
import { pairingService as s } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['visits'];
export const cfg = (permission: string) => ({ permission, fieldLabels: VISIT_FIELD_LABELS });

export function pairingRoutes(app: FastifyInstance, { db }: Deps) {
  const r = typed(app);

  r.get('/api/visits/units', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listHelpingUnits', summary: '可选的帮扶单位（本人所在县的帮扶单位）', querystring: unitsQuery, response: { 200: unitsResponse, ...errs } },
    handler: (req) => s.units(db, ctxOf(req), req.query.keyword),
  });

  // 单位包村
  r.get('/api/visits/unit-villages', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listUnitVillages', summary: '单位包村列表', querystring: listUnitVillagesQuery, response: { 200: listUnitVillagesResponse, ...errs } },
    handler: (req) => s.listUnitVillages(db, ctxOf(req), req.query),
  });
  r.post('/api/visits/unit-villages', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'createUnitVillage', summary: '安排帮扶单位包村（可设牵头单位，每村一个）', body: createUnitVillageBody, response: { 200: unitVillageItem, ...errs } },
    handler: (req) => s.createUnitVillage(db, ctxOf(req), req.body),
  });
  r.patch('/api/visits/unit-villages/:id', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'updateUnitVillage', summary: '修改单位包村（牵头、备注）', params: idParam, body: updateUnitVillageBody, response: { 200: unitVillageItem, ...errs } },
    handler: (req) => s.updateUnitVillage(db, ctxOf(req), req.params.id, req.body),
  });
  r.post('/api/visits/unit-villages/:id/end', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'endUnitVillage', summary: '结束单位包村', params: idParam, body: endBody, response: { 200: unitVillageItem, ...errs } },
    handler: (req) => s.endUnitVillage(db, ctxOf(req), req.params.id, req.body),
  });

  // 帮扶干部
  r.get('/api/visits/cadres', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listCadres', summary: '帮扶干部列表', querystring: listCadresQuery, response: { 200: listCadresResponse, ...errs } },
    handler: (req) => s.listCadres(db, ctxOf(req), req.query),
  });
  r.get('/api/visits/cadres/:id', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'getCadre', summary: '帮扶干部详情', params: idParam, response: { 200: cadreItem, ...errs } },
    handler: (req) => s.getCadre(db, ctxOf(req), req.params.id),
  });
  r.post('/api/visits/cadres', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'createCadre', summary: '登记帮扶干部（可关联登录账号，也可无账号）', body: createCadreBody, response: { 200: cadreItem, ...errs } },
    handler: (req) => s.createCadre(db, ctxOf(req), req.body),
  });
  r.patch('/api/visits/cadres/:id', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'updateCadre', summary: '修改帮扶干部信息', params: idParam, body: updateCadreBody, response: { 200: cadreItem, ...errs } },
    handler: (req) => s.updateCadre(db, ctxOf(req), req.params.id, req.body),
  });
  r.post('/api/visits/cadres/:id/status', {
    config: cfg('visit:pairing:edit'),
    schema: {
      tags,
      operationId: 'setCadreStatus',
      summary: '变更帮扶干部状态（在岗 / 退休 / 调离），返回需重新结对的户数',
      params: idParam,
      body: cadreStatusBody,
      response: { 200: cadreStatusResponse, ...errs },
    },
    handler: (req) => s.setCadreStatus(db, ctxOf(req), req.params.id, req.body),
  });

  // 干部包户
  r.get('/api/visits/pairings', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listPairings', summary: '结对关系（当前或历史）', querystring: listPairingsQuery, response: { 200: listPairingsResponse, ...errs } },
    handler: (req) => s.listPairings(db, ctxOf(req), req.query),
  });
  r.post('/api/visits/pairings', {
    config: cfg('visit:pairing:edit'),
    schema: {
      tags,
      operationId: 'createPairing',
      summary: '结对或更换帮扶责任人（一户同一时间一名；更换时原结对于前一天结束）',
      body: createPairingBody,
      response: { 200: pairingItem, ...errs },
    },
    handler: (req) => s.createPairing(db, ctxOf(req), req.body),
  });
  r.post('/api/visits/pairings/:id/end', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'endPairing', summary: '结束结对', params: idParam, body: endBody, response: { 200: pairingItem, ...errs } },
    handler: (req) => s.endPairing(db, ctxOf(req), req.params.id, req.body),
  });

  // 豁免
  r.get('/api/visits/exemptions', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listVisitExemptions', summary: '走访豁免列表', querystring: listExemptionsQuery, response: { 200: listExemptionsResponse, ...errs } },
    handler: (req) => s.listExemptions(db, ctxOf(req), req.query),
  });
  r.post('/api/visits/exemptions', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'createVisitExemption', summary: '登记走访豁免（农户或帮扶干部，起止日期）', body: createExemptionBody, response: { 200: exemptionItem, ...errs } },
    handler: (req) => s.createExemption(db, ctxOf(req), req.body),
  });
  r.post('/api/visits/exemptions/:id/revoke', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'revokeVisitExemption', summary: '撤销走访豁免', params: idParam, response: { 200: exemptionItem, ...errs } },
    handler: (req) => s.revokeExemption(db, ctxOf(req), req.params.id),
  });
}
