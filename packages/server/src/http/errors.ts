/**
 * Every failure a client may see is an AppError with a stable, module-numbered code
 * (docs/errors.md) and a Chinese message naming the field and the rule. Errors become HTTP
 * responses in one place: http/error-handler.ts.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export type FieldIssue = { field: string; message: string };

// Codes: 1xxx common, 11xx auth, 12xx areas, 13xx orgs, 14xx users/roles, 15xx audit,
// 16xx dictionaries/calendar/params, 2xxx registry, 3xxx loans, 4xxx visits.
export const errors = {
  validation: (issues: FieldIssue[]) =>
    new AppError(400, 'E1001', issues.map((i) => (i.field ? `${i.field}：${i.message}` : i.message)).join('；'), { issues }),
  badRequest: (message: string, details?: unknown) => new AppError(400, 'E1002', message, details),
  notFound: (what: string) => new AppError(404, 'E1004', `${what}不存在或不在您的管辖范围内`),
  conflict: (message: string, details?: unknown) => new AppError(409, 'E1009', message, details),
  staleVersion: (what: string) =>
    new AppError(409, 'E1010', `${what}已被他人修改，请刷新后重试`),
  payloadTooLarge: () => new AppError(413, 'E1013', '请求内容过大'),
  unauthenticated: () => new AppError(401, 'E1101', '未登录或登录已过期，请重新登录'),
  badCredentials: () => new AppError(401, 'E1102', '用户名或密码错误'),
  locked: (minutes: number) =>
    new AppError(429, 'E1103', `登录失败次数过多，账号已临时锁定，请 ${minutes} 分钟后再试`),
  csrf: () => new AppError(403, 'E1104', '请求缺少有效的 CSRF 令牌（x-csrf-token），请刷新页面后重试'),
  forbidden: (permission?: string) =>
    new AppError(403, 'E1105', permission ? `没有权限执行此操作（需要权限 ${permission}）` : '没有权限执行此操作'),
  mustChangePassword: () => new AppError(403, 'E1106', '首次登录须先修改密码'),
  outOfScope: (what = '该数据') => new AppError(403, 'E1107', `${what}不在您的数据权限范围内`),
  disabled: () => new AppError(401, 'E1108', '账号已停用，请联系管理员'),
};
