import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { createItemBody, dictFieldLabels, dictItem, dictType, itemParams, listDictQuery, listDictsResponse, typeParams, updateItemBody } from './schemas';
import { dictService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const dictRoutes: Module = (app, { db }) => {
  const r = typed(app);

  // Reading needs only a login: every form in every module shows dictionary labels.
  r.get('/api/dicts', {
    config: { fieldLabels: dictFieldLabels },
    schema: { tags: ['dicts'], operationId: 'listDicts', summary: '全部字典及其项（enabledOnly=true 只返回启用的项）', querystring: listDictQuery, response: { 200: listDictsResponse, ...errs } },
    handler: (req) => dictService.list(db, req.query.enabledOnly === 'true'),
  });
  r.get('/api/dicts/:type', {
    config: { fieldLabels: dictFieldLabels },
    schema: { tags: ['dicts'], operationId: 'getDict', summary: '一个字典的项', params: typeParams, querystring: listDictQuery, response: { 200: dictType, ...errs } },
    handler: (req) => dictService.get(db, req.params.type, req.query.enabledOnly === 'true'),
  });
  r.post('/api/dicts/:type/items', {
    config: { permission: 'system:dict:edit', fieldLabels: dictFieldLabels },
    schema: { tags: ['dicts'], operationId: 'createDictItem', summary: '新增字典项（代码创建后不可修改）', params: typeParams, body: createItemBody, response: { 200: dictItem, ...errs } },
    handler: (req) => dictService.addItem(db, ctxOf(req), req.params.type, req.body),
  });
  r.patch('/api/dicts/:type/items/:code', {
    config: { permission: 'system:dict:edit', fieldLabels: dictFieldLabels },
    schema: {
      tags: ['dicts'],
      operationId: 'updateDictItem',
      summary: '修改字典项的名称、排序或启用状态（代码不可修改，已用的项请停用而不是删除）',
      params: itemParams,
      body: updateItemBody,
      response: { 200: dictItem, ...errs },
    },
    handler: (req) => dictService.updateItem(db, ctxOf(req), req.params.type, req.params.code, req.body),
  });
};
