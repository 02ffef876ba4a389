import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope, okResponse } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import {
  addWorkingDaysQuery,
  addWorkingDaysResponse,
  calendarFieldLabels,
  calendarQuery,
  calendarResponse,
  overrideBody,
  overrideParams,
  overrideResponse,
} from './schemas';
import { calendarService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };

export const calendarRoutes: Module = (app, { db }) => {
  const r = typed(app);

  r.get('/api/calendar', {
    config: { permission: 'system:calendar:view', fieldLabels: calendarFieldLabels },
    schema: {
      tags: ['calendar'],
      operationId: 'getCalendar',
      summary: '一年中与“周一至周五上班”不同的日子：法定节假日、调休上班日和人工调整',
      querystring: calendarQuery,
      response: { 200: calendarResponse, ...errs },
    },
    handler: (req) => calendarService.year(db, req.query.year),
  });

  // Any logged-in user: every module shows deadlines counted in working days.
  r.get('/api/calendar/add-working-days', {
    config: { fieldLabels: calendarFieldLabels },
    schema: {
      tags: ['calendar'],
      operationId: 'addWorkingDays',
      summary: '从某日起算第 n 个工作日（当日不计；n=0 为当日或其后第一个工作日）',
      querystring: addWorkingDaysQuery,
      response: { 200: addWorkingDaysResponse, ...errs },
    },
    handler: (req) => calendarService.addWorkingDays(db, req.query.date, req.query.n),
  });

  r.put('/api/calendar/overrides/:date', {
    config: { permission: 'system:calendar:edit', fieldLabels: calendarFieldLabels },
    schema: {
      tags: ['calendar'],
      operationId: 'setCalendarOverride',
      summary: '设置某日为上班或放假（覆盖国家安排，用于次年安排公布后或更正）',
      params: overrideParams,
      body: overrideBody,
      response: { 200: overrideResponse, ...errs },
    },
    handler: (req) => calendarService.setOverride(db, ctxOf(req), req.params.date, req.body),
  });

  r.delete('/api/calendar/overrides/:date', {
    config: { permission: 'system:calendar:edit', fieldLabels: calendarFieldLabels },
    schema: { tags: ['calendar'], operationId: 'deleteCalendarOverride', summary: '删除某日的人工调整', params: overrideParams, response: { 200: okResponse, ...errs } },
    handler: async (req) => {
      await calendarService.deleteOverride(db, ctxOf(req), req.params.date);
      return { ok: true as const };
    },
  });
};
