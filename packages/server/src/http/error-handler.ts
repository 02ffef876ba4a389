import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError, errors, type FieldIssue } from './errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Chinese labels for this route's fields, over the global ones (a user's name is 姓名, an area's 名称). */
    fieldLabels?: Record<string, string>;
  }
}

const FIELD_LABELS: Record<string, string> = {};
/** Modules register Chinese labels for field names so messages say 姓名 rather than name. */
export function registerFieldLabels(labels: Record<string, string>) {
  Object.assign(FIELD_LABELS, labels);
}
export function fieldLabel(path: string, local?: Record<string, string>): string {
  const last = path.split('.').pop() ?? path;
  return local?.[path] ?? local?.[last] ?? FIELD_LABELS[path] ?? FIELD_LABELS[last] ?? path;
}

export function zodIssuesToFields(
  issues: readonly { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[],
  local?: Record<string, string>,
): FieldIssue[] {
  return issues.map((i) => {
    const path = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys' && i.keys) {
      return { field: i.keys.join(','), message: `不允许的字段 ${i.keys.join('、')}` };
    }
    return { field: path ? fieldLabel(path, local) : '', message: i.message };
  });
}

// Postgres errors that are the user's fault, never a 500.
function mapPgError(e: { code?: string; constraint?: string; detail?: string }): AppError | null {
  switch (e.code) {
    case '23505':
      return errors.conflict(`数据重复：${e.constraint ?? ''}`.trim(), { constraint: e.constraint });
    case '23503':
      return errors.badRequest(`引用的数据不存在或仍被使用：${e.constraint ?? ''}`.trim(), { constraint: e.constraint });
    case '23514':
      return errors.badRequest(`数据不符合规则：${e.constraint ?? ''}`.trim(), { constraint: e.constraint });
    case '22P02':
    case '22007':
    case '22008':
      return errors.badRequest('数据格式不正确');
    case '40001':
    case '40P01':
      return errors.conflict('与其他操作冲突，请重试');
    default:
      return null;
  }
}

/** `notFound: false` when the caller installs its own not-found handler (the web app's shell); Fastify allows one. */
export function installErrorHandler(app: FastifyInstance, opts: { notFound?: boolean } = {}) {
  app.setErrorHandler((err: FastifyError & { code?: string }, req, reply) => {
    let appErr: AppError | null = null;
    const local = req.routeOptions?.config?.fieldLabels;
    if (err instanceof AppError) appErr = err;
    else if (hasZodFastifySchemaValidationErrors(err)) {
      appErr = errors.validation(
        zodIssuesToFields(
          err.validation.map((v) => ({
            path: v.instancePath.split('/').filter(Boolean),
            message: v.message ?? '格式不正确',
            code: v.keyword,
            keys: (v.params as { keys?: string[] }).keys,
          })),
          local,
        ),
      );
    } else if (err instanceof ZodError) appErr = errors.validation(zodIssuesToFields(err.issues, local));
    else if (isResponseSerializationError(err)) appErr = null;
    else if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err.statusCode === 400 && err instanceof SyntaxError))
      appErr = errors.badRequest('请求体不是合法的 JSON');
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') appErr = errors.payloadTooLarge();
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') appErr = new AppError(415, 'E1015', '不支持的内容类型');
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') appErr = errors.badRequest('请求体为空');
    else if (err.statusCode === 429) appErr = new AppError(429, 'E1029', '请求过于频繁，请稍后再试');
    else if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) appErr = mapPgError(err);
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) appErr = errors.badRequest('请求格式不正确');

    if (appErr) {
      if (appErr.status >= 500) req.log.error({ err }, 'request failed');
      return reply.status(appErr.status).send({ error: { code: appErr.code, message: appErr.message, details: appErr.details } });
    }
    req.log.error({ err, reqId: req.id }, 'unhandled error');
    return reply.status(500).send({
      error: { code: 'E1500', message: `服务器内部错误，请联系管理员（请求编号 ${req.id}）`, details: { requestId: req.id } },
    });
  });
  if (opts.notFound === false) return;
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'E1404', message: `接口不存在：${req.method} ${req.url.split('?')[0]}` } });
  });
}
