import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import { writeAudit } from '../audit/audit';
import type { Config } from '../config';
import type { Db, DbOrTx } from '../db/db';
import { can, type Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { paramRepo } from '../params/repository';
import { registerParamRule } from '../params/rules';
import { canEditOwner, OWNER_RULES, type Owner } from './owners';
import { attachmentRepo, type AttachmentRow } from './repository';
import { OWNER_KIND_LABELS, type AttachmentItem, type OwnerKind } from './schemas';
import { newStorageKey, place, receive, storagePath } from './storage';
import { extensionOf, FILE_TYPE_INFO, FILE_TYPES, sniffFileType, typesLabel, type FileType } from './types';

const MODULE = 'files';
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

registerParamRule(
  'files.maxBytes',
  z
    .number({ error: '附件大小上限必须是数字（字节）' })
    .int('附件大小上限必须是整数')
    .min(1024, '附件大小上限不能小于 1024 字节')
    .max(100 * 1024 * 1024, '附件大小上限不能大于 100 MB'),
);
registerParamRule(
  'files.allowedTypes',
  z.array(z.enum(FILE_TYPES, { error: `附件类型只能是 ${FILE_TYPES.join('、')}` }), { error: '允许的附件类型必须是列表' }).min(1, '至少允许一种附件类型'),
);

// Codes 17xx: attachments.
export const fileErrors = {
  ownerClosed: (message: string) => new AppError(409, 'E1701', message),
  tooLarge: (max: number) => new AppError(413, 'E1702', `附件大小：不能超过 ${formatSize(max)}`),
  badType: (message: string) => new AppError(415, 'E1703', message),
  notOfOwner: (ids: number[], what: string) => new AppError(400, 'E1704', `附件：编号 ${ids.join('、')} 不是本${what}的附件或已被移除`),
  alreadyRemoved: () => new AppError(409, 'E1705', '附件已被移除'),
  empty: () => new AppError(400, 'E1706', '附件：文件内容为空'),
};

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  return `${Math.max(1, Math.ceil(bytes / 1024))} KB`;
}

async function limits(db: DbOrTx) {
  const [maxBytes, allowed] = await Promise.all([
    paramRepo.get<number>(db, 'files.maxBytes', DEFAULT_MAX_BYTES),
    paramRepo.get<FileType[]>(db, 'files.allowedTypes', [...FILE_TYPES]),
  ]);
  return { maxBytes, allowedTypes: FILE_TYPES.filter((t) => allowed.includes(t)) };
}

/** The owner record as the caller sees it: missing, out of scope or not viewable → 404. */
async function ownerFor(db: DbOrTx, ctx: Ctx, kind: OwnerKind, id: number): Promise<Owner> {
  const rule = OWNER_RULES[kind];
  const owner = can(ctx, rule.view) ? await rule.find(db, ctx.scope, id) : null;
  if (!owner) throw errors.notFound(OWNER_KIND_LABELS[kind]);
  return owner;
}

function assertEditable(ctx: Ctx, kind: OwnerKind, owner: Owner) {
  if (!canEditOwner(ctx, kind)) throw errors.forbidden(OWNER_RULES[kind].edit.join(' 或 '));
  if (!owner.open) throw fileErrors.ownerClosed(OWNER_RULES[kind].closedMessage);
}

export function toAttachmentItem(r: AttachmentRow): AttachmentItem {
  return {
    id: r.id,
    ownerKind: r.owner_kind,
    ownerId: r.owner_id,
    fileName: r.file_name,
    mime: r.mime,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    uploadedByName: r.uploaded_by_name,
    createdAt: new Date(r.created_at).toISOString(),
    removed: r.deleted,
    removedByName: r.deleted_by_name,
    removedAt: r.deleted_at ? new Date(r.deleted_at).toISOString() : null,
    url: `/api/files/${r.id}/download`,
  };
}

