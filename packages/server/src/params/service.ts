import { writeAudit } from '../audit/audit';
import type { Db } from '../db/db';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { paramRepo } from './repository';
import { paramRule, sameTypeAs } from './rules';

type Row = { key: string; value: unknown; description: string; updated_at: unknown };
const toItem = (r: Row) => ({ key: r.key, value: r.value, description: r.description, updatedAt: new Date(r.updated_at as Date).toISOString() });

export const paramService = {
  async list(db: Db) {
    return { items: (await paramRepo.list(db)).map(toItem) };
  },

  async update(db: Db, ctx: Ctx, key: string, value: unknown) {
    return db.transaction().execute(async (tx) => {
      const before = await paramRepo.find(tx, key);
      if (!before) throw errors.notFound(`参数 ${key} `);
      const parsed = (paramRule(key) ?? sameTypeAs(before.value)).safeParse(value);
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => i.message).join('；');
        throw new AppError(400, 'E1604', `参数值：${message}`, { issues: [{ field: '参数值', message }] });
      }
      const next = parsed.data;
      if (JSON.stringify(next) === JSON.stringify(before.value)) return toItem(before);
      await paramRepo.set(tx, key, next);
      await writeAudit(tx, ctx, {
        module: 'params',
        action: 'update',
        entity: 'sys_param',
        entityId: key,
        summary: `修改参数 ${key}（${before.description}）：${JSON.stringify(before.value)} → ${JSON.stringify(next)}`,
        before: { value: before.value },
        after: { value: next },
      });
      return toItem((await paramRepo.find(tx, key))!);
    });
  },
};
