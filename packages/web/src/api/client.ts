/**
 * The one way the browser talks to the server (docs/api-conventions.md): same-origin JSON,
 * the session cookie, the CSRF token on every state-changing request, and the error
 * envelope `{error:{code,message,details}}` turned into an ApiError. What happens after an
 * error (a message, a field hint, a redirect) is decided in one place: api/errors.ts.
 */

export type FieldIssue = { field: string; message: string };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** `details.issues` of a 400 validation error (E1001), or [] for any other error. */
  get issues(): FieldIssue[] {
    const d = this.details as { issues?: unknown } | undefined;
    if (!d || !Array.isArray(d.issues)) return [];
    return d.issues.filter(
      (i): i is FieldIssue => typeof i === 'object' && i !== null && typeof i.field === 'string' && typeof i.message === 'string',
    );
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

// Known server codes the UI reacts to (packages/server/src/http/errors.ts).
export const ERR = {
  validation: 'E1001',
  notFound: 'E1004',
  stale: 'E1010',
  unauthenticated: 'E1101',
  badCredentials: 'E1102',
  locked: 'E1103',
  csrf: 'E1104',
  forbidden: 'E1105',
  mustChangePassword: 'E1106',
  disabled: 'E1108',
} as const;

let csrfToken = '';
/** Kept from POST /api/auth/login and GET /api/auth/me; sent as x-csrf-token. */
export function setCsrfToken(token: string) {
  csrfToken = token;
}

type SessionHandlers = {
  /** 401 on any request but the login itself: the session has ended. */
  onUnauthenticated?: (err: ApiError) => void;
  /** E1106: the user must change the first-login password before anything else. */
  onMustChangePassword?: (err: ApiError) => void;
};
let handlers: SessionHandlers = {};
/** The router registers these once; the client itself knows nothing about pages. */
export function setSessionHandlers(h: SessionHandlers) {
  handlers = h;
}

export type Query = Record<string, string | number | boolean | null | undefined | readonly (string | number)[]>;

/** `{a:1, b:'', c:undefined, d:[1,2]}` → `a=1&d=1&d=2` — blanks mean "no filter". */
export function toSearch(query?: Query): string {
  if (!query) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) sp.append(k, String(x));
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** `raw`: a file sent as the body itself (streamed by the server), not as JSON. */
type RequestOptions = { query?: Query; body?: unknown; raw?: Blob; signal?: AbortSignal };

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.raw) headers['content-type'] = opts.raw.type || 'application/octet-stream';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(`${path}${toSearch(opts.query)}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }

  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (!res.ok) {
    const env = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const requestId = res.headers.get('x-request-id') ?? undefined;
    const err = env && typeof env.code === 'string' && typeof env.message === 'string'
      ? new ApiError(res.status, env.code, env.message, env.details, requestId)
      : new ApiError(res.status, `HTTP${res.status}`, fallbackMessage(res.status), undefined, requestId);
    if (res.status === 401 && !path.startsWith('/api/auth/login')) handlers.onUnauthenticated?.(err);
    if (err.code === ERR.mustChangePassword) handlers.onMustChangePassword?.(err);
    throw err;
  }
  if (text && data === undefined) throw new ApiError(res.status, 'BAD_JSON', '服务器返回的数据格式不正确');
  return data as T;
}

function fallbackMessage(status: number): string {
  if (status === 401) return '未登录或登录已过期，请重新登录';
  if (status === 403) return '没有权限执行此操作';
  if (status === 404) return '请求的数据不存在';
  if (status === 413) return '请求内容过大';
  if (status === 429) return '请求过于频繁，请稍后再试';
  if (status === 502 || status === 503 || status === 504) return '服务器暂时不可用，请稍后重试';
  return `服务器错误（${status}），请稍后重试`;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string, body?: unknown) => request<T>('DELETE', path, { body }),
  upload: <T>(path: string, query: Query, file: Blob) => request<T>('POST', path, { query, raw: file }),
};

/** The list shape every paged endpoint returns. */
export type Paged<T> = { items: T[]; total: number; page: number; pageSize: number };
