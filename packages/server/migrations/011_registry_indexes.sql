-- The resident ID inside any document number (a disability certificate is the ID + 2 digits):
-- the data-quality checks look active persons up by it.
CREATE INDEX person_resident_key_idx ON person (left(id_number, 18)) WHERE status = 'active';
