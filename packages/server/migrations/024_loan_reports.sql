-- Notices, reports, reconciliation, work funds (第十二条3–4, 第八条, 第九条). docs/loans.md.

-- 月度公示: the station's monthly notice, kept exactly as issued (a frozen snapshot).
CREATE TABLE loan_notice (
  county_code    text NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  township_code  text NOT NULL,
  year           smallint NOT NULL,
  month          smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
  due_on         date NOT NULL,
  issued_on      date NOT NULL,
  late           boolean NOT NULL,
  content        jsonb NOT NULL,
  issued_by_name text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, township_code, year, month)
);
CREATE TRIGGER loan_notice_append_only BEFORE UPDATE OR DELETE ON loan_notice
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('月度公示');

-- 季度报表: station → county poverty office, coop → county credit union; kept as submitted.
CREATE TABLE loan_quarter_report (
  county_code      text NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  township_code    text NOT NULL,
  reporter         text NOT NULL CHECK (reporter IN ('station', 'coop')),
  year             smallint NOT NULL,
  quarter          smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  due_on           date NOT NULL,
  submitted_on     date NOT NULL,
  late             boolean NOT NULL,
  figures          jsonb NOT NULL,
  submitted_by_name text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, township_code, reporter, year, quarter)
);
CREATE TRIGGER loan_quarter_report_append_only BEFORE UPDATE OR DELETE ON loan_quarter_report
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('季度报表');

-- 对账: the county credit union's statement as imported, line by line.
CREATE TABLE loan_statement_import (
  county_code    text NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  statement_date date NOT NULL,
  filename       text NOT NULL,
  row_count      integer NOT NULL,
  bad_rows       jsonb NOT NULL DEFAULT '[]',
  imported_by_name text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id)
);
CREATE TABLE loan_statement_line (
  county_code     text NOT NULL,
  import_id       bigint NOT NULL,
  row_no          integer NOT NULL,
  loan_no         text NOT NULL,
  borrower_name   text,
  principal_fen   bigint,
  disbursed_on    date,
  repaid_fen      bigint,
  outstanding_fen bigint,
  PRIMARY KEY (county_code, import_id, row_no),
  FOREIGN KEY (county_code, import_id) REFERENCES loan_statement_import (county_code, id)
);
CREATE INDEX loan_statement_line_loan_idx ON loan_statement_line (county_code, import_id, loan_no);

-- 工作经费 (第八条): allocations by the county leading group; none to a township assessed < 90%.
CREATE TABLE loan_work_fund (
  county_code    text NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  year           smallint NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('township_gov', 'credit_union', 'finance_bureau', 'poverty_office')),
  area_code      text NOT NULL,              -- the township (township_gov) or the county
  recipient_name text NOT NULL,
  amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
  purpose        text NOT NULL,
  document_no    text NOT NULL,
  decided_by_name text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id)
);
CREATE INDEX loan_work_fund_year_idx ON loan_work_fund (county_code, year);
