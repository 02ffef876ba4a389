import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { todoResponse } from './schemas';
import { homeService } from './service';

export const homeRoutes: Module = (app, { db }) => {
  typed(app).get('/api/home/todo', {
    // Any logged-in user: each section checks the permission of the module it reads.
    config: {},
    schema: {
      tags: ['home'],
      operationId: 'homeTodo',
      summary: '工作台待办：识别退出流程、贷款审批、本月走访、整改任务、数据质量（均按本人权限和管辖范围）',
      response: { 200: todoResponse, 401: errorEnvelope },
    },
    handler: (req) => homeService.todo(db, ctxOf(req)),
  });
};
