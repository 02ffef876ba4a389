import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input } from 'antd';
import { useEffect } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, ERR } from '../api/client';
import { zodRules } from '../lib/form';
import { loginSchema } from './password';
import { authApi, SESSION_KEY } from './session';
import './auth.css';

const rules = zodRules(loginSchema);

/** Only same-site paths, so a crafted link cannot send the user elsewhere after login. */
export function safeRedirect(v: string | null): string {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/login') ? v : '/';
}

export default function LoginPage() {
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useEffect(() => {
    document.title = '登录 - 扶贫工作站';
  }, []);

  const login = useMutation({
    mutationFn: authApi.login,
    onSuccess: (user) => {
      queryClient.clear();
      queryClient.setQueryData(SESSION_KEY, user);
      void navigate(user.mustChangePassword ? '/change-password' : safeRedirect(params.get('redirect')), { replace: true });
    },
    onError: () => form.setFieldValue('password', ''),
    // The page shows the reason itself, in place (wrong password, locked, disabled).
    meta: { silent: true },
  });

  const err = login.error;
  const locked = err instanceof ApiError && err.code === ERR.locked;

  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="auth-mark" aria-hidden>
            扶
          </span>
          <div>
            <h1>扶贫工作站</h1>
            <p>乡镇扶贫开发工作管理系统</p>
          </div>
        </div>
        {err && (
          <Alert
            role="alert"
            type={locked ? 'warning' : 'error'}
            showIcon
            title={err.message}
            className="auth-alert"
          />
        )}
        <Form name="login" form={form} layout="vertical" requiredMark={false} onFinish={(v) => login.mutate({ username: v.username.trim(), password: v.password })}>
          <Form.Item label="用户名" name="username" rules={rules.username}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={rules.password}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            登录
          </Button>
        </Form>
        <p className="auth-foot">忘记密码请联系系统管理员重置。</p>
      </div>
    </main>
  );
}
