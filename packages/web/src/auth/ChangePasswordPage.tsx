import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Space } from 'antd';
import { useEffect, useMemo } from 'react';
import { useNavigate } from 'react-router';
import { setCsrfToken } from '../api/client';
import { feedback } from '../app/feedback';
import { parseForm, zodRule } from '../lib/form';
import { changePasswordFormSchema, newPasswordSchema, PASSWORD_RULE_TEXT } from './password';
import { authApi, SESSION_KEY, useSessionUser } from './session';
import './auth.css';

type Values = { oldPassword: string; newPassword: string; confirmPassword: string };
// The server names the old-password field 原密码 in its issues.
const FIELD_LABELS = { oldPassword: ['旧密码', '原密码'], newPassword: '新密码', confirmPassword: '确认密码' };

export default function ChangePasswordPage() {
  const user = useSessionUser();
  const forced = user.mustChangePassword;
  const [form] = Form.useForm<Values>();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const schema = useMemo(() => changePasswordFormSchema(user.username), [user.username]);
  useEffect(() => {
    document.title = '修改密码 - 扶贫工作站';
  }, []);

  const change = useMutation({
    mutationFn: (v: Values) => authApi.changePassword({ oldPassword: v.oldPassword, newPassword: v.newPassword }),
    onSuccess: async () => {
      feedback.message.success('密码已修改');
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
      void navigate('/', { replace: true });
    },
    meta: { form, fieldLabels: FIELD_LABELS },
  });

  const logout = useMutation({
    mutationFn: authApi.logout,
    onSettled: async () => {
      setCsrfToken('');
      await navigate('/login', { replace: true });
      queryClient.clear();
    },
    meta: { silent: true },
  });

  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="auth-brand">
          <span className="auth-mark" aria-hidden>
            扶
          </span>
          <div>
            <h1>修改密码</h1>
            <p>
              {user.name}（{user.username}）
            </p>
          </div>
        </div>
        {forced && <Alert type="info" showIcon className="auth-alert" title="首次登录或密码被重置后，须先修改密码才能使用系统。" />}
        <Form
        name="changePassword"
          form={form}
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => {
            const parsed = parseForm(form, schema, v);
            if (parsed) change.mutate(parsed);
          }}
        >
          <Form.Item label="旧密码" name="oldPassword" rules={[zodRule(schema.shape.oldPassword)]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          <Form.Item label="新密码" name="newPassword" rules={[zodRule(newPasswordSchema(user.username))]} extra={PASSWORD_RULE_TEXT}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            label="确认密码"
            name="confirmPassword"
            dependencies={['newPassword']}
            rules={[
              { required: true, message: '请再次输入新密码' },
              ({ getFieldValue }) => ({
                validator: async (_r, v) => {
                  if (v && v !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致');
                },
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Button type="primary" htmlType="submit" block loading={change.isPending}>
              确认修改
            </Button>
            {forced ? (
              <Button block onClick={() => logout.mutate()}>
                退出登录
              </Button>
            ) : (
              <Button block onClick={() => navigate(-1)}>
                返回
              </Button>
            )}
          </Space>
        </Form>
      </div>
    </main>
  );
}
