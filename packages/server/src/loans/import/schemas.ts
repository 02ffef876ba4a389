import { z } from 'zod';

export const loanImportResult = z.object({
  id: z.number(),
  filename: z.string(),
  rowsTotal: z.number(),
  createdCount: z.number(),
  unchangedCount: z.number(),
  failedCount: z.number(),
  /** present when some rows failed: the rows with the reason beside each */
  errorFileUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type LoanImportResult = z.output<typeof loanImportResult>;

export const loanImportQuery = z.strictObject({
  filename: z.string().trim().min(1, '须给出文件名').max(200, '文件名不能超过200个字符'),
});

export const loanImportParams = z.strictObject({ id: z.coerce.number().int().positive() });
