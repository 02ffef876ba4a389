/**
 * Types and calls of the loans API (server: packages/server/src/loans/**\/schemas.ts). Types come
 * from the server's zod schemas, so a changed field breaks the build, not a page.
 */
import type { z } from 'zod';
import { api, ApiError, type Paged, type Query } from '../../api/client';
import type { applicationDetail, applicationItem, eligibilitySchema, queueResponse } from '@fupin/server/src/loans/applications/schemas';
import type { certificateItem } from '@fupin/server/src/loans/certificates/schemas';
import type { ageingResponse, loanDetail, loanItem } from '@fupin/server/src/loans/lending/schemas';
import type { listQuotasResponse, quotaItem, schemeItem } from '@fupin/server/src/loans/schemes/schemas';
import type {
  accountItem,
  allocationProposal,
  claimItem,
  entriesResponse,
  paymentList,
  paymentReversalResponse,
  paymentResponse,
  prepaymentPreview,
  reconciliationResponse,
  rosterDetail,
  rosterList,
  settlementItem,
  transferItem,
} from '@fupin/server/src/loans/funds/schemas';
import type {
  assessmentResponse,
  dashboardResponse,
  noticeItem,
  noticePreview,
  quarterPreview,
  quarterReportItem,
  recoveryResponse,
  reportBoard,
  statementResult,
  workFundItem,
} from '@fupin/server/src/loans/reports/schemas';

export type Scheme = z.output<typeof schemeItem>;
export type Quota = z.output<typeof quotaItem>;
export type QuotaList = z.output<typeof listQuotasResponse>;
export type Certificate = z.output<typeof certificateItem>;
export type Application = z.output<typeof applicationItem>;
export type ApplicationDetail = z.output<typeof applicationDetail>;
export type Eligibility = z.output<typeof eligibilitySchema>;
export type Queue = z.output<typeof queueResponse>;
export type Loan = z.output<typeof loanItem>;
export type LoanDetail = z.output<typeof loanDetail>;
export type Ageing = z.output<typeof ageingResponse>;
export type Account = z.output<typeof accountItem>;
export type Entries = z.output<typeof entriesResponse>;
export type Transfer = z.output<typeof transferItem>;
export type Proposal = z.output<typeof allocationProposal>;
export type PrepaymentPreview = z.output<typeof prepaymentPreview>;
export type Settlement = z.output<typeof settlementItem>;
export type RosterList = z.output<typeof rosterList>;
export type Roster = z.output<typeof rosterDetail>;
export type Claim = z.output<typeof claimItem>;
export type Reconciliation = z.output<typeof reconciliationResponse>;
export type Payment = z.output<typeof paymentResponse>;
export type PaymentRecord = z.output<typeof paymentList>['items'][number];
export type PaymentReversal = z.output<typeof paymentReversalResponse>;
export type NoticePreview = z.output<typeof noticePreview>;
export type Notice = z.output<typeof noticeItem>;
export type QuarterPreview = z.output<typeof quarterPreview>;
export type QuarterReport = z.output<typeof quarterReportItem>;
export type ReportBoard = z.output<typeof reportBoard>;
export type Recovery = z.output<typeof recoveryResponse>;
export type Assessment = z.output<typeof assessmentResponse>;
export type WorkFund = z.output<typeof workFundItem>;
export type Dashboard = z.output<typeof dashboardResponse>;
export type StatementResult = z.output<typeof statementResult>;

const L = '/api/loans';

