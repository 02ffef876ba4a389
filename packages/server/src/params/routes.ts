import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { listParamsResponse, paramFieldLabels, paramItem, paramParams, updateParamBody } from './schemas';
import { paramService } from './service';

export const paramRoutes: Module = (app, { db }) => {
  const r = typed(app);
  r.get('/api/params', {
    config: { permission: 'system:param:view' },
    schema: { tags: ['params'], operationId: 'listParams', summary: '系统参数列表', response: { 200: listParamsResponse, 403: errorEnvelope } },
    handler: () => paramService.list(db),
  });
  r.patch('/api/params/:key', {
    config: { permission: 'system:param:edit', fieldLabels: paramFieldLabels },
    schema: {
      tags: ['params'],
      operationId: 'updateParam',
      summary: '修改系统参数（按参数校验取值范围）',
      params: paramParams,
      body: updateParamBody,
      response: { 200: paramItem, 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope },
    },
    handler: (req) => paramService.update(db, ctxOf(req), req.params.key, req.body.value),
  });
};
