-- 贴息资金 (第十一条, 第十二条5–6): the special-account ledger (专户, 收支两条线) of the county
-- finance bureau, each township finance office and each township coop's subsidy fund; transfers
-- (budget, allocation, prepayment, top-up, refund), quarterly settlements, payment rosters (花名册)
-- and reimbursement claims (报账). docs/loans.md.

CREATE TABLE loan_fund_account (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  kind          text NOT NULL CHECK (kind IN ('bureau', 'finance_office', 'coop')),
  area_code     text NOT NULL,               -- the county (bureau) or the township
  name          text NOT NULL,
  balance_fen   bigint NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),   -- never negative
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, kind, area_code)
);

-- A movement of money with its paper: one document, one or two ledger lines.
CREATE TABLE loan_fund_transfer (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  doc_no          text NOT NULL,             -- 拨款/预拨/退款 document number
  kind            text NOT NULL CHECK (kind IN ('budget', 'allocation', 'prepayment', 'topup', 'refund')),
  township_code   text,                      -- the township concerned (null for a budget receipt)
  year            smallint,
  quarter         smallint CHECK (quarter BETWEEN 1 AND 4),
  from_account_id bigint,
  to_account_id   bigint NOT NULL,
  amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
  on_date         date NOT NULL,
  basis           jsonb NOT NULL DEFAULT '{}',   -- how the amount was computed (loans, figures)
  note            text,
  reversal_of     bigint,
  created_by      bigint,
  created_by_name text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, doc_no),
  UNIQUE (county_code, reversal_of),
  FOREIGN KEY (county_code, to_account_id) REFERENCES loan_fund_account (county_code, id),
  FOREIGN KEY (county_code, from_account_id) REFERENCES loan_fund_account (county_code, id)
);
-- One quarter-start prepayment per township and quarter (top-ups are separate documents).
CREATE UNIQUE INDEX loan_fund_transfer_prepay_uq ON loan_fund_transfer (county_code, township_code, year, quarter)
  WHERE kind = 'prepayment' AND reversal_of IS NULL;
CREATE INDEX loan_fund_transfer_township_idx ON loan_fund_transfer (county_code, township_code, year, quarter);

-- Every line of every account, with its source document; the balance after it is kept and
-- checked, so no line can take an account below zero. Never edited or deleted: a correction
-- is a reversal line.
CREATE TABLE loan_fund_entry (
  county_code       text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  account_id        bigint NOT NULL,
  area_code         text NOT NULL,           -- the account's, for scope
  entry_date        date NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('budget', 'allocation', 'prepayment', 'topup', 'refund',
                                                   'subsidy_payment', 'claim', 'reimbursement', 'reversal')),
  direction         text NOT NULL CHECK (direction IN ('in', 'out', 'memo')),
  amount_fen        bigint NOT NULL CHECK (amount_fen > 0),
  balance_after_fen bigint NOT NULL CHECK (balance_after_fen >= 0),
  source_doc_type   text NOT NULL,           -- transfer | subsidy_payment | claim
  source_doc_id     bigint NOT NULL,
  source_doc_no     text NOT NULL,
  counterparty      text,
  memo              text,
  created_by        bigint,
  created_by_name   text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, account_id) REFERENCES loan_fund_account (county_code, id)
);
CREATE INDEX loan_fund_entry_account_idx ON loan_fund_entry (county_code, account_id, id);
CREATE INDEX loan_fund_entry_area_idx ON loan_fund_entry (area_code text_pattern_ops);
CREATE TRIGGER loan_fund_entry_append_only BEFORE UPDATE OR DELETE ON loan_fund_entry
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('专户台账');
CREATE TRIGGER loan_fund_transfer_append_only BEFORE UPDATE OR DELETE ON loan_fund_transfer
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('资金拨付单据');

-- 季度结算: the quarter's prepaid subsidy against what was actually paid on loans repaid on time.
CREATE TABLE loan_settlement (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  township_code   text NOT NULL,
  year            smallint NOT NULL,
  quarter         smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  settled_on      date NOT NULL,
  coop_balance_fen bigint NOT NULL,         -- the coop's subsidy fund when settling
  prepaid_fen     bigint NOT NULL,          -- prepayments and top-ups of the quarter
  paid_fen        bigint NOT NULL,          -- subsidies paid to farmers in the quarter
  paid_count      integer NOT NULL,
  unpaid_earned_fen bigint NOT NULL,        -- earned by the quarter's end, not yet paid
  outcome         text NOT NULL CHECK (outcome IN ('carry_over', 'refund', 'top_up', 'balanced')),
  amount_fen      bigint NOT NULL CHECK (amount_fen >= 0),
  transfer_id     bigint,
  note            text,
  created_by      bigint,
  created_by_name text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, township_code, year, quarter)
);

-- 花名册: the coop's payment roster, filed with the finance office.
CREATE TABLE loan_roster (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  roster_no       text NOT NULL,
  township_code   text NOT NULL,
  year            smallint NOT NULL,
  quarter         smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  status          text NOT NULL DEFAULT 'filed' CHECK (status IN ('filed', 'claimed', 'reimbursed')),
  line_count      integer NOT NULL,
  total_fen       bigint NOT NULL CHECK (total_fen >= 0),
  filed_on        date NOT NULL,
  filed_by_name   text,
  claim_id        bigint,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, roster_no)
);
CREATE INDEX loan_roster_township_idx ON loan_roster (county_code, township_code, year, quarter);

-- 提款报账: the finance office's claim on the county finance bureau, backed by rosters.
CREATE TABLE loan_reimbursement_claim (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  claim_no        text NOT NULL,
  township_code   text NOT NULL,
  amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
  roster_count    integer NOT NULL,
  status          text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'approved', 'rejected')),
  submitted_on    date NOT NULL,
  submitted_by_name text,
  decided_on      date,
  decided_by_name text,
  decision_note   text,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, claim_no)
);