export const loansApi = {
  schemes: (q: Query, signal?: AbortSignal) => api.get<{ items: Scheme[] }>(`${L}/schemes`, q, signal),
  createScheme: (body: unknown) => api.post<Scheme>(`${L}/schemes`, body),
  reviseScheme: (id: number, body: unknown) => api.post<Scheme>(`${L}/schemes/${id}/revise`, body),
  quotas: (countyCode: string, year: number, signal?: AbortSignal) => api.get<QuotaList>(`${L}/quotas`, { countyCode, year }, signal),
  putQuota: (body: unknown) => api.put<Quota>(`${L}/quotas`, body),

  certificates: (q: Query, signal?: AbortSignal) => api.get<Paged<Certificate>>(`${L}/certificates`, q, signal),
  applyCertificate: (householdId: number) => api.post<Certificate>(`${L}/certificates`, { householdId }),
  villageReviewCertificate: (id: number, body: unknown) => api.post<Certificate>(`${L}/certificates/${id}/village-review`, body),
  coopDecideCertificate: (id: number, body: unknown) => api.post<Certificate>(`${L}/certificates/${id}/coop-decision`, body),
  revokeCertificate: (id: number, body: unknown) => api.post<Certificate>(`${L}/certificates/${id}/revoke`, body),

  eligibility: (q: Query, signal?: AbortSignal) => api.get<Eligibility>(`${L}/eligibility`, q, signal),
  applications: (q: Query, signal?: AbortSignal) => api.get<Paged<Application>>(`${L}/applications`, q, signal),
  queue: (q: Query, signal?: AbortSignal) => api.get<Queue>(`${L}/applications/queue`, q, signal),
  application: (id: number, signal?: AbortSignal) => api.get<ApplicationDetail>(`${L}/applications/${id}`, undefined, signal),
  createApplication: (body: unknown) => api.post<ApplicationDetail>(`${L}/applications`, body),
  createEnterpriseApplication: (body: unknown) => api.post<ApplicationDetail>(`${L}/enterprise-applications`, body),
  decide: (id: number, path: string, body: unknown) => api.post<ApplicationDetail>(`${L}/applications/${id}/${path}`, body),
  resubmit: (id: number, body: unknown) => api.post<ApplicationDetail>(`${L}/applications/${id}/resubmit`, body),
  withdraw: (id: number, body: unknown) => api.post<ApplicationDetail>(`${L}/applications/${id}/withdraw`, body),
  quotaDecision: (id: number, body: unknown) => api.post<ApplicationDetail>(`${L}/applications/${id}/quota-decision`, body),
  disburse: (id: number, body: unknown) => api.post<LoanDetail>(`${L}/applications/${id}/disburse`, body),

  loans: (q: Query, signal?: AbortSignal) => api.get<Paged<Loan>>(`${L}/loans`, q, signal),
  loan: (id: number, signal?: AbortSignal) => api.get<LoanDetail>(`${L}/loans/${id}`, undefined, signal),
  ageing: (q: Query, signal?: AbortSignal) => api.get<Ageing>(`${L}/loans/ageing`, q, signal),
  repay: (id: number, body: unknown) => api.post<LoanDetail>(`${L}/loans/${id}/repayments`, body),
  reverseRepayment: (id: number, repaymentId: number, reason: string) => api.post<LoanDetail>(`${L}/loans/${id}/repayments/${repaymentId}/reverse`, { reason }),
  writeOff: (id: number, body: unknown) => api.post<LoanDetail>(`${L}/loans/${id}/write-off`, body),
  paySubsidy: (id: number, body: unknown) => api.post<Payment>(`${L}/loans/${id}/subsidy-payment`, body),

  accounts: (countyCode?: string, signal?: AbortSignal) => api.get<{ items: Account[] }>(`${L}/funds/accounts`, { countyCode }, signal),
  entries: (id: number, q: Query, signal?: AbortSignal) => api.get<Entries>(`${L}/funds/accounts/${id}/entries`, q, signal),
  transfers: (q: Query, signal?: AbortSignal) => api.get<{ items: Transfer[] }>(`${L}/funds/transfers`, q, signal),
  budget: (body: unknown) => api.post<Transfer>(`${L}/funds/budget`, body),
  proposal: (q: Query, signal?: AbortSignal) => api.get<Proposal>(`${L}/funds/allocations/proposal`, q, signal),
  allocate: (body: unknown) => api.post<Transfer>(`${L}/funds/allocations`, body),
  prepaymentPreview: (q: Query, signal?: AbortSignal) => api.get<PrepaymentPreview>(`${L}/funds/prepayments/preview`, q, signal),
  prepay: (body: unknown) => api.post<Transfer>(`${L}/funds/prepayments`, body),
  topup: (body: unknown) => api.post<Transfer>(`${L}/funds/topups`, body),
  settle: (body: unknown) => api.post<Settlement>(`${L}/funds/settlements`, body),
  settlements: (q: Query, signal?: AbortSignal) => api.get<{ items: Settlement[] }>(`${L}/funds/settlements`, q, signal),
  payments: (q: Query, signal?: AbortSignal) => api.get<{ items: PaymentRecord[] }>(`${L}/funds/payments`, q, signal),
  reversePayment: (id: number, body: unknown) => api.post<PaymentReversal>(`${L}/funds/payments/${id}/reverse`, body),
  reverseTransfer: (id: number, body: unknown) => api.post<Transfer>(`${L}/funds/transfers/${id}/reverse`, body),
  reconciliation: (countyCode: string, signal?: AbortSignal) => api.get<Reconciliation>(`${L}/funds/reconciliation`, { countyCode }, signal),
  rosters: (q: Query, signal?: AbortSignal) => api.get<RosterList>(`${L}/funds/rosters`, q, signal),
  roster: (id: number, signal?: AbortSignal) => api.get<Roster>(`${L}/funds/rosters/${id}`, undefined, signal),
  fileRoster: (body: unknown) => api.post<Roster>(`${L}/funds/rosters`, body),
  rosterXlsxUrl: (id: number) => `${L}/funds/rosters/${id}/xlsx`,
  claims: (q: Query, signal?: AbortSignal) => api.get<{ items: Claim[] }>(`${L}/funds/claims`, q, signal),
  submitClaim: (body: unknown) => api.post<Claim>(`${L}/funds/claims`, body),
  decideClaim: (id: number, body: unknown) => api.post<Claim>(`${L}/funds/claims/${id}/decide`, body),

  noticePreview: (q: Query, signal?: AbortSignal) => api.get<NoticePreview>(`${L}/notices/preview`, q, signal),
  issueNotice: (body: unknown) => api.post<Notice>(`${L}/notices`, body),
  notices: (q: Query, signal?: AbortSignal) => api.get<{ items: Notice[] }>(`${L}/notices`, q, signal),
  quarterPreview: (q: Query, signal?: AbortSignal) => api.get<QuarterPreview>(`${L}/reports/quarterly/preview`, q, signal),
  submitQuarter: (body: unknown) => api.post<QuarterReport>(`${L}/reports/quarterly`, body),
  board: (q: Query, signal?: AbortSignal) => api.get<ReportBoard>(`${L}/reports/quarterly/board`, q, signal),
  recovery: (q: Query, signal?: AbortSignal) => api.get<Recovery>(`${L}/reports/recovery`, q, signal),
  assessment: (q: Query, signal?: AbortSignal) => api.get<Assessment>(`${L}/reports/assessment`, q, signal),
  dashboard: (q: Query, signal?: AbortSignal) => api.get<Dashboard>(`${L}/reports/dashboard`, q, signal),
  workFunds: (q: Query, signal?: AbortSignal) => api.get<{ items: WorkFund[] }>(`${L}/work-funds`, q, signal),
  addWorkFund: (body: unknown) => api.post<WorkFund>(`${L}/work-funds`, body),
  statement: (id: number, signal?: AbortSignal) => api.get<StatementResult>(`${L}/reconciliations/${id}`, undefined, signal),
};

/** The statement upload sends the file itself (not JSON), with the CSRF token. */
export async function uploadStatement(file: File, q: { countyCode: string; statementDate: string }): Promise<StatementResult> {
  const { csrfToken: csrf } = await api.get<{ csrfToken: string }>('/api/auth/me');
  const sp = new URLSearchParams({ ...q, filename: file.name });
  const res = await fetch(`${L}/reconciliations?${sp}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': csrf, accept: 'application/json' },
    body: file,
  });
  const data = await res.json();
  if (!res.ok) {
    throw new ApiError(res.status, data?.error?.code ?? `HTTP${res.status}`, data?.error?.message ?? '上传失败', data?.error?.details);
  }
  return data as StatementResult;
}
