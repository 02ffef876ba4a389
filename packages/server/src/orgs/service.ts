import { areaPrefix, countyCodeOf, isValidAreaCode } from '@fupin/shared/area';
import { diff, writeAudit } from '../audit/audit';
import type { Db, DbOrTx } from '../db/db';
import { isUniqueViolation } from '../db/sql-helpers';
import { dictRepo } from '../dicts/repository';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { scopeCoversArea } from '../scope/scope';
import { orgRepo } from './repository';
import type { CreateOrgBody, OrgItem, UpdateOrgBody } from './schemas';

type Row = NonNullable<Awaited<ReturnType<typeof orgRepo.find>>>;

export function toOrgItem(r: Row): OrgItem {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    kindLabel: r.kind_label,
    areaCode: r.area_code,
    areaName: r.area_name,
    countyCode: r.county_code,
    parentId: r.parent_id,
    parentName: r.parent_name,
    phone: r.phone,
    status: r.status,
    userCount: Number(r.user_count ?? 0),
  };
}

const fieldError = (code: string, field: string, message: string, status = 400) =>
  new AppError(status, code, `${field}：${message}`, { issues: [{ field, message }] });

async function checkKind(db: DbOrTx, kind: string) {
  const item = await dictRepo.item(db, 'org_kind', kind);
  if (!item || !item.enabled) throw fieldError('E1301', '机构类型', `「${kind}」不是有效的机构类型（字典 org_kind）`);
  return item.label;
}

const auditRow = (o: { name: string; kind: string; area_code?: string; areaCode?: string; parent_id?: number | null; parentId?: number | null; phone: string | null; status?: string }) => ({
  name: o.name,
  kind: o.kind,
  areaCode: o.areaCode ?? o.area_code,
  parentId: o.parentId ?? o.parent_id ?? null,
  phone: o.phone,
  status: o.status ?? 'active',
});

