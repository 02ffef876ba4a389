import { QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { RouterProvider } from 'react-router';
import { FeedbackHolder } from './feedback';
import { queryClient } from './queryClient';
import { router } from './router';
import { theme } from './theme';

dayjs.locale('zh-cn');

export function App() {
  return (
    // No space between two Chinese characters on buttons: the label stays 登录, which is
    // what users read and what browser tests look for.
    <ConfigProvider locale={zhCN} theme={theme} button={{ autoInsertSpace: false }}>
      <AntdApp>
        <FeedbackHolder />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntdApp>
    </ConfigProvider>
  );
}
