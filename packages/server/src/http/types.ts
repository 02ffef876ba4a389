import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/db';
import type { Config } from '../config';
import type pg from 'pg';

export type Deps = { db: Db; pool: pg.Pool; config: Config };
export type Module = (app: FastifyInstance, deps: Deps) => Promise<void> | void;
export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();
