import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope, idParams, okResponse } from '../http/common-schemas';
import { can } from '../http/context';
import { errors } from '../http/errors';
import { typed, type Module } from '../http/types';
import { createRoleBody, listRolesResponse, permissionCatalogue as catalogueSchema, roleFieldLabels, roleItem, updateRoleBody } from './schemas';
import { permissionCatalogue, roleService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const roleRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: roleFieldLabels });

  r.get('/api/roles', {
    // Also for whoever maintains users: the user form picks roles from this list.
    config: { fieldLabels: roleFieldLabels },
    schema: { tags: ['roles'], operationId: 'listRoles', summary: '角色列表（内置角色在前；需要 system:role:view 或 system:user:edit）', response: { 200: listRolesResponse, ...errs } },
    handler: (req) => {
      const ctx = ctxOf(req);
      if (!can(ctx, 'system:role:view') && !can(ctx, 'system:user:edit')) throw errors.forbidden('system:role:view');
      return roleService.list(db);
    },
  });
  r.post('/api/roles', {
    config: config('system:role:edit'),
    schema: { tags: ['roles'], operationId: 'createRole', summary: '新增自定义角色（只能授予本人拥有的权限）', body: createRoleBody, response: { 200: roleItem, ...errs } },
    handler: (req) => roleService.create(db, ctxOf(req), req.body),
  });
  r.patch('/api/roles/:id', {
    config: config('system:role:edit'),
    schema: { tags: ['roles'], operationId: 'updateRole', summary: '修改自定义角色（内置角色不可修改）', params: idParams, body: updateRoleBody, response: { 200: roleItem, ...errs } },
    handler: (req) => roleService.update(db, ctxOf(req), req.params.id, req.body),
  });
  r.delete('/api/roles/:id', {
    config: config('system:role:edit'),
    schema: { tags: ['roles'], operationId: 'deleteRole', summary: '删除自定义角色（无用户使用时）', params: idParams, response: { 200: okResponse, ...errs } },
    handler: async (req) => {
      await roleService.remove(db, ctxOf(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.get('/api/permissions', {
    config: { permission: 'system:role:view' },
    schema: { tags: ['roles'], operationId: 'listPermissions', summary: '权限目录（按系统管理、建档立卡、到户贷款、结对帮扶分组）', response: { 200: catalogueSchema } },
    handler: async () => permissionCatalogue(),
  });
};
