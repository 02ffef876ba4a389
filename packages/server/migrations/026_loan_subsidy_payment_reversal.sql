-- Correcting a subsidy payment (issue 4: "corrections are reversals, never edits or deletes").
-- A payment is never deleted: a reversal row records who, when, why and by which document, and
-- its own ledger line puts the money back into the payer's fund. Exactly once now means "at
-- most one payment of a loan's subsidy that is not reversed", so after a reversal the subsidy
-- can be paid again, still only once at a time. docs/loans.md §4.

CREATE TABLE loan_subsidy_payment_reversal (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  payment_id      bigint NOT NULL,
  loan_id         bigint NOT NULL,
  doc_no          text NOT NULL,             -- the reversal voucher
  reason          text NOT NULL,
  reversed_on     date NOT NULL,
  amount_fen      bigint NOT NULL CHECK (amount_fen > 0),
  created_by      bigint,
  created_by_name text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  -- a payment is reversed once only
  UNIQUE (county_code, payment_id),
  FOREIGN KEY (county_code, payment_id) REFERENCES loan_subsidy_payment (county_code, id)
);
CREATE TRIGGER loan_subsidy_payment_reversal_append_only BEFORE UPDATE OR DELETE ON loan_subsidy_payment_reversal
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('贴息兑付冲销记录');

-- The mark on the payment that it no longer counts; set once, in the reversal's transaction.
ALTER TABLE loan_subsidy_payment ADD COLUMN reversed_at timestamptz;
ALTER TABLE loan_subsidy_payment DROP CONSTRAINT loan_subsidy_payment_county_code_loan_id_key;
CREATE UNIQUE INDEX loan_subsidy_payment_live_uq ON loan_subsidy_payment (county_code, loan_id) WHERE reversed_at IS NULL;
CREATE INDEX loan_subsidy_payment_loan_idx ON loan_subsidy_payment (county_code, loan_id);
