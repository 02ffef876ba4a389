import { z } from 'zod';
import { dateSchema } from '@fupin/shared/schemas/common';
import { pageQuery, paged } from '../../http/common-schemas';
import { positiveFen, textField } from '../schemes/schemas';

const version = z.number({ error: '版本号必须是数字' }).int().min(1);
const id = (label: string) => z.number({ error: `${label}必须是数字` }).int().positive(`${label}必须是正整数`);

export const CERT_STATUS_LABELS = {
  applied: '已申请待村委会审查',
  village_reviewed: '村委会已审查待信用社评定',
  issued: '已发放',
  rejected: '未通过',
  revoked: '已收回',
  expired: '已过期',
} as const;
export type CertStatus = keyof typeof CERT_STATUS_LABELS;

export const applyCertificateBody = z.strictObject({ householdId: id('农户') });

export const villageReviewCertBody = z.strictObject({
  version,
  approve: z.boolean({ error: '审查结论必须是 true（通过）或 false（不通过）' }),
  incomeChecked: z.boolean({ error: '收入情况核实必须是 true 或 false' }),
  integrityChecked: z.boolean({ error: '诚信情况核实必须是 true 或 false' }),
  opinion: textField('审查意见', 500),
});

export const coopDecisionCertBody = z.discriminatedUnion(
  'decision',
  [
    z.strictObject({
      version,
      decision: z.literal('issue'),
      creditGrade: z.enum(['AAA', 'AA', 'A'], { error: '信用等级只能是 AAA、AA、A' }),
      creditLimitFen: positiveFen('授信额度').optional(),
      validFrom: dateSchema,
      validTo: dateSchema,
    }),
    z.strictObject({ version, decision: z.literal('reject'), reason: textField('不予发放的理由', 500) }),
  ],
  { error: '决定只能是 issue（发放）或 reject（不予发放）' },
);

export const revokeCertBody = z.strictObject({ version, reason: textField('收回理由', 500) });

export const certificateItem = z.object({
  id: z.number(),
  certNo: z.string(),
  householdId: z.number(),
  headName: z.string().nullable(),
  areaCode: z.string(),
  areaName: z.string().nullable(),
  townshipCode: z.string(),
  status: z.enum(['applied', 'village_reviewed', 'issued', 'rejected', 'revoked', 'expired']),
  statusLabel: z.string(),
  /** issued and today within its validity */
  valid: z.boolean(),
  appliedOn: z.string(),
  villageOpinion: z.string().nullable(),
  incomeChecked: z.boolean().nullable(),
  integrityChecked: z.boolean().nullable(),
  villageReviewedByName: z.string().nullable(),
  villageReviewedOn: z.string().nullable(),
  creditGrade: z.string().nullable(),
  creditGradeLabel: z.string().nullable(),
  creditLimitFen: z.number().nullable(),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  issuedByName: z.string().nullable(),
  issuedOn: z.string().nullable(),
  rejectReason: z.string().nullable(),
  version: z.number(),
});

export const listCertificatesQuery = z.strictObject({
  ...pageQuery,
  householdId: z.coerce.number().int().positive().optional(),
  status: z.enum(['applied', 'village_reviewed', 'issued', 'rejected', 'revoked', 'expired']).optional(),
  areaCode: z.string().regex(/^\d{6,15}$/, '区划代码须为数字').optional(),
  keyword: z.string().trim().max(50).optional(),
});
export const listCertificatesResponse = paged(certificateItem);

export const certFieldLabels: Record<string, string> = {
  householdId: '农户',
  version: '版本号',
  approve: '审查结论',
  incomeChecked: '收入情况核实',
  integrityChecked: '诚信情况核实',
  opinion: '审查意见',
  decision: '决定',
  creditGrade: '信用等级',
  creditLimitFen: '授信额度',
  validFrom: '有效期起',
  validTo: '有效期止',
  reason: '理由',
  status: '状态',
  areaCode: '区划',
  keyword: '关键字',
};
