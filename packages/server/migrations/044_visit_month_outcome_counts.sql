-- The chase list's total (households behind, of one county-month) counted from an index alone:
-- the month's verdicts are vacuumed after each build (rates/outcomes.ts), so the scan needs no
-- heap visit for all but the pages refreshed since.
CREATE INDEX visit_month_outcome_outcome_idx ON visit_month_outcome (county_code, month, outcome);
