import { registerJob } from '../jobs/runner';
import { recordDeadlineEvents } from './applications/service';

// Reminders before a review deadline and escalations after it, once a night.
registerJob('loan-deadlines', (db) => recordDeadlineEvents(db), { nightly: true });
