-- Loans (contract, disbursement, schedule, repayments; statuses after Fineract) and the
-- subsidy ledger keyed by loan (due, earned, forfeited, paid, settled, reimbursed). docs/loans.md.

CREATE TABLE loan (
  county_code      text NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  loan_no          text NOT NULL,
  application_id   bigint NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('household', 'enterprise')),
  scheme_id        bigint NOT NULL,
  year             smallint NOT NULL,
  area_code        text NOT NULL,
  township_code    text,
  household_id     bigint,
  borrower_name    text NOT NULL,
  industry         text NOT NULL,
  production       boolean NOT NULL,
  principal_fen    bigint NOT NULL CHECK (principal_fen > 0),
  coop_rate_bp     integer NOT NULL CHECK (coop_rate_bp BETWEEN 0 AND 10000),  -- the coop's annual rate (第三条6)
  term_months      smallint NOT NULL CHECK (term_months > 0),
  contract_no      text NOT NULL,
  contract_date    date NOT NULL,
  disbursed_on     date NOT NULL,
  maturity_date    date NOT NULL,
  schedule_kind    text NOT NULL CHECK (schedule_kind IN ('bullet', 'instalments')),
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed_on_time', 'closed_late', 'written_off')),
  repaid_fen       bigint NOT NULL DEFAULT 0,
  outstanding_fen  bigint NOT NULL,
  -- The oldest instalment not fully paid: overdue once today is past its grace date (a due date on
  -- a holiday may be met on the next working day). Changes only with repayments, so no nightly flip.
  first_unpaid_due_on   date,
  first_unpaid_grace_on date,
  any_late         boolean NOT NULL DEFAULT false,
  closed_on        date,
  write_off_reason text,
  lender_org_name  text,
  version          integer NOT NULL DEFAULT 1,
  created_by       bigint,
  created_by_name  text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, loan_no),
  UNIQUE (county_code, application_id),
  UNIQUE (county_code, contract_no),
  FOREIGN KEY (county_code, application_id) REFERENCES loan_application (county_code, id),
  FOREIGN KEY (county_code, scheme_id) REFERENCES loan_scheme (county_code, id),
  CHECK (repaid_fen >= 0 AND outstanding_fen >= 0 AND repaid_fen + outstanding_fen = principal_fen),
  CHECK (maturity_date > disbursed_on AND disbursed_on >= contract_date),
  CHECK ((status = 'active') = (closed_on IS NULL) OR status = 'written_off')
);
CREATE INDEX loan_area_idx ON loan (area_code text_pattern_ops);
CREATE INDEX loan_township_idx ON loan (county_code, township_code, status);
CREATE INDEX loan_household_idx ON loan (county_code, household_id);
CREATE INDEX loan_maturity_idx ON loan (county_code, maturity_date);

CREATE TABLE loan_instalment (
  county_code  text NOT NULL,
  loan_id      bigint NOT NULL,
  seq          smallint NOT NULL CHECK (seq >= 1),
  due_date     date NOT NULL,
  grace_date   date NOT NULL,
  principal_fen bigint NOT NULL CHECK (principal_fen > 0),
  paid_fen     bigint NOT NULL DEFAULT 0,
  paid_off_on  date,
  late         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (county_code, loan_id, seq),
  FOREIGN KEY (county_code, loan_id) REFERENCES loan (county_code, id),
  CHECK (paid_fen BETWEEN 0 AND principal_fen),
  CHECK (grace_date >= due_date)
);
CREATE INDEX loan_instalment_due_idx ON loan_instalment (county_code, due_date);

-- A correction is a reversal row pointing at the original (negative amount), never an edit.
CREATE TABLE loan_repayment (
  county_code    text NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  loan_id        bigint NOT NULL,
  paid_on        date NOT NULL,
  principal_fen  bigint NOT NULL,
  interest_fen   bigint NOT NULL DEFAULT 0 CHECK (interest_fen >= 0),
  receipt_no     text,
  reversal_of    bigint,
  note           text,
  created_by     bigint,
  created_by_name text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, reversal_of),
  FOREIGN KEY (county_code, loan_id) REFERENCES loan (county_code, id),
  FOREIGN KEY (county_code, reversal_of) REFERENCES loan_repayment (county_code, id),
  CHECK ((reversal_of IS NULL AND principal_fen > 0) OR (reversal_of IS NOT NULL AND principal_fen < 0))
);
CREATE INDEX loan_repayment_loan_idx ON loan_repayment (county_code, loan_id, paid_on);
CREATE INDEX loan_repayment_paid_idx ON loan_repayment (county_code, paid_on);
CREATE TRIGGER loan_repayment_append_only BEFORE UPDATE OR DELETE ON loan_repayment
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('还款记录');

-- The subsidy of one loan: its current state. The figures and formula go on the roster.
CREATE TABLE loan_subsidy (
  county_code     text NOT NULL,
  loan_id         bigint NOT NULL,
  status          text NOT NULL CHECK (status IN ('not_applicable', 'pending', 'earned', 'forfeited', 'paid', 'settled', 'reimbursed')),
  payer           text NOT NULL CHECK (payer IN ('coop', 'finance_bureau')),  -- 第十二条6 / 第十三条
  rate_bp         integer NOT NULL,
  day_count_basis smallint NOT NULL,
  amount_fen      bigint NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
  lines           jsonb NOT NULL DEFAULT '[]',
  formula         text NOT NULL DEFAULT '',
  reason          text NOT NULL DEFAULT '',
  determined_on   date,                     -- repaid in full (earned) or forfeited
  version         integer NOT NULL DEFAULT 1,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, loan_id),
  FOREIGN KEY (county_code, loan_id) REFERENCES loan (county_code, id)
);
CREATE INDEX loan_subsidy_status_idx ON loan_subsidy (county_code, status);

-- Each subsidy is paid exactly once: the unique key on the loan is the guarantee, whatever the
-- code does and however many requests arrive at once.
CREATE TABLE loan_subsidy_payment (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  loan_id       bigint NOT NULL,
  township_code text,
  amount_fen    bigint NOT NULL CHECK (amount_fen > 0),
  paid_on       date NOT NULL,
  voucher_no    text NOT NULL,
  payee_name    text NOT NULL,
  payer         text NOT NULL CHECK (payer IN ('coop', 'finance_bureau')),
  roster_id     bigint,
  settlement_id bigint,
  claim_id      bigint,
  created_by    bigint,
  created_by_name text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, loan_id),
  FOREIGN KEY (county_code, loan_id) REFERENCES loan_subsidy (county_code, loan_id)
);
CREATE INDEX loan_subsidy_payment_township_idx ON loan_subsidy_payment (county_code, township_code, paid_on);

-- The subsidy ledger keyed by loan: every change of its state, with the amount and document.
CREATE TABLE loan_subsidy_event (
  county_code text NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  loan_id     bigint NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  on_date     date NOT NULL,
  event       text NOT NULL CHECK (event IN ('due', 'earned', 'forfeited', 'reopened', 'paid', 'settled', 'reimbursed', 'not_applicable')),
  amount_fen  bigint NOT NULL DEFAULT 0,
  document    text,
  note        text,
  actor_name  text,
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, loan_id) REFERENCES loan (county_code, id)
);
CREATE INDEX loan_subsidy_event_loan_idx ON loan_subsidy_event (county_code, loan_id, id);
CREATE TRIGGER loan_subsidy_event_append_only BEFORE UPDATE OR DELETE ON loan_subsidy_event
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('贴息台账');
CREATE TRIGGER loan_subsidy_payment_append_only BEFORE DELETE ON loan_subsidy_payment
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('贴息兑付记录');
