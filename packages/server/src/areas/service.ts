import { AREA_LEVELS, ancestorsOf, areaCodeFromPrefix, areaPrefix, checkAreaCode, countyCodeOf, parentCodeOf, type AreaLevel } from '@fupin/shared/area';
import { diff, writeAudit } from '../audit/audit';
import type { Db, DbOrTx } from '../db/db';
import { isUniqueViolation } from '../db/sql-helpers';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { scopeCoversArea, scopeRoots, type Scope } from '../scope/scope';
import { areaRepo, type AreaRow, type AreaView } from './repository';
import type { AreaItem, CreateAreaBody, UpdateAreaBody } from './schemas';

const LEVEL_OF_NUMBER = AREA_LEVELS.map((l) => l.level);
export const levelNumber = (level: AreaLevel) => LEVEL_OF_NUMBER.indexOf(level) + 1;
export const levelName = (n: number): AreaLevel => LEVEL_OF_NUMBER[n - 1] ?? 'group';
const levelLabel = (n: number) => AREA_LEVELS[n - 1]?.label ?? '';

// A search (level or keyword without a parent) returns at most this many areas; a county has
// a few thousand village groups, a picker never needs more.
const SEARCH_LIMIT = 2000;

/** The area codes a scope's subtrees start at, without those already inside another root. */
export function scopeRootCodes(scope: Scope): string[] | 'all' {
  const roots = scopeRoots(scope);
  if (roots === 'all') return 'all';
  const codes = new Set<string>();
  for (const r of roots) {
    try {
      codes.add(r.length === 2 || r.length === 4 ? areaCodeFromPrefix(r) : r);
    } catch {
      /* a malformed prefix reaches nothing */
    }
  }
  const list = [...codes];
  return list.filter((c) => !list.some((o) => o !== c && c.startsWith(areaPrefix(o)))).sort();
}

export function areaViewOf(scope: Scope): AreaView {
  const roots = scopeRootCodes(scope);
  if (roots === 'all') return { scope, context: [] };
  const context = new Set<string>();
  for (const r of roots) for (const a of ancestorsOf(r)) context.add(a);
  return { scope, context: [...context] };
}

export function toItem(r: AreaRow): AreaItem {
  return {
    code: r.code,
    name: r.name,
    level: levelName(r.level),
    levelLabel: levelLabel(r.level),
    parentCode: r.parent_code,
    prefix: r.prefix,
    countyCode: r.county_code,
    hasChildren: r.has_children,
    loanPreconditionMet: r.loan_precondition_met,
    sort: r.sort,
    inScope: r.in_scope,
  };
}

function codeError(code: string, message: string, field = '区划代码') {
  return new AppError(400, code, `${field}：${message}`, { issues: [{ field, message }] });
}

const auditRow = (r: { code: string; name: string; level: number; parent_code: string | null; sort: number; loan_precondition_met: boolean }) => ({
  code: r.code,
  name: r.name,
  level: levelName(r.level),
  parentCode: r.parent_code,
  sort: r.sort,
  loanPreconditionMet: r.loan_precondition_met,
});

async function editable(db: DbOrTx, ctx: Ctx, code: string) {
  const row = await areaRepo.findVisible(db, areaViewOf(ctx.scope), code);
  if (!row) throw errors.notFound(`行政区划 ${code} `);
  if (!row.in_scope) throw errors.outOfScope(`行政区划 ${row.name}（仅可查看）`);
  return row;
}

