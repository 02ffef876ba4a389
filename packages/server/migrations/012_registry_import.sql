-- Import bookkeeping: the sheets found in the file (headers as written, for the error workbook),
-- a sample of row verdicts for the screen, and per staged row the resident ID it carries (to find
-- one person listed in two households of the same file) and its verdict.
ALTER TABLE registry_import
  ADD COLUMN sheets jsonb,
  ADD COLUMN error_sample jsonb;
ALTER TABLE registry_import_row
  ADD COLUMN id_key text,
  ADD COLUMN error text;
CREATE INDEX registry_import_row_id_idx ON registry_import_row (import_id, id_key) WHERE id_key IS NOT NULL;
