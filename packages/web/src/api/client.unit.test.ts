import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, setCsrfToken, setSessionHandlers, toSearch } from './client';
import { fieldOfIssue } from './fieldIssues';

type Call = { url: string; init: RequestInit };
let calls: Call[] = [];
function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
  });
}

beforeEach(() => {
  calls = [];
  setCsrfToken('tok-123');
});
afterEach(() => {
  vi.unstubAllGlobals();
  setSessionHandlers({});
});

describe('toSearch', () => {
  it('drops blanks and repeats arrays', () => {
    expect(toSearch({ a: 1, b: '', c: undefined, d: null, e: ['x', 'y'], f: false })).toBe('?a=1&e=x&e=y&f=false');
    expect(toSearch({})).toBe('');
  });
});

describe('api client', () => {
  it('sends the CSRF token on state-changing requests only, with the session cookie', async () => {
    respond(200, { ok: true });
    await api.get('/api/x', { page: 2 });
    await api.post('/api/x', { a: 1 });
    expect(calls[0].url).toBe('/api/x?page=2');
    expect((calls[0].init.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect(calls[0].init.credentials).toBe('same-origin');
    expect((calls[1].init.headers as Record<string, string>)['x-csrf-token']).toBe('tok-123');
    expect(calls[1].init.body).toBe('{"a":1}');
  });

  it('turns the error envelope into an ApiError with field issues', async () => {
    respond(400, { error: { code: 'E1001', message: '姓名：不能为空', details: { issues: [{ field: '姓名', message: '不能为空' }, { bad: 1 }] } } }, { 'x-request-id': 'r-1' });
    const err = (await api.post('/api/users', {}).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('E1001');
    expect(err.message).toBe('姓名：不能为空');
    expect(err.issues).toEqual([{ field: '姓名', message: '不能为空' }]);
    expect(err.requestId).toBe('r-1');
  });

  it('gives a Chinese message when the body is not an envelope', async () => {
    respond(502, undefined);
    const err = (await api.get('/api/x').catch((e) => e)) as ApiError;
    expect(err.message).toBe('服务器暂时不可用，请稍后重试');
  });

  it('reports an ended session, but not a failed login', async () => {
    const onUnauthenticated = vi.fn();
    setSessionHandlers({ onUnauthenticated });
    respond(401, { error: { code: 'E1101', message: '未登录或登录已过期，请重新登录' } });
    await api.get('/api/users').catch(() => undefined);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    respond(401, { error: { code: 'E1102', message: '用户名或密码错误' } });
    await api.post('/api/auth/login', {}).catch(() => undefined);
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('sends a user who must change the password to that page', async () => {
    const onMustChangePassword = vi.fn();
    setSessionHandlers({ onMustChangePassword });
    respond(403, { error: { code: 'E1106', message: '首次登录须先修改密码' } });
    await api.get('/api/users').catch(() => undefined);
    expect(onMustChangePassword).toHaveBeenCalledTimes(1);
  });

  it('reports a network failure in Chinese', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const err = (await api.get('/api/x').catch((e) => e)) as ApiError;
    expect(err.code).toBe('NETWORK');
    expect(err.message).toMatch(/无法连接服务器/);
  });
});

describe('fieldOfIssue', () => {
  const names = ['username', 'roleCodes', 'oldPassword'];
  const labels = { username: '用户名', roleCodes: '角色', oldPassword: ['旧密码', '原密码'] };
  it('matches by Chinese label, alias, name and path', () => {
    expect(fieldOfIssue({ field: '用户名', message: '' }, names, labels)).toBe('username');
    expect(fieldOfIssue({ field: '原密码', message: '' }, names, labels)).toBe('oldPassword');
    expect(fieldOfIssue({ field: 'roleCodes.0', message: '' }, names, labels)).toBe('roleCodes');
    expect(fieldOfIssue({ field: '角色', message: '' }, names, labels)).toBe('roleCodes');
  });
  it('leaves unknown and form-level issues unclaimed', () => {
    expect(fieldOfIssue({ field: '', message: '' }, names, labels)).toBeNull();
    expect(fieldOfIssue({ field: 'role,extra', message: '' }, names, labels)).toBeNull();
  });
});
