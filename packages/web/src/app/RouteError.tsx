import { Button, Result } from 'antd';
import { isRouteErrorResponse, useNavigate, useRouteError } from 'react-router';
import { ApiError } from '../api/client';

/** Shown when a page fails to load (a lost chunk after a deploy, a server error in a loader). */
export function RouteError() {
  const err = useRouteError();
  const navigate = useNavigate();
  let text = '页面加载失败';
  if (err instanceof ApiError) text = err.message;
  else if (isRouteErrorResponse(err)) text = `${err.status} ${err.statusText}`;
  else if (err instanceof Error && /dynamically imported module|Importing a module script failed|Failed to fetch/i.test(err.message))
    text = '系统已更新或网络中断，请刷新页面';
  return (
    <Result
      status="error"
      title="出错了"
      subTitle={text}
      extra={[
        <Button key="reload" type="primary" onClick={() => window.location.reload()}>
          刷新页面
        </Button>,
        <Button key="home" onClick={() => navigate('/')}>
          返回工作台
        </Button>,
      ]}
    />
  );
}
