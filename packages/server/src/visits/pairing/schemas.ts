import { z } from 'zod';
import { pageQuery, paged } from '../../http/common-schemas';
import {
  areaCodeQuery,
  boolQuery,
  countyCodeField,
  dateField,
  idField,
  optionalPhone,
  reasonField,
  requiredText,
  textField,
  versionField,
} from '../fields';
import { CADRE_STATUSES } from '../rules';

const villageCode = z.string({ error: '村代码必须是文本' }).regex(/^\d{12}$/, '村代码须为 12 位数字');

// ---- 单位包村 ----
export const unitVillageItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  unitOrgId: z.number(),
  unitName: z.string(),
  villageCode: z.string(),
  villageName: z.string(),
  townshipName: z.string().nullable(),
  isLead: z.boolean(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  endReason: z.string().nullable(),
  note: z.string().nullable(),
  version: z.number(),
});
export type UnitVillageItem = z.infer<typeof unitVillageItem>;

export const listUnitVillagesQuery = z.strictObject({
  ...pageQuery,
  areaCode: areaCodeQuery.optional(),
  unitOrgId: idField('帮扶单位').optional(),
  current: boolQuery('仅当前').default(true),
});
export const listUnitVillagesResponse = paged(unitVillageItem);

export const createUnitVillageBody = z.strictObject({
  unitOrgId: idField('帮扶单位'),
  villageCode,
  isLead: z.boolean({ error: '是否牵头单位只能是 true 或 false' }).default(false),
  startDate: dateField('开始日期'),
  note: textField('备注', 200).nullish(),
});
export type CreateUnitVillageBody = z.infer<typeof createUnitVillageBody>;

export const updateUnitVillageBody = z.strictObject({
  version: versionField,
  isLead: z.boolean({ error: '是否牵头单位只能是 true 或 false' }).optional(),
  note: textField('备注', 200).nullable().optional(),
});
export type UpdateUnitVillageBody = z.infer<typeof updateUnitVillageBody>;

export const endBody = z.strictObject({ endDate: dateField('结束日期'), reason: reasonField('结束原因') });
export type EndBody = z.infer<typeof endBody>;

// ---- 帮扶干部 ----
export const cadreItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  userId: z.number().nullable(),
  username: z.string().nullable(),
  name: z.string(),
  unitOrgId: z.number(),
  unitName: z.string(),
  post: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  status: z.enum(CADRE_STATUSES),
  statusLabel: z.string(),
  statusSince: z.string().nullable(),
  statusReason: z.string().nullable(),
  pairedCount: z.number(),
  version: z.number(),
});
export type CadreItem = z.infer<typeof cadreItem>;

export const listCadresQuery = z.strictObject({
  ...pageQuery,
  countyCode: countyCodeField.optional(),
  unitOrgId: idField('帮扶单位').optional(),
  status: z.enum(CADRE_STATUSES, { error: '状态只能是 active、retired、transferred' }).optional(),
  keyword: z.string().trim().max(50, '关键字不能超过 50 个字').optional(),
});
export const listCadresResponse = paged(cadreItem);

export const createCadreBody = z.strictObject({
  countyCode: countyCodeField.optional(),
  userId: idField('登录账号').nullish(),
  name: requiredText('姓名', 30).optional(),
  unitOrgId: idField('帮扶单位'),
  post: textField('职务', 50).nullish(),
  phone: optionalPhone,
});
export type CreateCadreBody = z.infer<typeof createCadreBody>;

export const updateCadreBody = z.strictObject({
  version: versionField,
  userId: idField('登录账号').nullable().optional(),
  name: requiredText('姓名', 30).optional(),
  unitOrgId: idField('帮扶单位').optional(),
  post: textField('职务', 50).nullable().optional(),
  phone: optionalPhone,
});
export type UpdateCadreBody = z.infer<typeof updateCadreBody>;

export const cadreStatusBody = z.strictObject({
  version: versionField,
  status: z.enum(CADRE_STATUSES, { error: '状态只能是 active（在岗）、retired（已退休）、transferred（已调离）' }),
  since: dateField('生效日期'),
  reason: reasonField('变更原因'),
});
export type CadreStatusBody = z.infer<typeof cadreStatusBody>;

export const cadreStatusResponse = z.object({
  cadre: cadreItem,
  /** households still paired to a cadre who is no longer active: to be re-paired */
  householdsToRepair: z.number(),
});

// ---- 干部包户 ----
export const pairingItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  householdId: z.number(),
  householdNo: z.string(),
  headName: z.string().nullable(),
  villageCode: z.string(),
  villageName: z.string().nullable(),
  cadreId: z.number(),
  cadreName: z.string(),
  cadreStatus: z.enum(CADRE_STATUSES),
  unitOrgId: z.number(),
  unitName: z.string(),
  startDate: z.string(),
  endDate: z.string().nullable(),
  startReason: z.string(),
  endReason: z.string().nullable(),
});
export type PairingItem = z.infer<typeof pairingItem>;

export const listPairingsQuery = z.strictObject({
  ...pageQuery,
  householdId: idField('农户').optional(),
  cadreId: idField('帮扶干部').optional(),
  unitOrgId: idField('帮扶单位').optional(),
  areaCode: areaCodeQuery.optional(),
  current: boolQuery('仅当前').default(true),
  needsRepair: boolQuery('仅需重新结对').optional(),
});
export const listPairingsResponse = paged(pairingItem);

export const createPairingBody = z.strictObject({
  householdId: idField('农户'),
  cadreId: idField('帮扶干部'),
  startDate: dateField('开始日期'),
  reason: reasonField('结对原因'),
  /** end the household's current pairing the day before and hand it to this cadre */
  replace: z.boolean({ error: '是否更换只能是 true 或 false' }).default(false),
});
export type CreatePairingBody = z.infer<typeof createPairingBody>;

// ---- 豁免 ----
export const exemptionItem = z.object({
  id: z.number(),
  countyCode: z.string(),
  householdId: z.number().nullable(),
  householdNo: z.string().nullable(),
  headName: z.string().nullable(),
  cadreId: z.number().nullable(),
  cadreName: z.string().nullable(),
  fromDate: z.string(),
  toDate: z.string(),
  reason: z.string(),
  revoked: z.boolean(),
});
export type ExemptionItem = z.infer<typeof exemptionItem>;

export const listExemptionsQuery = z.strictObject({
  ...pageQuery,
  householdId: idField('农户').optional(),
  cadreId: idField('帮扶干部').optional(),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM').optional(),
});
export const listExemptionsResponse = paged(exemptionItem);

export const createExemptionBody = z
  .strictObject({
    householdId: idField('农户').optional(),
    cadreId: idField('帮扶干部').optional(),
    fromDate: dateField('开始日期'),
    toDate: dateField('结束日期'),
    reason: reasonField('豁免原因'),
  })
  .refine((b) => (b.householdId === undefined) !== (b.cadreId === undefined), {
    message: '豁免对象：农户和帮扶干部须且只能填一个',
    path: ['householdId'],
  })
  .refine((b) => b.toDate >= b.fromDate, { message: '结束日期不能早于开始日期', path: ['toDate'] });
export type CreateExemptionBody = z.infer<typeof createExemptionBody>;

export const idParam = z.strictObject({ id: idField('编号') });

export const unitsQuery = z.strictObject({ keyword: z.string().trim().max(50, '关键字不能超过 50 个字').optional() });
export const unitsResponse = z.object({ items: z.array(z.object({ id: z.number(), name: z.string(), countyCode: z.string().nullable(), areaName: z.string() })) });
