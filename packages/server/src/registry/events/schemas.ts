import { z } from 'zod';
import { dateSchema } from '@fupin/shared';
import { memberInput } from '../households/schemas';

export const EVENT_LABELS: Record<string, string> = {
  create: '建档',
  import: '导入',
  birth: '出生',
  death: '死亡',
  marriage_in: '婚入',
  marriage_out: '婚出',
  move_in: '迁入',
  move_out: '迁出',
  move: '户间迁移',
  split: '分户',
  merge: '并户',
  head_change: '户主变更',
  member_add: '补录成员',
  member_remove: '删除错误登记',
};

const version = z.number({ error: '版本号必须是数字' }).int().min(1);
const pid = z.number().int().positive();
const note = z.string().trim().max(500, '说明最多 500 个字');
const relation = z.string().trim().min(1).max(40);
/** New relations to the head, keyed by person id, for those whose relation changes. */
const relations = z.record(z.string().regex(/^\d+$/, '成员编号必须是数字'), relation).default({});

export const eventFieldLabels: Record<string, string> = {
  kind: '变动类型',
  version: '版本号',
  date: '变动日期',
  member: '成员',
  personId: '成员',
  personIds: '成员',
  newHeadPersonId: '新户主',
  relations: '与户主关系',
  toHouseholdId: '迁入户',
  fromHouseholdId: '被并户',
  relation: '与户主关系',
  note: '说明',
  areaCode: '新户所在村（组）',
  address: '新户住址',
};

export const householdEventBody = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('birth'), version, date: dateSchema.optional(), member: memberInput, note: note.optional() }),
    z.strictObject({ kind: z.literal('death'), version, date: dateSchema, personId: pid, newHeadPersonId: pid.optional(), relations, note: note.optional() }),
    z.strictObject({ kind: z.literal('marriage_in'), version, date: dateSchema, member: memberInput, note: note.optional() }),
    z.strictObject({ kind: z.literal('marriage_out'), version, date: dateSchema, personId: pid, newHeadPersonId: pid.optional(), relations, note: note.optional() }),
    z.strictObject({ kind: z.literal('move_in'), version, date: dateSchema, member: memberInput, note: note.optional() }),
    z.strictObject({ kind: z.literal('move_out'), version, date: dateSchema, personIds: z.array(pid).min(1).max(30), newHeadPersonId: pid.optional(), relations, note: note.optional() }),
    z.strictObject({
      kind: z.literal('move'),
      version,
      date: dateSchema,
      personId: pid,
      toHouseholdId: pid,
      relation,
      newHeadPersonId: pid.optional(),
      relations,
      note: note.optional(),
    }),
    z.strictObject({
      kind: z.literal('split'),
      version,
      date: dateSchema,
      personIds: z.array(pid).min(1).max(30),
      newHeadPersonId: pid,
      /** relations in the new household, to its new head */
      newRelations: z.record(z.string().regex(/^\d+$/), relation).default({}),
      /** relations of those who stay, when the head leaves */
      relations,
      remainingHeadPersonId: pid.optional(),
      areaCode: z.string().regex(/^(\d{12}|\d{15})$/).optional(),
      address: z.string().trim().max(200).optional(),
      note: note.optional(),
    }),
    z.strictObject({ kind: z.literal('merge'), version, date: dateSchema, fromHouseholdId: pid, relations, note: note.optional() }),
    z.strictObject({ kind: z.literal('head_change'), version, date: dateSchema, newHeadPersonId: pid, relations, note: note.optional() }),
    z.strictObject({ kind: z.literal('member_add'), version, date: dateSchema.optional(), member: memberInput, note: note.optional() }),
    z.strictObject({ kind: z.literal('member_remove'), version, personId: pid, note: z.string().trim().min(1, '删除错误登记须写明原因').max(500) }),
  ],
  { error: '变动类型只能是 birth、death、marriage_in、marriage_out、move_in、move_out、move、split、merge、head_change、member_add、member_remove' },
);
export type HouseholdEventBody = z.output<typeof householdEventBody>;

export const eventItem = z.object({
  id: z.number(),
  householdId: z.number(),
  kind: z.string(),
  kindLabel: z.string(),
  date: z.string(),
  personId: z.number().nullable(),
  otherHouseholdId: z.number().nullable(),
  summary: z.string(),
  actorName: z.string().nullable(),
  at: z.string(),
});
