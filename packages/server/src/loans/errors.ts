import { AppError } from '../http/errors';

/**
 * Error codes of the loans module (E3xxx), one per rule a client may break:
 * 30xx schemes and quotas, 31xx certificates and applications, 32xx loans and repayments,
 * 33xx subsidies, 34xx money flow and ledger, 35xx notices, reports, reconciliation.
 */
export const loanErrors = {
  noScheme: (county: string, year: number) =>
    new AppError(409, 'E3001', `县（${county}）${year} 年度尚未发布到户贷款方案，请先由县扶贫办发布方案`),
  schemeExists: (year: number) => new AppError(409, 'E3002', `${year} 年度方案已存在，修改参数请发布新版本`),
  schemeSuperseded: (version: number) => new AppError(409, 'E3003', `方案第 ${version} 版已被新版本取代，只能在当前版本上修订`),
  badScheme: (message: string) => new AppError(400, 'E3004', message),
  quotaBelowUsed: (usedYuan: string) => new AppError(409, 'E3010', `计划指标不能低于已批准的贷款（已用 ${usedYuan}）`),
  notTownship: (code: string) => new AppError(400, 'E3011', `区划 ${code} 不是本县的乡镇`),
  overQuota: (message: string) => new AppError(409, 'E3012', message),
  quotaDecisionExists: () => new AppError(409, 'E3013', '该申请已有超指标审批决定'),
  quotaDecisionNotNeeded: () => new AppError(409, 'E3014', '该申请未超出乡镇计划指标，无需超指标决定'),
  stale: (what: string) => new AppError(409, 'E3009', `${what}已被他人修改，请刷新后重试`),

  certificateState: (status: string, action: string) => new AppError(409, 'E3101', `贷款证当前状态为“${status}”，不能${action}`),
  certificateOpen: (certNo: string) => new AppError(409, 'E3102', `该户已有办理中或有效的贷款证 ${certNo}`),
  notEligible: (failures: { rule: string; article: string; message: string }[]) =>
    new AppError(400, 'E3110', `不符合贷款条件：${failures.map((f) => f.message).join('；')}`, { failures }),
  householdNotFound: () => new AppError(404, 'E3111', '农户不存在或不在您的管辖范围内'),
  notYourStage: (stageLabel: string) => new AppError(403, 'E3112', `该申请当前处于“${stageLabel}”环节，不由您审批`),
  applicationState: (statusLabel: string, action: string) => new AppError(409, 'E3113', `该申请当前状态为“${statusLabel}”，不能${action}`),
  decidedByOther: (now: string) => new AppError(409, 'E3114', `该申请已被他人处理（现为：${now}），您的操作未生效，请刷新后查看`),
  reasonRequired: (what: string) => new AppError(400, 'E3115', `${what}须填写理由`),
  noticeDelivered: (noticeNo: string, on: string) => new AppError(409, 'E3116', `决定通知书 ${noticeNo} 已于 ${on} 送达，送达记录不能修改`),

  loanState: (statusLabel: string, action: string) => new AppError(409, 'E3201', `贷款当前状态为“${statusLabel}”，不能${action}`),
  overRepay: (outstandingYuan: string) => new AppError(400, 'E3202', `还款本金超过剩余本金（剩余 ${outstandingYuan}）`),
  badDate: (message: string) => new AppError(400, 'E3203', message),
  badSchedule: (message: string) => new AppError(400, 'E3204', `还款计划：${message}`),
  overApproved: (message: string) => new AppError(400, 'E3205', message),
  alreadyDisbursed: (loanNo: string) => new AppError(409, 'E3206', `该申请已放款（贷款编号 ${loanNo}）`),
  cannotReverse: (why: string) => new AppError(409, 'E3207', `不能冲销该笔还款：${why}`),

  subsidyState: (statusLabel: string, action: string) => new AppError(409, 'E3301', `贴息当前状态为“${statusLabel}”，不能${action}`),
  subsidyPaid: () => new AppError(409, 'E3302', '该笔贴息已兑付，每笔贴息只能兑付一次'),
  wrongPayer: (payer: string) => new AppError(403, 'E3303', `该笔贴息应由${payer}兑付`),

  insufficientFunds: (account: string, balanceYuan: string, needYuan: string) =>
    new AppError(409, 'E3401', `${account}余额不足（余额 ${balanceYuan}，需要 ${needYuan}），余额不能为负`),
  alreadyReversed: () => new AppError(409, 'E3402', '该笔台账记录已冲销，不能重复冲销'),
  settlementExists: (label: string) => new AppError(409, 'E3403', `${label}已结算`),
  prepaymentExists: (label: string) => new AppError(409, 'E3404', `${label}的贴息已预拨；追加请使用补拨`),
  rosterState: (what: string) => new AppError(409, 'E3405', what),
  claimState: (what: string) => new AppError(409, 'E3406', what),
  noAccount: (what: string) => new AppError(404, 'E3407', `${what}的专户不存在`),
  paymentReversed: () => new AppError(409, 'E3408', '该笔贴息兑付已冲销，不能重复冲销'),
  paymentOnRoster: (rosterNo: string) => new AppError(409, 'E3409', `该笔贴息兑付已列入花名册 ${rosterNo}，不能冲销；请在下一期花名册中更正`),

  reportExists: (label: string) => new AppError(409, 'E3501', `${label}已报送`),
  noticeExists: (label: string) => new AppError(409, 'E3502', `${label}已发布，公示内容不能修改`),
  badStatement: (message: string) => new AppError(400, 'E3503', `对账单：${message}`),
  periodNotOver: (label: string) => new AppError(409, 'E3504', `${label}尚未结束，不能报送`),
};
