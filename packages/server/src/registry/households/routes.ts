import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { typed, type Module } from '../../http/types';
import {
  createHouseholdBody,
  householdFieldLabels,
  householdWithMembers,
  idParam,
  listHouseholdsQuery,
  listHouseholdsResponse,
  listPersonsQuery,
  listPersonsResponse,
  memberItem,
  revealHouseholdResponse,
  revealPersonResponse,
  updateHouseholdBody,
  updatePersonBody,
} from './schemas';
import { householdService } from './service';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['registry'];

export const householdRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: householdFieldLabels });

  r.get('/api/registry/households', {
    config: config('registry:household:view'),
    schema: {
      tags,
      operationId: 'listHouseholds',
      summary: '农户档案列表（分页、筛选，顶部按状态计数；户主姓名按拼音排序）',
      querystring: listHouseholdsQuery,
      response: { 200: listHouseholdsResponse, ...errs },
    },
    handler: (req) => householdService.list(db, ctxOf(req), req.query),
  });

  r.post('/api/registry/households', {
    config: config('registry:household:edit'),
    schema: {
      tags,
      operationId: 'createHousehold',
      summary: '新建农户档案（含家庭成员；新户状态为“识别中”）',
      body: createHouseholdBody,
      response: { 200: householdWithMembers, ...errs },
    },
    handler: (req) => householdService.create(db, ctxOf(req), req.body),
  });

  r.get('/api/registry/households/:id', {
    config: config('registry:household:view'),
    schema: { tags, operationId: 'getHousehold', summary: '农户档案（含家庭成员）', params: idParam, response: { 200: householdWithMembers, ...errs } },
    handler: (req) => householdService.get(db, ctxOf(req), req.params.id),
  });

  r.patch('/api/registry/households/:id', {
    config: config('registry:household:edit'),
    schema: {
      tags,
      operationId: 'updateHousehold',
      summary: '修改农户档案（须带 version；他人已修改时返回 409）',
      params: idParam,
      body: updateHouseholdBody,
      response: { 200: householdWithMembers, ...errs },
    },
    handler: (req) => householdService.update(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/registry/households/:id/reveal', {
    config: config('registry:person:reveal'),
    schema: {
      tags,
      operationId: 'revealHousehold',
      summary: '查看农户完整电话、银行账号、户主身份证号码（记录操作日志）',
      params: idParam,
      response: { 200: revealHouseholdResponse, ...errs },
    },
    handler: (req) => householdService.revealHousehold(db, ctxOf(req), req.params.id),
  });

  r.get('/api/registry/persons', {
    config: config('registry:household:view'),
    schema: {
      tags,
      operationId: 'listPersons',
      summary: '家庭成员查询（姓名、身份证号码精确查找、村、健康、劳动力、年龄；按拼音排序）',
      querystring: listPersonsQuery,
      response: { 200: listPersonsResponse, ...errs },
    },
    handler: (req) => householdService.listPersons(db, ctxOf(req), req.query),
  });

  r.get('/api/registry/persons/:id', {
    config: config('registry:household:view'),
    schema: { tags, operationId: 'getPerson', summary: '家庭成员详情', params: idParam, response: { 200: memberItem, ...errs } },
    handler: (req) => householdService.getPerson(db, ctxOf(req), req.params.id),
  });

  r.patch('/api/registry/persons/:id', {
    config: config('registry:household:edit'),
    schema: {
      tags,
      operationId: 'updatePerson',
      summary: '修改家庭成员信息（须带 version；户主变更、死亡、迁出等请用动态调整）',
      params: idParam,
      body: updatePersonBody,
      response: { 200: memberItem, ...errs },
    },
    handler: (req) => householdService.updatePerson(db, ctxOf(req), req.params.id, req.body),
  });

  r.post('/api/registry/persons/:id/reveal', {
    config: config('registry:person:reveal'),
    schema: {
      tags,
      operationId: 'revealPerson',
      summary: '查看家庭成员完整身份证号码和电话（记录操作日志）',
      params: idParam,
      response: { 200: revealPersonResponse, ...errs },
    },
    handler: (req) => householdService.revealPerson(db, ctxOf(req), req.params.id),
  });
};
