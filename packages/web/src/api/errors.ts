import type { FormInstance } from 'antd';
import { feedback } from '../app/feedback';
import { ApiError, ERR, type FieldIssue } from './client';
import { fieldOfIssue, type FieldLabels } from './fieldIssues';

export type { FieldLabels };

/**
 * Passed as TanStack Query `meta` (or directly) to say how an error should be shown:
 * with `form`, validation issues go next to the fields they name.
 */
export type ErrorMeta = {
  form?: FormInstance;
  /** form field name → the Chinese label(s) the server uses in `details.issues[].field` */
  fieldLabels?: FieldLabels;
  /** the caller shows the error itself (e.g. the login page's inline alert) */
  silent?: boolean;
};

declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: ErrorMeta;
    mutationMeta: ErrorMeta;
    defaultError: Error;
  }
}

/** Puts server issues on the form's fields; returns the issues no field claimed. */
export function applyIssuesToForm(form: FormInstance, issues: FieldIssue[], labels: FieldLabels = {}): FieldIssue[] {
  const names = [...new Set([...Object.keys(labels), ...Object.keys(form.getFieldsValue(true) ?? {})])];
  const byField = new Map<string, string[]>();
  const rest: FieldIssue[] = [];
  for (const issue of issues) {
    const name = fieldOfIssue(issue, names, labels);
    if (name) byField.set(name, [...(byField.get(name) ?? []), issue.message]);
    else rest.push(issue);
  }
  if (byField.size) {
    form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
    const first = [...byField.keys()][0];
    form.scrollToField(first, { block: 'nearest' });
  }
  return rest;
}

/** The one place errors are shown to the user. */
export function reportError(err: unknown, meta?: ErrorMeta) {
  if (meta?.silent) return;
  if (!(err instanceof ApiError)) {
    if (err instanceof Error && err.name === 'AbortError') return;
    feedback.message.error({ content: `操作失败：${err instanceof Error ? err.message : String(err)}`, key: 'unexpected' });
    return;
  }
  // The session handlers redirect; one notice is enough.
  if (err.status === 401 && err.code !== ERR.badCredentials && err.code !== ERR.disabled) {
    feedback.message.warning({ content: err.message, key: 'unauthenticated' });
    return;
  }
  if (err.code === ERR.mustChangePassword) {
    feedback.message.warning({ content: err.message, key: 'must-change-password' });
    return;
  }
  let text = err.message;
  if (meta?.form && err.issues.length) {
    const rest = applyIssuesToForm(meta.form, err.issues, meta.fieldLabels);
    if (!rest.length) {
      feedback.message.error({ content: '请按提示修改标红的项目', key: 'form-issues' });
      return;
    }
    text = rest.map((i) => (i.field ? `${i.field}：${i.message}` : i.message)).join('；');
  }
  if (err.status >= 500) {
    feedback.notification.error({
      key: `server-${err.requestId ?? err.code}`,
      title: '服务器出错',
      description: err.requestId && !text.includes(err.requestId) ? `${text}（请求编号 ${err.requestId}）` : text,
    });
    return;
  }
  feedback.message.error({ content: text, key: text });
}
