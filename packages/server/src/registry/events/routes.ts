import { z } from 'zod';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { householdFieldLabels, householdWithMembers, idParam } from '../households/schemas';
import { eventFieldLabels, eventItem, householdEventBody } from './schemas';
import { eventService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['registry'];

export const eventRoutes: Module = (app, { db }) => {
  const r = typed(app);
  r.post('/api/registry/households/:id/events', {
    config: { permission: 'registry:household:edit', fieldLabels: { ...householdFieldLabels, ...eventFieldLabels } },
    schema: {
      tags,
      operationId: 'recordHouseholdEvent',
      summary: '动态调整：出生、死亡、婚入、婚出、迁入、迁出、户间迁移、分户、并户、户主变更、补录、删除错误登记（须带本户 version）',
      params: idParam,
      body: householdEventBody,
      response: { 200: householdWithMembers, ...errs },
    },
    handler: (req) => eventService.apply(db, ctxOf(req), req.params.id, req.body),
  });
  r.get('/api/registry/households/:id/events', {
    config: { permission: 'registry:household:view' },
    schema: { tags, operationId: 'listHouseholdEvents', summary: '本户动态调整记录（新的在前）', params: idParam, response: { 200: z.object({ items: z.array(eventItem) }), ...errs } },
    handler: async (req) => ({ items: await eventService.list(db, ctxOf(req), req.params.id) }),
  });
};
