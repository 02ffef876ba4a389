import { z } from 'zod';
import { registerParamRule } from '../params/rules';

// Validation of the registry's own sys_param rows (migration 010), registered at import time.
const int = (label: string, min: number, max: number) =>
  z.number({ error: `${label}必须是数字` }).int(`${label}必须是整数`).min(min, `${label}不能小于 ${min}`).max(max, `${label}不能大于 ${max}`);

registerParamRule('registry.monitoringNoticeDays', int('监测对象公示期（天）', 5, 30));
registerParamRule('registry.appraisalWorkingDays', int('村级评议期限（工作日）', 1, 60));
registerParamRule('registry.townshipReviewWorkingDays', int('乡镇审核期限（工作日）', 1, 60));
registerParamRule('registry.countyApprovalWorkingDays', int('县级审批期限（工作日）', 1, 60));
registerParamRule('registry.announceWorkingDays', int('公告期限（工作日）', 1, 60));
