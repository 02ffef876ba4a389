import { diff, writeAudit } from '../audit/audit';
import type { Db } from '../db/db';
import { isUniqueViolation } from '../db/sql-helpers';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { dictRepo } from './repository';
import type { CreateItemBody, UpdateItemBody } from './schemas';

type ItemRow = { type_code: string; code: string; label: string; sort: number; enabled: boolean };
const toItem = (i: ItemRow) => ({ code: i.code, label: i.label, sort: i.sort, enabled: i.enabled });

export const dictService = {
  async list(db: Db, enabledOnly: boolean) {
    const types = await dictRepo.types(db);
    const items = (await dictRepo.items(db)).filter((i) => !enabledOnly || i.enabled);
    return types.map((t) => ({ code: t.code, name: t.name, description: t.description, items: items.filter((i) => i.type_code === t.code).map(toItem) }));
  },

  async get(db: Db, type: string, enabledOnly: boolean) {
    const t = await dictRepo.type(db, type);
    if (!t) throw errors.notFound(`字典类型 ${type} `);
    const items = (await dictRepo.items(db, type)).filter((i) => !enabledOnly || i.enabled);
    return { code: t.code, name: t.name, description: t.description, items: items.map(toItem) };
  },

  async addItem(db: Db, ctx: Ctx, type: string, body: CreateItemBody) {
    return db.transaction().execute(async (tx) => {
      const t = await dictRepo.type(tx, type);
      if (!t) throw errors.notFound(`字典类型 ${type} `);
      await dictRepo.lockType(tx, type);
      if (await dictRepo.item(tx, type, body.code)) throw new AppError(409, 'E1601', `代码：${t.name}中已有代码 ${body.code}`, { issues: [{ field: '代码', message: '已存在' }] });
      if (await dictRepo.itemWithLabel(tx, type, body.label)) throw new AppError(409, 'E1602', `名称：${t.name}中已有「${body.label}」`, { issues: [{ field: '名称', message: '已存在' }] });
      const row = await dictRepo.insertItem(tx, { type_code: type, code: body.code, label: body.label, sort: body.sort ?? 0, enabled: body.enabled ?? true }).catch((e) => {
        throw isUniqueViolation(e) ? new AppError(409, 'E1601', `代码：${t.name}中已有代码 ${body.code} 或名称「${body.label}」`) : e;
      });
      await writeAudit(tx, ctx, {
        module: 'dicts',
        action: 'create',
        entity: 'dict_item',
        entityId: `${type}:${body.code}`,
        summary: `字典「${t.name}」新增项 ${body.label}（${body.code}）`,
        after: toItem(row),
      });
      return toItem(row);
    });
  },

  async updateItem(db: Db, ctx: Ctx, type: string, code: string, body: UpdateItemBody) {
    return db.transaction().execute(async (tx) => {
      const t = await dictRepo.type(tx, type);
      if (!t) throw errors.notFound(`字典类型 ${type} `);
      await dictRepo.lockType(tx, type);
      const before = await dictRepo.item(tx, type, code);
      if (!before) throw errors.notFound(`字典项 ${type}:${code} `);
      if (body.label !== undefined && body.label !== before.label && (await dictRepo.itemWithLabel(tx, type, body.label, code))) {
        throw new AppError(409, 'E1602', `名称：${t.name}中已有「${body.label}」`, { issues: [{ field: '名称', message: '已存在' }] });
      }
      const d = diff(toItem(before) as Record<string, unknown>, {
        ...(body.label !== undefined && { label: body.label }),
        ...(body.sort !== undefined && { sort: body.sort }),
        ...(body.enabled !== undefined && { enabled: body.enabled }),
      });
      if (!d.changed.length) return toItem(before);
      const row = await dictRepo.updateItem(tx, type, code, body);
      const parts: string[] = [];
      if ('label' in d.after) parts.push(`名称由「${before.label}」改为「${body.label}」`);
      if ('sort' in d.after) parts.push(`排序号改为 ${body.sort}`);
      if ('enabled' in d.after) parts.push(body.enabled ? '启用' : '停用');
      await writeAudit(tx, ctx, {
        module: 'dicts',
        action: 'update',
        entity: 'dict_item',
        entityId: `${type}:${code}`,
        summary: `字典「${t.name}」修改项 ${before.label}（${code}）：${parts.join('，')}`,
        before: d.before,
        after: d.after,
      });
      return toItem(row);
    });
  },
};
