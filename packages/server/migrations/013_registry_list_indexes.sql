-- Counts by status above the household list: an index-only scan per county instead of reading
-- every household (bench/notes.md, county scale).
CREATE INDEX household_county_status_idx ON household (county_code, status);
