import { z } from 'zod';
import { dateSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../../http/common-schemas';
import { textField } from '../schemes/schemas';

export const DECISIONS = ['approved', 'rejected', 'returned'] as const;
export const DELIVERY_METHODS = ['in_person', 'via_village', 'post', 'phone_then_paper'] as const;

export const listNoticesQuery = z.strictObject({
  ...pageQuery,
  applicationId: z.coerce.number({ error: '贷款申请编号必须是数字' }).int().positive('贷款申请编号必须是正整数').optional(),
  delivered: z.enum(['true', 'false'], { error: '是否已送达只能是 true 或 false' }).optional(),
});

export const deliverBody = z.strictObject({
  version: z.number({ error: '版本号必须是数字' }).int().min(1),
  deliveredOn: dateSchema,
  method: z.enum(DELIVERY_METHODS, { error: '送达方式只能是 in_person（本人领取）、via_village（村委会转交）、post（邮寄）、phone_then_paper（电话告知后补送）之一' }),
  recipientName: textField('签收人', 50),
  note: textField('送达说明', 200).optional(),
});
export type DeliverBody = z.infer<typeof deliverBody>;

export const notificationsQuery = z.strictObject({
  unread: z.enum(['true', 'false'], { error: '是否只看未读只能是 true 或 false' }).optional(),
  limit: z.coerce.number({ error: '条数必须是数字' }).int().min(1).max(200, '最多 200 条').default(50),
});

const noticeContent = z.object({
  title: z.string(),
  noticeNo: z.string(),
  to: z.string(),
  villageName: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  applicationNo: z.string(),
  projectName: z.string(),
  industryLabel: z.string(),
  amountText: z.string(),
  termMonths: z.number(),
  decision: z.enum(DECISIONS),
  decisionLabel: z.string(),
  decidedBy: z.string(),
  stageLabel: z.string(),
  decidedOn: z.string(),
  opinion: z.string().nullable(),
  reasons: z.array(z.string()),
  nextSteps: z.string(),
  article: z.string(),
});

export const decisionNoticeSchema = z.object({
  id: z.number(),
  noticeNo: z.string(),
  applicationId: z.number(),
  applicationNo: z.string(),
  decision: z.enum(DECISIONS),
  decisionLabel: z.string(),
  stage: z.string(),
  stageLabel: z.string(),
  decidedOn: z.string(),
  decidedByName: z.string().nullable(),
  decidedByOrg: z.string().nullable(),
  content: noticeContent,
  delivered: z.boolean(),
  deliveredOn: z.string().nullable(),
  deliveryMethod: z.enum(DELIVERY_METHODS).nullable(),
  deliveryMethodLabel: z.string().nullable(),
  recipientName: z.string().nullable(),
  deliveredByName: z.string().nullable(),
  deliveryNote: z.string().nullable(),
  version: z.number(),
});
export type DecisionNotice = z.infer<typeof decisionNoticeSchema>;
export const listNoticesResponse = paged(decisionNoticeSchema);

export const notificationSchema = z.object({
  id: z.number(),
  kind: z.string(),
  applicationId: z.number(),
  applicationNo: z.string(),
  noticeId: z.number().nullable(),
  noticeNo: z.string().nullable(),
  noticeDelivered: z.boolean(),
  title: z.string(),
  body: z.string(),
  createdOn: z.string(),
  read: z.boolean(),
  readAt: z.string().nullable(),
  readByName: z.string().nullable(),
});
export type LoanNotification = z.infer<typeof notificationSchema>;
export const notificationsResponse = z.object({ items: z.array(notificationSchema), unread: z.number() });

export const decisionFieldLabels: Record<string, string> = {
  deliveredOn: '送达日期',
  method: '送达方式',
  recipientName: '签收人',
  note: '送达说明',
  applicationId: '贷款申请编号',
  delivered: '是否已送达',
  unread: '是否只看未读',
  limit: '条数',
};