export const fileService = {
  async list(db: Db, ctx: Ctx, q: { ownerKind: OwnerKind; ownerId: number; includeRemoved?: 'true' | 'false' }) {
    const owner = await ownerFor(db, ctx, q.ownerKind, q.ownerId);
    const [rows, lim] = await Promise.all([
      attachmentRepo.ofOwner(db, ctx.scope, q.ownerKind, owner.countyCode, q.ownerId, q.includeRemoved === 'true'),
      limits(db),
    ]);
    return { items: rows.map(toAttachmentItem), canEdit: owner.open && canEditOwner(ctx, q.ownerKind), ...lim };
  },

  /**
   * The owner is checked before a byte is read; the body is streamed to disk with its hash;
   * the type is decided by the content and must match the name's extension; the row and its
   * audit entry commit together (a failed commit removes the stored file).
   */
  async upload(db: Db, ctx: Ctx, config: Config, q: { ownerKind: OwnerKind; ownerId: number; fileName: string }, body: Readable, abort: () => void) {
    const owner = await ownerFor(db, ctx, q.ownerKind, q.ownerId);
    assertEditable(ctx, q.ownerKind, owner);
    const lim = await limits(db);
    const ext = extensionOf(q.fileName);
    const allowedExts = lim.allowedTypes.flatMap((t) => FILE_TYPE_INFO[t].exts);
    const typeMessage = `附件类型：只接受 ${typesLabel(lim.allowedTypes)} 文件`;
    const got = await receive(config, body, lim.maxBytes, abort);
    if (!got.ok) throw got.reason === 'too_large' ? fileErrors.tooLarge(lim.maxBytes) : fileErrors.empty();
    let stored: string | null = null;
    try {
      if (!allowedExts.includes(ext)) throw fileErrors.badType(`${typeMessage}（「${q.fileName}」的扩展名不符）`);
      const type = sniffFileType(got.head, got.tail);
      if (!type || !lim.allowedTypes.includes(type)) throw fileErrors.badType(`${typeMessage}（「${q.fileName}」的内容不是允许的类型）`);
      if (!FILE_TYPE_INFO[type].exts.includes(ext)) {
        throw fileErrors.badType(`附件类型：「${q.fileName}」的扩展名与内容（${FILE_TYPE_INFO[type].label}）不一致`);
      }
      const storageKey = newStorageKey(owner.countyCode);
      stored = place(config, got.tmp, storageKey);
      const row = await db.transaction().execute(async (tx) => {
        const r = await attachmentRepo.insert(tx, {
          county_code: owner.countyCode,
          owner_kind: q.ownerKind,
          owner_id: q.ownerId,
          area_code: owner.areaCode,
          file_name: q.fileName,
          mime: FILE_TYPE_INFO[type].mime,
          size_bytes: got.size,
          sha256: got.sha256,
          storage_key: storageKey,
          uploaded_by: ctx.user.id || null,
          uploaded_by_name: ctx.user.name,
        });
        await writeAudit(tx, ctx, {
          module: MODULE,
          action: 'upload',
          entity: 'attachment',
          entityId: r.id,
          countyCode: owner.countyCode,
          areaCode: owner.areaCode,
          summary: `上传附件「${q.fileName}」（${formatSize(got.size)}）到${owner.label}`,
          after: { ownerKind: q.ownerKind, ownerId: q.ownerId, fileName: q.fileName, mime: r.mime, sizeBytes: got.size, sha256: got.sha256 },
        });
        return r;
      });
      return toAttachmentItem(row);
    } catch (e) {
      fs.rmSync(stored ?? got.tmp, { force: true });
      throw e;
    }
  },

  /** A download is a read of the owner record: same scope, same 404; it is logged. */
  async download(db: Db, ctx: Ctx, config: Config, id: number) {
    const a = await attachmentRepo.find(db, ctx.scope, id);
    if (!a || a.deleted) throw errors.notFound('附件');
    const owner = await ownerFor(db, ctx, a.owner_kind, a.owner_id).catch(() => null);
    if (!owner) throw errors.notFound('附件');
    const file = storagePath(config, a.storage_key);
    if (!file || !fs.existsSync(file)) throw errors.notFound('附件文件');
    await db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        module: MODULE,
        action: 'download',
        entity: 'attachment',
        entityId: a.id,
        countyCode: a.county_code,
        areaCode: a.area_code,
        summary: `下载附件「${a.file_name}」（${owner.label}）`,
      }),
    );
    return { file, fileName: a.file_name, mime: a.mime, size: a.size_bytes };
  },

  /** Removal is a flag with who and when; the file and the row stay for the record. */
  async remove(db: Db, ctx: Ctx, id: number) {
    const a = await attachmentRepo.find(db, ctx.scope, id);
    if (!a) throw errors.notFound('附件');
    const owner = await ownerFor(db, ctx, a.owner_kind, a.owner_id).catch(() => null);
    if (!owner) throw errors.notFound('附件');
    assertEditable(ctx, a.owner_kind, owner);
    const row = await db.transaction().execute(async (tx) => {
      const cur = await attachmentRepo.lock(tx, a.county_code, a.id);
      if (!cur || cur.deleted) throw fileErrors.alreadyRemoved();
      const r = await attachmentRepo.markRemoved(tx, a.county_code, a.id, { id: ctx.user.id || null, name: ctx.user.name });
      if (!r) throw fileErrors.alreadyRemoved();
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'remove',
        entity: 'attachment',
        entityId: a.id,
        countyCode: a.county_code,
        areaCode: a.area_code,
        summary: `移除附件「${a.file_name}」（${owner.label}）`,
        before: { removed: false, fileName: a.file_name, sha256: a.sha256 },
        after: { removed: true },
      });
      return r;
    });
    return toAttachmentItem(row);
  },
};

/**
 * For other modules' commands: every `attachmentId` a step or an application names must be a
 * live attachment of that same record. Call inside the command's transaction.
 */
export async function assertAttachmentsOf(tx: DbOrTx, kind: OwnerKind, countyCode: string, ownerId: number, items: readonly unknown[] | undefined) {
  const ids = [
    ...new Set(
      (items ?? [])
        .map((i) => (i && typeof i === 'object' ? (i as { attachmentId?: unknown }).attachmentId : undefined))
        .filter((x): x is number => typeof x === 'number'),
    ),
  ];
  if (!ids.length) return;
  const found = new Set((await attachmentRepo.ofOwnerByIds(tx, kind, countyCode, ownerId, ids)).map((r) => r.id));
  const missing = ids.filter((i) => !found.has(i));
  if (missing.length) throw fileErrors.notOfOwner(missing, OWNER_KIND_LABELS[kind]);
}
