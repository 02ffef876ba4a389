import { z } from 'zod';
import { errorEnvelope } from '../http/common-schemas';
import { ctxOf, SESSION_COOKIE } from '../http/auth-hooks';
import { errors } from '../http/errors';
import { typed, type Module } from '../http/types';
import { changePasswordBody, loginBody, loginResponse, sessionUserSchema } from './schemas';
import { authService, publicUser } from './service';

export const authRoutes: Module = (app, { db, config }) => {
  const r = typed(app);
  const cookieOpts = { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: config.FUPIN_SECURE_COOKIES === '1' };

  r.post('/api/auth/login', {
    config: {
      public: true,
      // Per address, on top of the per-account lock in the service.
      rateLimit: { max: 30, timeWindow: '1 minute' },
    },
    schema: {
      tags: ['auth'],
      operationId: 'login',
      summary: '登录',
      body: loginBody,
      response: { 200: loginResponse, 401: errorEnvelope, 429: errorEnvelope },
    },
    handler: async (req, reply) => {
      const { token, session, maxAgeSeconds } = await authService.login(db, {
        ...req.body,
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
      });
      reply.setCookie(SESSION_COOKIE, token, { ...cookieOpts, maxAge: maxAgeSeconds });
      return { csrfToken: session.csrfToken, user: publicUser(session) };
    },
  });

  r.post('/api/auth/logout', {
    config: { public: true },
    schema: { tags: ['auth'], operationId: 'logout', summary: '退出登录', response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req, reply) => {
      if (req.session) {
        const header = req.headers['x-csrf-token'];
        if (header !== req.session.csrfToken) throw errors.csrf();
        await authService.logout(db, req.session.tokenHash);
      }
      reply.clearCookie(SESSION_COOKIE, cookieOpts);
      return { ok: true as const };
    },
  });

  r.get('/api/auth/me', {
    config: { allowBeforePasswordChange: true },
    schema: { tags: ['auth'], operationId: 'me', summary: '当前用户与 CSRF 令牌', response: { 200: loginResponse, 401: errorEnvelope } },
    handler: async (req) => {
      const s = req.session!;
      return { csrfToken: s.csrfToken, user: publicUser(s) };
    },
  });

  r.post('/api/auth/password', {
    config: { allowBeforePasswordChange: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      operationId: 'changePassword',
      summary: '修改本人密码',
      body: changePasswordBody,
      response: { 200: z.object({ ok: z.literal(true) }), 400: errorEnvelope },
    },
    handler: async (req) => {
      await authService.changePassword(db, ctxOf(req), req.session!.tokenHash, req.body.oldPassword, req.body.newPassword);
      return { ok: true as const };
    },
  });
  void sessionUserSchema;
};
