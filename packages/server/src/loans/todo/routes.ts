import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { financeTodoQuery, financeTodoResponse, todoFieldLabels } from './schemas';
import { financeTodo } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope };

export const todoRoutes: Module = (app, { db }) => {
  typed(app).get('/api/loans/funds/todo', {
    config: { permission: 'loan:view', fieldLabels: todoFieldLabels },
    schema: {
      tags: ['loans'],
      operationId: 'loanFinanceTodo',
      summary: '财政所待办：季初预拨、季末结算、提款报账，按期限排列（剩余工作日，逾期标红）',
      querystring: financeTodoQuery,
      response: { 200: financeTodoResponse, ...errs },
    },
    handler: (req) => financeTodo(db, ctxOf(req), req.query),
  });
};
