import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));
export const serverRoot = path.resolve(here, '..');
export const repoRoot = path.resolve(serverRoot, '../..');

// Every variable is read here once and validated; nothing else reads process.env.
const envSchema = z.object({
  // When set, that PostgreSQL (≥ 15) is used and no embedded server is started.
  DATABASE_URL: z.string().url().optional(),
  // Where the embedded PostgreSQL keeps its files, uploads and backups.
  FUPIN_DATA_DIR: z.string().default(path.join(repoRoot, 'data')),
  // Port of the embedded PostgreSQL (only used without DATABASE_URL).
  FUPIN_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  // Initial administrator password; when unset one is generated, printed once, and must be changed.
  FUPIN_ADMIN_PASSWORD: z.string().min(8).optional(),
  // Set the Secure flag on cookies (behind HTTPS in production).
  FUPIN_SECURE_COOKIES: z.enum(['0', '1']).default('0'),
  // Demo region loaded on first start: none | township | county.
  FUPIN_DEMO: z.enum(['none', 'township', 'county']).default('township'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Largest JSON body accepted (bytes); uploads have their own limits.
  FUPIN_BODY_LIMIT: z.coerce.number().int().min(1024).default(1_048_576),
});

export type Config = z.infer<typeof envSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`环境变量配置有误:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
