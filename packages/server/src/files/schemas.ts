import { z } from 'zod';
import { FILE_TYPES } from './types';

// Browser-safe: the web's AttachmentList shares these.
export const OWNER_KINDS = ['registry_workflow', 'loan_application'] as const;
export type OwnerKind = (typeof OWNER_KINDS)[number];
export const OWNER_KIND_LABELS: Record<OwnerKind, string> = { registry_workflow: '识别退出流程', loan_application: '贷款申请' };

const ownerKind = z.enum(OWNER_KINDS, { error: `所属业务只能是 ${OWNER_KINDS.join('、')}` });
const ownerId = z.coerce.number({ error: '所属记录编号必须是数字' }).int().positive('所属记录编号必须是正整数');

export const filesFieldLabels: Record<string, string> = {
  ownerKind: '所属业务',
  ownerId: '所属记录',
  fileName: '文件名',
  includeRemoved: '含已移除',
  attachmentId: '附件',
};

export const listAttachmentsQuery = z.strictObject({
  ownerKind,
  ownerId,
  includeRemoved: z.enum(['true', 'false'], { error: '含已移除只能是 true 或 false' }).optional(),
});

export const uploadQuery = z.strictObject({
  ownerKind,
  ownerId,
  fileName: z
    .string({ error: '文件名必须是文本' })
    .trim()
    .min(1, '文件名不能为空')
    .max(255, '文件名最多 255 个字符')
    .refine((s) => !/[\\/\x00-\x1f]/.test(s), '文件名不能含路径分隔符或控制字符'),
});

export const attachmentItem = z.object({
  id: z.number(),
  ownerKind,
  ownerId: z.number(),
  fileName: z.string(),
  mime: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  uploadedByName: z.string().nullable(),
  createdAt: z.string(),
  removed: z.boolean(),
  removedByName: z.string().nullable(),
  removedAt: z.string().nullable(),
  url: z.string(),
});
export type AttachmentItem = z.infer<typeof attachmentItem>;

export const listAttachmentsResponse = z.object({
  items: z.array(attachmentItem),
  /** whether the caller may upload or remove here (the owner's edit permission and state) */
  canEdit: z.boolean(),
  maxBytes: z.number(),
  allowedTypes: z.array(z.enum(FILE_TYPES)),
});

/** How another module's command refers to an uploaded attachment of the same record. */
export const attachmentIdField = z.number({ error: '附件编号必须是数字' }).int().positive('附件编号必须是正整数');
