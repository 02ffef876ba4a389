-- Staging rows are written once and read once per import, so they are made cheap to write:
-- the row's cells as json (kept as text, not parsed into jsonb on the way in — nothing queries
-- inside it), the household key in the C collation (a byte compare in the key index instead of an
-- ICU comparison per index step), and no index on id_key (the one query using it, duplicate IDs
-- across households of a file, reads all the import's rows anyway).
DROP INDEX IF EXISTS registry_import_row_id_idx;
ALTER TABLE registry_import_row
  ALTER COLUMN data TYPE json USING data::json,
  ALTER COLUMN hh_key TYPE text COLLATE "C";
