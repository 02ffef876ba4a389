import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope, idParams } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { createUserBody, createUserResponse, listUsersQuery, listUsersResponse, resetPasswordResponse, updateUserBody, userFieldLabels, userItem } from './schemas';
import { userService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const userRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: userFieldLabels });

  r.get('/api/users', {
    config: config('system:user:view'),
    schema: { tags: ['users'], operationId: 'listUsers', summary: '用户列表（本人数据权限范围内，手机号脱敏）', querystring: listUsersQuery, response: { 200: listUsersResponse, ...errs } },
    handler: (req) => userService.list(db, ctxOf(req), req.query),
  });
  r.get('/api/users/:id', {
    config: config('system:user:view'),
    schema: { tags: ['users'], operationId: 'getUser', summary: '用户详情', params: idParams, response: { 200: userItem, ...errs } },
    handler: (req) => userService.get(db, ctxOf(req), req.params.id),
  });
  r.post('/api/users', {
    config: config('system:user:edit'),
    schema: {
      tags: ['users'],
      operationId: 'createUser',
      summary: '新增用户（未给密码时生成初始密码，只返回这一次；首次登录须修改）',
      body: createUserBody,
      response: { 200: createUserResponse, ...errs },
    },
    handler: (req) => userService.create(db, ctxOf(req), req.body),
  });
  r.patch('/api/users/:id', {
    config: config('system:user:edit'),
    schema: { tags: ['users'], operationId: 'updateUser', summary: '修改用户（用户名不可改；停用会结束其登录会话）', params: idParams, body: updateUserBody, response: { 200: userItem, ...errs } },
    handler: (req) => userService.update(db, ctxOf(req), req.params.id, req.body),
  });
  r.delete('/api/users/:id', {
    config: config('system:user:edit'),
    schema: { tags: ['users'], operationId: 'disableUser', summary: '停用用户（保留其操作记录，不物理删除）', params: idParams, response: { 200: userItem, ...errs } },
    handler: (req) => userService.disable(db, ctxOf(req), req.params.id),
  });
  r.post('/api/users/:id/reset-password', {
    config: config('system:user:reset-password'),
    schema: { tags: ['users'], operationId: 'resetUserPassword', summary: '重置用户密码（新密码只返回这一次，下次登录须修改）', params: idParams, response: { 200: resetPasswordResponse, ...errs } },
    handler: (req) => userService.resetPassword(db, ctxOf(req), req.params.id),
  });
};
