import { z } from 'zod';
import zhCN from 'zod/v4/locales/zh-CN.js';

// Default zod messages in Chinese, as on the server (app.ts). Web code imports `z` from
// here so the locale is set wherever a schema runs, and zod stays out of the first load.
z.config(zhCN());

export { z };