export const areaService = {
  async list(db: Db, ctx: Ctx, q: { parentCode?: string; level?: AreaLevel; keyword?: string }) {
    const view = areaViewOf(ctx.scope);
    const level = q.level ? levelNumber(q.level) : undefined;
    if (q.parentCode) {
      const parent = await areaRepo.findVisible(db, view, q.parentCode);
      if (!parent) throw errors.notFound(`行政区划 ${q.parentCode} `);
      const rows = await areaRepo.list(db, view, { parentCode: q.parentCode, level, keyword: q.keyword, limit: SEARCH_LIMIT + 1 });
      return { items: rows.slice(0, SEARCH_LIMIT).map(toItem), truncated: rows.length > SEARCH_LIMIT };
    }
    if (level || q.keyword) {
      // A search covers the caller's own areas only, not the read-only ancestors.
      const rows = await areaRepo.list(db, { scope: ctx.scope, context: [] }, { level, keyword: q.keyword, limit: SEARCH_LIMIT + 1 });
      return { items: rows.slice(0, SEARCH_LIMIT).map(toItem), truncated: rows.length > SEARCH_LIMIT };
    }
    const roots = scopeRootCodes(ctx.scope);
    const rows =
      roots === 'all'
        ? await areaRepo.list(db, view, { rootsOnly: true, limit: SEARCH_LIMIT })
        : await areaRepo.list(db, view, { codes: roots, limit: SEARCH_LIMIT });
    return { items: rows.map(toItem), truncated: false };
  },

  async get(db: DbOrTx, ctx: Ctx, code: string) {
    const row = await areaRepo.findVisible(db, areaViewOf(ctx.scope), code);
    if (!row) throw errors.notFound(`行政区划 ${code} `);
    const chain = ancestorsOf(code);
    const names = new Map((await areaRepo.names(db, chain)).map((a) => [a.code, a.name]));
    return { ...toItem(row), path: chain.filter((c) => names.has(c)).map((c) => ({ code: c, name: names.get(c)! })) };
  },

  async create(db: Db, ctx: Ctx, body: CreateAreaBody) {
    const check = checkAreaCode(body.code);
    if (!check.ok) throw codeError('E1201', check.reason);
    const parentCode = parentCodeOf(body.code);
    if (body.parentCode !== undefined && body.parentCode !== null && body.parentCode !== parentCode) {
      throw codeError(
        'E1202',
        parentCode
          ? `区划代码 ${body.code} 的上级应为 ${parentCode}，而不是 ${body.parentCode}（乡镇、村、组的代码须在上级代码后加 3 位）`
          : `区划代码 ${body.code} 是省级代码，不能有上级`,
        '上级区划代码',
      );
    }
    if (!scopeCoversArea(ctx.scope, body.code)) throw errors.outOfScope(`行政区划 ${body.code} `);
    if (body.loanPreconditionMet !== undefined && check.level !== 'township') {
      throw codeError('E1206', '只有乡镇才有贷款前置条件（第五条1）', '贷款前置条件');
    }
    const level = levelNumber(check.level);
    return db.transaction().execute(async (tx) => {
      let parentName = '';
      if (parentCode) {
        const parent = await areaRepo.findAny(tx, parentCode);
        if (!parent) throw codeError('E1203', `上级区划 ${parentCode} 不存在，请先添加上级区划`, '上级区划代码');
        parentName = parent.name;
      }
      if (await areaRepo.findAny(tx, body.code)) throw new AppError(409, 'E1204', `区划代码 ${body.code} 已存在`);
      if (await areaRepo.siblingWithName(tx, parentCode, body.name)) {
        throw new AppError(409, 'E1205', `区划名称：${parentName || '顶层'}下已有名为「${body.name}」的区划`);
      }
      const row = await areaRepo.insert(tx, {
        code: body.code,
        parent_code: parentCode,
        name: body.name,
        level,
        prefix: areaPrefix(body.code),
        county_code: countyCodeOf(body.code),
        sort: body.sort ?? 0,
        loan_precondition_met: body.loanPreconditionMet ?? true,
      }).catch((e) => {
        throw isUniqueViolation(e) ? new AppError(409, 'E1204', `区划代码 ${body.code} 或同级名称「${body.name}」已存在`) : e;
      });
      await writeAudit(tx, ctx, {
        module: 'areas',
        action: 'create',
        entity: 'area',
        entityId: row.code,
        areaCode: row.code,
        summary: `新增${levelLabel(level)} ${row.name}（${row.code}）${parentName ? `，上级：${parentName}` : ''}`,
        after: auditRow(row),
      });
      return this.get(tx, ctx, row.code);
    });
  },

  async update(db: Db, ctx: Ctx, code: string, body: UpdateAreaBody) {
    return db.transaction().execute(async (tx) => {
      const before = await editable(tx, ctx, code);
      if (body.loanPreconditionMet !== undefined && levelName(before.level) !== 'township') {
        throw codeError('E1206', '只有乡镇才有贷款前置条件（第五条1）', '贷款前置条件');
      }
      if (body.name !== undefined && body.name !== before.name && (await areaRepo.siblingWithName(tx, before.parent_code, body.name, code))) {
        throw new AppError(409, 'E1205', `区划名称：同一上级下已有名为「${body.name}」的区划`);
      }
      const set = { name: body.name, sort: body.sort, loan_precondition_met: body.loanPreconditionMet };
      const d = diff(auditRow(before) as Record<string, unknown>, {
        ...(body.name !== undefined && { name: body.name }),
        ...(body.sort !== undefined && { sort: body.sort }),
        ...(body.loanPreconditionMet !== undefined && { loanPreconditionMet: body.loanPreconditionMet }),
      });
      if (!d.changed.length) return this.get(tx, ctx, code);
      await areaRepo.update(tx, code, set).catch((e) => {
        throw isUniqueViolation(e) ? new AppError(409, 'E1205', `区划名称：同一上级下已有名为「${body.name}」的区划`) : e;
      });
      const what: string[] = [];
      if ('name' in d.after) what.push(`名称改为「${body.name}」`);
      if ('sort' in d.after) what.push(`排序号改为 ${body.sort}`);
      if ('loanPreconditionMet' in d.after) what.push(`贷款前置条件（第五条1）改为${body.loanPreconditionMet ? '具备' : '不具备'}`);
      await writeAudit(tx, ctx, {
        module: 'areas',
        action: 'update',
        entity: 'area',
        entityId: code,
        areaCode: code,
        summary: `修改${levelLabel(before.level)} ${before.name}（${code}）：${what.join('，')}`,
        before: d.before,
        after: d.after,
      });
      return this.get(tx, ctx, code);
    });
  },

  async remove(db: Db, ctx: Ctx, code: string) {
    await db.transaction().execute(async (tx) => {
      const row = await editable(tx, ctx, code);
      const u = await areaRepo.usage(tx, code);
      const reasons: string[] = [];
      if (u.children) reasons.push(`${u.children} 个下级区划`);
      if (u.orgs) reasons.push(`${u.orgs} 个机构`);
      if (u.users) reasons.push(`${u.users} 个用户的岗位`);
      if (u.scopes) reasons.push(`${u.scopes} 个用户的自定义数据权限`);
      if (u.households) reasons.push(`${u.households} 户农户档案`);
      if (reasons.length) throw new AppError(409, 'E1207', `行政区划 ${row.name} 仍被使用（${reasons.join('、')}），不能删除`, u);
      await writeAudit(tx, ctx, {
        module: 'areas',
        action: 'delete',
        entity: 'area',
        entityId: code,
        areaCode: code,
        summary: `删除${levelLabel(row.level)} ${row.name}（${code}）`,
        before: auditRow(row),
      });
      try {
        await areaRepo.delete(tx, code);
      } catch (e) {
        // Another module's table still refers to the area (FK): a conflict, not a server error.
        if ((e as { code?: string }).code === '23503') throw new AppError(409, 'E1207', `行政区划 ${row.name} 仍被其他业务数据引用，不能删除`);
        throw e;
      }
    });
  },
};

