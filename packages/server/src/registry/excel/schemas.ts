import { z } from 'zod';

export const importItem = z.object({
  id: z.number(),
  filename: z.string(),
  format: z.enum(['xlsx', 'csv']),
  status: z.enum(['queued', 'parsing', 'importing', 'done', 'failed']),
  statusLabel: z.string(),
  message: z.string().nullable(),
  username: z.string(),
  totalRows: z.number(),
  processedRows: z.number(),
  totalHouseholds: z.number(),
  processedHouseholds: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  failedHouseholds: z.number(),
  failedRows: z.number(),
  parseMs: z.number().nullable(),
  importMs: z.number().nullable(),
  /** milliseconds per phase of the import (staging, validation, each write …), once finished */
  phaseMs: z.record(z.string(), z.number()).nullable(),
  hasErrorFile: z.boolean(),
  errorSample: z.array(z.object({ sheet: z.string(), rowNo: z.number(), reason: z.string() })),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportItem = z.output<typeof importItem>;
