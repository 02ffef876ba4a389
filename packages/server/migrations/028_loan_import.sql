-- Loans made before the system (历史贷款), imported from a spreadsheet (docs/loans.md §3a). They
-- have no application or approval in the system and fall under no scheme of ours: their
-- subsidies were settled under the old process.

ALTER TABLE loan ADD COLUMN origin text NOT NULL DEFAULT 'system' CHECK (origin IN ('system', 'imported'));
ALTER TABLE loan ALTER COLUMN application_id DROP NOT NULL;
ALTER TABLE loan ALTER COLUMN scheme_id DROP NOT NULL;
ALTER TABLE loan ADD CONSTRAINT loan_origin_chain CHECK (
  (origin = 'system' AND application_id IS NOT NULL AND scheme_id IS NOT NULL)
  OR (origin = 'imported' AND application_id IS NULL AND scheme_id IS NULL));

-- One row per import: the counts and the error workbook the user downloads.
CREATE TABLE loan_import (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  filename        text NOT NULL,
  rows_total      integer NOT NULL DEFAULT 0,
  created_count   integer NOT NULL DEFAULT 0,
  unchanged_count integer NOT NULL DEFAULT 0,
  failed_count    integer NOT NULL DEFAULT 0,
  error_file      bytea,
  created_by      bigint,
  created_by_name text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id)
);
CREATE INDEX loan_import_user_idx ON loan_import (created_by, created_at DESC);
