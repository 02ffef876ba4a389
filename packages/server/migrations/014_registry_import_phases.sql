-- Where an import's time went (milliseconds per phase: staging, validation, writes, quality
-- check …), for the benchmark and for explaining a slow import after the fact.
ALTER TABLE registry_import ADD COLUMN phase_ms jsonb;
