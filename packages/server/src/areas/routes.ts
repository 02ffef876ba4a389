import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope, okResponse } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { areaCodeParams, areaDetail, areaFieldLabels, createAreaBody, listAreasQuery, listAreasResponse, updateAreaBody } from './schemas';
import { areaService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const areaRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: areaFieldLabels });

  r.get('/api/areas', {
    config: config('system:area:view'),
    schema: {
      tags: ['areas'],
      operationId: 'listAreas',
      summary: '行政区划：下级列表（不带 parentCode 时为本人数据权限的顶层区划；带 level 或 keyword 时在本人范围内搜索）',
      querystring: listAreasQuery,
      response: { 200: listAreasResponse, ...errs },
    },
    handler: (req) => areaService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/areas/:code', {
    config: config('system:area:view'),
    schema: { tags: ['areas'], operationId: 'getArea', summary: '行政区划详情（含上级路径）', params: areaCodeParams, response: { 200: areaDetail, ...errs } },
    handler: (req) => areaService.get(db, ctxOf(req), req.params.code),
  });

  r.post('/api/areas', {
    config: config('system:area:edit'),
    schema: { tags: ['areas'], operationId: 'createArea', summary: '新增行政区划', body: createAreaBody, response: { 200: areaDetail, ...errs } },
    handler: (req) => areaService.create(db, ctxOf(req), req.body),
  });

  r.patch('/api/areas/:code', {
    config: config('system:area:edit'),
    schema: {
      tags: ['areas'],
      operationId: 'updateArea',
      summary: '修改行政区划名称、排序或乡镇贷款前置条件（代码不可改）',
      params: areaCodeParams,
      body: updateAreaBody,
      response: { 200: areaDetail, ...errs },
    },
    handler: (req) => areaService.update(db, ctxOf(req), req.params.code, req.body),
  });

  r.delete('/api/areas/:code', {
    config: config('system:area:edit'),
    schema: { tags: ['areas'], operationId: 'deleteArea', summary: '删除行政区划（无下级、机构、用户和业务数据时）', params: areaCodeParams, response: { 200: okResponse, ...errs } },
    handler: async (req) => {
      await areaService.remove(db, ctxOf(req), req.params.code);
      return { ok: true as const };
    },
  });
};
