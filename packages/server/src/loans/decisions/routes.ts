import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope, idParams } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import { decisionFieldLabels, decisionNoticeSchema, deliverBody, listNoticesQuery, listNoticesResponse, notificationSchema, notificationsQuery, notificationsResponse } from './schemas';
import { decisionService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['loans'];

/** 第十二条2: decision notices to households and the station's notifications. */
export const decisionRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: decisionFieldLabels });

  r.get('/api/loans/decision-notices', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanDecisionNotices', summary: '贷款决定通知书列表（可按申请、是否已送达筛选）', querystring: listNoticesQuery, response: { 200: listNoticesResponse, ...errs } },
    handler: (req) => decisionService.notices(db, ctxOf(req), req.query),
  });

  r.get('/api/loans/decision-notices/:id', {
    config: config('loan:view'),
    schema: { tags, operationId: 'getLoanDecisionNotice', summary: '贷款决定通知书（可打印，姓名与身份证号已脱敏）', params: idParams, response: { 200: decisionNoticeSchema, ...errs } },
    handler: (req) => decisionService.notice(db, ctxOf(req), req.params.id),
  });

  r.post('/api/loans/decision-notices/:id/delivery', {
    // village clerks and coops (loan:apply) or the station hand the notice over; checked in the service
    config: config('loan:view'),
    schema: { tags, operationId: 'deliverLoanDecisionNotice', summary: '登记决定通知书送达农户（日期、方式、签收人），只能登记一次', params: idParams, body: deliverBody, response: { 200: decisionNoticeSchema, ...errs } },
    handler: (req) => decisionService.deliver(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/loans/notifications', {
    config: config('loan:view'),
    schema: { tags, operationId: 'listLoanNotifications', summary: '工作站收到的贷款决定通知（含未读数）', querystring: notificationsQuery, response: { 200: notificationsResponse, ...errs } },
    handler: (req) => decisionService.notifications(db, ctxOf(req), req.query),
  });

  r.post('/api/loans/notifications/:id/read', {
    config: config('loan:view'),
    schema: { tags, operationId: 'readLoanNotification', summary: '标记贷款决定通知为已阅', params: idParams, response: { 200: notificationSchema, ...errs } },
    handler: (req) => decisionService.markRead(db, ctxOf(req), req.params.id),
  });
};
