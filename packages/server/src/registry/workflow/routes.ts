import { sql } from 'kysely';
import { writeAudit } from '../../audit/audit';
import { ctxOf } from '../../http/auth-hooks';
import { errorEnvelope } from '../../http/common-schemas';
import { errors } from '../../http/errors';
import { scopeCoversArea } from '../../scope/scope';
import { regErrors } from '../common';
import { typed, type Module } from '../../http/types';
import { fenToYuan } from '@fupin/shared';
import { householdRepo } from '../households/repository';
import { idParam } from '../households/schemas';
import { exitCheck } from './exit';
import {
  announceBody,
  appraiseBody,
  decideBody,
  exitVerdictSchema,
  listWorkflowsQuery,
  listWorkflowsResponse,
  noticeBody,
  noticePrint,
  noticePrintQuery,
  objectionBody,
  povertyLineBody,
  povertyLineItem,
  povertyLineParams,
  resolveObjectionBody,
  startWorkflowBody,
  withdrawBody,
  workflowDetail,
  workflowFieldLabels,
} from './schemas';
import { noticePrintData, workflowService } from './service';
import { z } from 'zod';

const errs = { 400: errorEnvelope, 403: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
const tags = ['registry'];

export const workflowRoutes: Module = (app, { db }) => {
  const r = typed(app);
  const config = (permission: string) => ({ permission, fieldLabels: workflowFieldLabels });
  const step = <B extends z.ZodType>(
    path: string,
    permission: string,
    operationId: string,
    summary: string,
    body: B,
    fn: (ctx: ReturnType<typeof ctxOf>, id: number, b: z.output<B>) => Promise<unknown>,
  ) =>
    r.post(path, {
      config: config(permission),
      schema: { tags, operationId, summary, params: idParam, body, response: { 200: workflowDetail, ...errs } },
      handler: (req) => fn(ctxOf(req), req.params.id, req.body as z.output<B>) as never,
    });

  r.get('/api/registry/workflows', {
    config: config('registry:household:view'),
    schema: {
      tags,
      operationId: 'listWorkflows',
      summary: '识别、退出、返贫、注销、监测流程列表（按期限排序，顶部按环节计数；overdue=true 只看超期）',
      querystring: listWorkflowsQuery,
      response: { 200: listWorkflowsResponse, ...errs },
    },
    handler: (req) => workflowService.list(db, ctxOf(req), req.query),
  });

  r.get('/api/registry/workflows/:id', {
    config: config('registry:household:view'),
    schema: { tags, operationId: 'getWorkflow', summary: '流程详情（各环节记录、公示异议、退出核验结果）', params: idParam, response: { 200: workflowDetail, ...errs } },
    handler: (req) => workflowService.get(db, ctxOf(req), req.params.id),
  });

  r.post('/api/registry/workflows', {
    config: config('registry:workflow:village'),
    schema: {
      tags,
      operationId: 'startWorkflow',
      summary: '启动流程：识别、脱贫退出（系统先核验退出标准）、纳入监测、返贫、注销',
      body: startWorkflowBody,
      response: { 200: workflowDetail, ...errs },
    },
    handler: (req) => workflowService.start(db, ctxOf(req), req.body),
  });

  step('/api/registry/workflows/:id/appraise', 'registry:workflow:village', 'appraiseWorkflow', '村级民主评议（通过 / 不通过）', appraiseBody, (c, id, b) => workflowService.appraise(db, c, id, b));
  step('/api/registry/workflows/:id/notice', 'registry:workflow:village', 'postWorkflowNotice', '张贴村级公示（公示期不少于参数 registry.noticeDays 天）', noticeBody, (c, id, b) =>
    workflowService.notice(db, c, id, b),
  );
  step('/api/registry/workflows/:id/objections', 'registry:workflow:village', 'addWorkflowObjection', '登记公示异议', objectionBody, (c, id, b) =>
    workflowService.addObjection(db, c, id, b),
  );
  step('/api/registry/objections/:id/resolve', 'registry:workflow:village', 'resolveObjection', '处理公示异议（成立则退回重新评议）', resolveObjectionBody, (c, id, b) =>
    workflowService.resolveObjection(db, c, id, b),
  );
  step('/api/registry/workflows/:id/township-review', 'registry:workflow:township', 'townshipReviewWorkflow', '乡镇审核（公示期满且异议处理完毕后）', decideBody, (c, id, b) =>
    workflowService.townshipReview(db, c, id, b),
  );
  step('/api/registry/workflows/:id/county-approval', 'registry:workflow:county', 'countyApproveWorkflow', '县级审批', decideBody, (c, id, b) =>
    workflowService.countyApproval(db, c, id, b),
  );
  step('/api/registry/workflows/:id/announce', 'registry:workflow:county', 'announceWorkflow', '发布公告，完成流程并变更农户状态', announceBody, (c, id, b) =>
    workflowService.announce(db, c, id, b),
  );
  step('/api/registry/workflows/:id/withdraw', 'registry:workflow:village', 'withdrawWorkflow', '撤回流程（乡镇审核前）', withdrawBody, (c, id, b) =>
    workflowService.withdraw(db, c, id, b),
  );

  r.get('/api/registry/notices/print', {
    config: config('registry:household:view'),
    schema: {
      tags,
      operationId: 'printNotice',
      summary: '村级公示打印数据（A4；不含身份证号、电话、银行账号和健康信息）',
      querystring: noticePrintQuery,
      response: { 200: noticePrint, ...errs },
    },
    handler: (req) => noticePrintData(db, ctxOf(req), req.query),
  });

  r.get('/api/registry/households/:id/exit-check', {
    config: config('registry:household:view'),
    schema: { tags, operationId: 'exitCheck', summary: '脱贫退出标准核验（逐项说明是否达到）', params: idParam, response: { 200: exitVerdictSchema, ...errs } },
    handler: async (req) => {
      const h = await householdRepo.find(db, ctxOf(req).scope, req.params.id);
      if (!h) throw errors.notFound('农户');
      return exitCheck(db, h);
    },
  });

  r.get('/api/registry/poverty-lines', {
    config: config('registry:household:view'),
    schema: {
      tags,
      operationId: 'listPovertyLines',
      summary: '贫困线（按年度；县级优先于省级，省级优先于 000000 全国默认）',
      response: { 200: z.object({ items: z.array(povertyLineItem) }) },
    },
    handler: async () => {
      const rows = await db.selectFrom('poverty_line').selectAll().orderBy('province_code').orderBy('year').execute();
      return { items: rows.map((x) => ({ provinceCode: x.province_code, year: x.year, lineFen: x.line_fen, note: x.note })) };
    },
  });

  r.put('/api/registry/poverty-lines/:provinceCode/:year', {
    config: { permission: 'system:param:edit' },
    schema: {
      tags,
      operationId: 'setPovertyLine',
      summary: '设置某年度的贫困线（全国默认 000000、省级或县级，元/人·年，以分计）',
      params: povertyLineParams,
      body: povertyLineBody,
      response: { 200: povertyLineItem, ...errs },
    },
    handler: async (req) => {
      const ctx = ctxOf(req);
      const { provinceCode, year } = req.params;
      // national lines only from a scope over everything; a province's or a county's only from
      // a scope over it, so a county administrator sets the county's own line and nobody else's
      const level = provinceCode === '000000' ? 'national' : provinceCode.endsWith('0000') ? 'province' : 'county';
      if (level === 'national' ? ctx.scope.kind !== 'all' : !scopeCoversArea(ctx.scope, provinceCode)) throw errors.outOfScope(level === 'national' ? '全国默认标准' : `区划 ${provinceCode}`);
      if (level === 'county') {
        const a = await db.selectFrom('area').select('level').where('code', '=', provinceCode).executeTakeFirst();
        if (a?.level !== 3) throw regErrors.areaLevel(`${provinceCode} 不是县级区划代码（全国默认用 000000，省级用后四位为 0000 的代码）`);
      }
      return db.transaction().execute(async (tx) => {
        const before = await tx.selectFrom('poverty_line').selectAll().where('province_code', '=', provinceCode).where('year', '=', year).executeTakeFirst();
        const row = await tx
          .insertInto('poverty_line')
          .values({ province_code: provinceCode, year, line_fen: req.body.lineFen, note: req.body.note ?? null })
          .onConflict((oc) => oc.columns(['province_code', 'year']).doUpdateSet({ line_fen: req.body.lineFen, note: req.body.note ?? null, updated_at: sql`now()` }))
          .returningAll()
          .executeTakeFirstOrThrow();
        await writeAudit(tx, ctx, {
          module: 'registry',
          action: 'poverty-line',
          entity: 'poverty_line',
          entityId: `${provinceCode}:${year}`,
          ...(level === 'county' ? { areaCode: provinceCode, countyCode: provinceCode } : {}),
          summary: `设置 ${level === 'national' ? '全国默认' : level === 'province' ? `省级（${provinceCode}）` : `县级（${provinceCode}）`} ${year} 年贫困线为 ${fenToYuan(req.body.lineFen)} 元`,
          before: before ? { line_fen: before.line_fen } : null,
          after: { line_fen: row.line_fen },
        });
        return { provinceCode: row.province_code, year: row.year, lineFen: row.line_fen, note: row.note };
      });
    },
  });
};