export const orgService = {
  async list(db: Db, ctx: Ctx, q: { page: number; pageSize: number; sort: 'name' | 'areaCode' | 'kind'; order: 'asc' | 'desc'; areaCode?: string; kind?: string; keyword?: string; status?: 'active' | 'disabled' }) {
    let prefix: string | undefined;
    if (q.areaCode) {
      if (!isValidAreaCode(q.areaCode)) throw fieldError('E1001', '所在区划', `区划代码 ${q.areaCode} 无效`);
      prefix = areaPrefix(q.areaCode);
    }
    const { total, items } = await orgRepo.list(db, ctx.scope, { areaPrefix: prefix, kind: q.kind, keyword: q.keyword, status: q.status }, q);
    return { items: items.map(toOrgItem), total, page: q.page, pageSize: q.pageSize };
  },

  async get(db: DbOrTx, ctx: Ctx, id: number) {
    const r = await orgRepo.find(db, ctx.scope, id);
    if (!r) throw errors.notFound(`机构（编号 ${id}）`);
    return toOrgItem(r);
  },

  async create(db: Db, ctx: Ctx, body: CreateOrgBody) {
    if (!isValidAreaCode(body.areaCode)) throw fieldError('E1302', '所在区划', `区划代码 ${body.areaCode} 无效`);
    if (!scopeCoversArea(ctx.scope, body.areaCode)) throw errors.outOfScope(`区划 ${body.areaCode} `);
    return db.transaction().execute(async (tx) => {
      const area = await tx.selectFrom('area').select(['code', 'name']).where('code', '=', body.areaCode).executeTakeFirst();
      if (!area) throw fieldError('E1302', '所在区划', `区划 ${body.areaCode} 不存在`);
      const kindLabel = await checkKind(tx, body.kind);
      let parentName = '';
      if (body.parentId) {
        const parent = await orgRepo.find(tx, ctx.scope, body.parentId);
        if (!parent) throw fieldError('E1303', '上级机构', `机构（编号 ${body.parentId}）不存在或不在您的管辖范围内`);
        parentName = parent.name;
      }
      if (await orgRepo.withName(tx, body.areaCode, body.name)) throw new AppError(409, 'E1304', `机构名称：${area.name}已有名为「${body.name}」的机构`);
      const { id } = await orgRepo.insert(tx, {
        name: body.name,
        kind: body.kind,
        area_code: body.areaCode,
        county_code: countyCodeOf(body.areaCode),
        parent_id: body.parentId ?? null,
        phone: body.phone ?? null,
      }).catch((e) => {
        throw isUniqueViolation(e) ? new AppError(409, 'E1304', `机构名称：${area.name}已有名为「${body.name}」的机构`) : e;
      });
      await writeAudit(tx, ctx, {
        module: 'orgs',
        action: 'create',
        entity: 'org',
        entityId: id,
        areaCode: body.areaCode,
        summary: `新增机构 ${body.name}（${kindLabel}），所在区划：${area.name}${parentName ? `，上级机构：${parentName}` : ''}`,
        after: auditRow({ ...body, phone: body.phone ?? null }),
      });
      return this.get(tx, ctx, id);
    });
  },

  async update(db: Db, ctx: Ctx, id: number, body: UpdateOrgBody) {
    return db.transaction().execute(async (tx) => {
      const before = await orgRepo.find(tx, ctx.scope, id);
      if (!before) throw errors.notFound(`机构（编号 ${id}）`);
      if (body.kind !== undefined && body.kind !== before.kind) await checkKind(tx, body.kind);
      if (body.parentId) {
        const parent = await orgRepo.find(tx, ctx.scope, body.parentId);
        if (!parent) throw fieldError('E1303', '上级机构', `机构（编号 ${body.parentId}）不存在或不在您的管辖范围内`);
        if ((await orgRepo.subtreeIds(tx, id)).includes(body.parentId)) throw fieldError('E1305', '上级机构', '不能选择本机构或其下级机构作为上级');
      }
      if (body.name !== undefined && body.name !== before.name && (await orgRepo.withName(tx, before.area_code, body.name, id))) {
        throw new AppError(409, 'E1304', `机构名称：${before.area_name}已有名为「${body.name}」的机构`);
      }
      const changes = {
        ...(body.name !== undefined && { name: body.name }),
        ...(body.kind !== undefined && { kind: body.kind }),
        ...(body.parentId !== undefined && { parentId: body.parentId }),
        ...(body.phone !== undefined && { phone: body.phone }),
        ...(body.status !== undefined && { status: body.status }),
      };
      const d = diff(auditRow(before) as Record<string, unknown>, changes);
      if (!d.changed.length) return toOrgItem(before);
      await orgRepo.update(tx, id, { name: body.name, kind: body.kind, parent_id: body.parentId, phone: body.phone, status: body.status }).catch((e) => {
        throw isUniqueViolation(e) ? new AppError(409, 'E1304', `机构名称：${before.area_name}已有名为「${body.name}」的机构`) : e;
      });
      const labels: Record<string, string> = { name: '名称', kind: '类型', parentId: '上级机构', phone: '电话', status: '状态' };
      const verb = d.changed.length === 1 && d.changed[0] === 'status' ? (body.status === 'disabled' ? '停用' : '启用') : '修改';
      await writeAudit(tx, ctx, {
        module: 'orgs',
        action: 'update',
        entity: 'org',
        entityId: id,
        areaCode: before.area_code,
        summary: `${verb}机构 ${before.name}${verb === '修改' ? `：${d.changed.map((k) => labels[k]).join('、')}` : ''}`,
        before: d.before,
        after: d.after,
      });
      return this.get(tx, ctx, id);
    });
  },

  async remove(db: Db, ctx: Ctx, id: number) {
    await db.transaction().execute(async (tx) => {
      const row = await orgRepo.find(tx, ctx.scope, id);
      if (!row) throw errors.notFound(`机构（编号 ${id}）`);
      const u = await orgRepo.usage(tx, id);
      if (u.users || u.children) {
        const why = [u.users && `${u.users} 个用户`, u.children && `${u.children} 个下级机构`].filter(Boolean).join('、');
        throw new AppError(409, 'E1306', `机构 ${row.name} 仍有${why}，不能删除；可改为停用`, u);
      }
      await writeAudit(tx, ctx, {
        module: 'orgs',
        action: 'delete',
        entity: 'org',
        entityId: id,
        areaCode: row.area_code,
        summary: `删除机构 ${row.name}（${row.kind_label ?? row.kind}），所在区划：${row.area_name}`,
        before: auditRow(row),
      });
      try {
        await orgRepo.delete(tx, id);
      } catch (e) {
        if ((e as { code?: string }).code === '23503') throw new AppError(409, 'E1306', `机构 ${row.name} 仍被其他业务数据引用，不能删除；可改为停用`);
        throw e;
      }
    });
  },
};
