import type { FastifyInstance } from 'fastify';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Deps } from '../../http/types';
import { cfg } from '../pairing/routes';
import { endBody, idParam } from '../pairing/schemas';
import {
  addMemberBody,
  attendanceItem,
  attendanceQuery,
  attendanceResponse,
  createTeamBody,
  listTeamsQuery,
  listTeamsResponse,
  memberMonthParams,
  putAttendanceBody,
  reportItem,
  reportsQuery,
  reportsResponse,
  reviewReportBody,
  submitReportBody,
  teamItem,
  updateTeamBody,
} from './schemas';
import { teamService as s } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['visits'];

export function teamRoutes(app: FastifyInstance, { db }: Deps) {
  const r = typed(app);

  r.get('/api/visits/teams', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listResidentTeams', summary: '驻村工作队（含第一书记、队长、队员）', querystring: listTeamsQuery, response: { 200: listTeamsResponse, ...errs } },
    handler: (req) => s.list(db, ctxOf(req), req.query),
  });
  r.get('/api/visits/teams/:id', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'getResidentTeam', summary: '驻村工作队详情', params: idParam, response: { 200: teamItem, ...errs } },
    handler: (req) => s.get(db, ctxOf(req), req.params.id),
  });
  r.post('/api/visits/teams', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'createResidentTeam', summary: '组建驻村工作队（每村同一时间一个）', body: createTeamBody, response: { 200: teamItem, ...errs } },
    handler: (req) => s.create(db, ctxOf(req), req.body),
  });
  r.patch('/api/visits/teams/:id', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'updateResidentTeam', summary: '修改驻村工作队', params: idParam, body: updateTeamBody, response: { 200: teamItem, ...errs } },
    handler: (req) => s.update(db, ctxOf(req), req.params.id, req.body),
  });
  r.post('/api/visits/teams/:id/end', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'endResidentTeam', summary: '结束工作队任期（队员随之离任）', params: idParam, body: endBody, response: { 200: teamItem, ...errs } },
    handler: (req) => s.end(db, ctxOf(req), req.params.id, req.body),
  });
  r.post('/api/visits/teams/:id/members', {
    config: cfg('visit:pairing:edit'),
    schema: {
      tags,
      operationId: 'addResidentMember',
      summary: '增加驻村队员（第一书记、队长各一名）',
      params: idParam,
      body: addMemberBody,
      response: { 200: teamItem, ...errs },
    },
    handler: (req) => s.addMember(db, ctxOf(req), req.params.id, req.body),
  });
  r.post('/api/visits/team-members/:id/end', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'endResidentMember', summary: '队员离任', params: idParam, body: endBody, response: { 200: teamItem, ...errs } },
    handler: (req) => s.endMember(db, ctxOf(req), req.params.id, req.body),
  });

  r.get('/api/visits/attendance', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listResidentAttendance', summary: '驻村考勤（每月在村天数是否达标）', querystring: attendanceQuery, response: { 200: attendanceResponse, ...errs } },
    handler: (req) => s.attendance(db, ctxOf(req), req.query),
  });
  r.put('/api/visits/team-members/:id/attendance/:month', {
    // station (visit:pairing:edit) or the member themselves (visit:record): checked in the service
    config: cfg('visit:view'),
    schema: {
      tags,
      operationId: 'putResidentAttendance',
      summary: '登记一名队员一个月的考勤（整月替换；工作站或队员本人）',
      params: memberMonthParams,
      body: putAttendanceBody,
      response: { 200: attendanceItem, ...errs },
    },
    handler: (req) => s.putAttendance(db, ctxOf(req), req.params.id, req.params.month, req.body),
  });

  r.get('/api/visits/reports', {
    config: cfg('visit:view'),
    schema: { tags, operationId: 'listResidentReports', summary: '驻村干部季度工作报告（应交、已交、逾期）', querystring: reportsQuery, response: { 200: reportsResponse, ...errs } },
    handler: (req) => s.reports(db, ctxOf(req), req.query),
  });
  r.post('/api/visits/team-members/:id/reports', {
    // the member themselves (visit:record) or the station: checked in the service
    config: cfg('visit:view'),
    schema: { tags, operationId: 'submitResidentReport', summary: '提交季度工作报告（退回后可重新提交）', params: idParam, body: submitReportBody, response: { 200: reportItem, ...errs } },
    handler: (req) => s.submitReport(db, ctxOf(req), req.params.id, req.body),
  });
  r.post('/api/visits/reports/:id/review', {
    config: cfg('visit:pairing:edit'),
    schema: { tags, operationId: 'reviewResidentReport', summary: '审核季度工作报告（通过或退回）', params: idParam, body: reviewReportBody, response: { 200: reportItem, ...errs } },
    handler: (req) => s.reviewReport(db, ctxOf(req), req.params.id, req.body),
  });
}
