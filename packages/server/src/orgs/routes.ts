import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope, idParams, okResponse } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { createOrgBody, listOrgsQuery, listOrgsResponse, orgFieldLabels, orgItem, updateOrgBody } from './schemas';
import { orgService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const orgRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: orgFieldLabels });

  r.get('/api/orgs', {
    config: config('system:org:view'),
    schema: { tags: ['orgs'], operationId: 'listOrgs', summary: '机构列表（本人数据权限范围内）', querystring: listOrgsQuery, response: { 200: listOrgsResponse, ...errs } },
    handler: (req) => orgService.list(db, ctxOf(req), req.query),
  });
  r.get('/api/orgs/:id', {
    config: config('system:org:view'),
    schema: { tags: ['orgs'], operationId: 'getOrg', summary: '机构详情', params: idParams, response: { 200: orgItem, ...errs } },
    handler: (req) => orgService.get(db, ctxOf(req), req.params.id),
  });
  r.post('/api/orgs', {
    config: config('system:org:edit'),
    schema: { tags: ['orgs'], operationId: 'createOrg', summary: '新增机构', body: createOrgBody, response: { 200: orgItem, ...errs } },
    handler: (req) => orgService.create(db, ctxOf(req), req.body),
  });
  r.patch('/api/orgs/:id', {
    config: config('system:org:edit'),
    schema: { tags: ['orgs'], operationId: 'updateOrg', summary: '修改机构（所在区划不可改）', params: idParams, body: updateOrgBody, response: { 200: orgItem, ...errs } },
    handler: (req) => orgService.update(db, ctxOf(req), req.params.id, req.body),
  });
  r.delete('/api/orgs/:id', {
    config: config('system:org:edit'),
    schema: { tags: ['orgs'], operationId: 'deleteOrg', summary: '删除机构（无用户、无下级时；否则请停用）', params: idParams, response: { 200: okResponse, ...errs } },
    handler: async (req) => {
      await orgService.remove(db, ctxOf(req), req.params.id);
      return { ok: true as const };
    },
  });
};
