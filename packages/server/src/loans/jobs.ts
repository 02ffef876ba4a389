import { registerJob } from '../jobs/runner';
import { recordDeadlineEvents } from './applications/service';
import { refreshOverdue } from './lending/service';

// Reminders before a review deadline and escalations after it, once a night.
registerJob('loan-deadlines', (db) => recordDeadlineEvents(db), { nightly: true });

// Loans that fell overdue without a repayment: the subsidy verdict follows (第三条6).
registerJob('loan-overdue-refresh', (db) => refreshOverdue(db), { nightly: true });
