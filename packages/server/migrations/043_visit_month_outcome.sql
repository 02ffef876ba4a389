-- 走访月度结果: each paired household's verdict for a month (met / missed / unassigned / exempt),
-- stored per county and month and kept true by the writes that can change it.
--
-- Why: a county's month (≈ 200 k households) decided on every cold request took 1.0–1.4 s here
-- even with the common case counted in SQL, and the household lists, the chase list and the
-- export needed every row in Node (2.7 s). With the verdicts stored, a rate is one GROUP BY
-- over the county's rows and a list is one indexed page.
--
-- How it stays true: a county-month is "materialised" once (visit_month_state, built by
-- rates/outcomes.ts with the rule in force, the same pure rule as always). From then on the
-- triggers below mark the households whose month a write may have changed (visit_month_dirty),
-- in the write's own transaction; the next reader re-decides only those households before it
-- reads. A changed rule is seen by comparing the rule the month was built under. Triggers are
-- used rather than calls in the services because other modules (the registry's status changes
-- and imports, a cadre's transfer) write these tables too, and a trigger cannot be forgotten.
CREATE TABLE visit_month_state (
  county_code text NOT NULL,
  month       date NOT NULL CHECK (extract(day FROM month) = 1),
  -- the rule (rule-store.ts StoredRule as JSON) the rows were decided under
  rule_key    text NOT NULL,
  status      text NOT NULL CHECK (status IN ('building', 'ready')),
  built_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, month)
);

CREATE TABLE visit_month_outcome (
  county_code     text NOT NULL,
  month           date NOT NULL,
  household_id    bigint NOT NULL,
  area_code       text NOT NULL,
  village_code    text NOT NULL,
  township_code   text NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('met', 'missed', 'unassigned', 'exempt', 'not_required')),
  required        smallint NOT NULL,
  done            smallint NOT NULL,
  paired_days     smallint NOT NULL,
  effective_days  smallint NOT NULL,
  -- the responsible cadre (paired on the month's last paired day) and their unit then
  cadre_id        bigint,
  unit_org_id     bigint,
  cadre_status    text,
  reason          text,
  last_visit_date date,
  PRIMARY KEY (county_code, month, household_id)
);
-- lists page in village order; area scopes are prefixes of area_code
CREATE INDEX visit_month_outcome_village_idx ON visit_month_outcome (county_code, month, village_code, household_id);
CREATE INDEX visit_month_outcome_cadre_idx ON visit_month_outcome (county_code, month, cadre_id);

CREATE TABLE visit_month_dirty (
  county_code  text NOT NULL,
  month        date NOT NULL,
  household_id bigint NOT NULL,
  PRIMARY KEY (county_code, month, household_id)
);

-- Visits: the months of the visit's old and new dates.
CREATE FUNCTION visit_month_mark_visits() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM visit_month_state) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO visit_month_dirty (county_code, month, household_id)
    SELECT DISTINCT s.county_code, s.month, n.household_id
    FROM new_rows n JOIN visit_month_state s ON s.county_code = n.county_code AND s.month = date_trunc('month', n.visit_date)::date
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO visit_month_dirty (county_code, month, household_id)
    SELECT DISTINCT s.county_code, s.month, x.household_id
    FROM old_rows o JOIN new_rows n ON n.county_code = o.county_code AND n.id = o.id,
         LATERAL (VALUES (o.county_code, o.visit_date, o.household_id), (n.county_code, n.visit_date, n.household_id)) AS x(county_code, visit_date, household_id)
         JOIN visit_month_state s ON s.county_code = x.county_code AND s.month = date_trunc('month', x.visit_date)::date
    WHERE (o.visit_date, o.kind, o.cadre_id, o.household_id) IS DISTINCT FROM (n.visit_date, n.kind, n.cadre_id, n.household_id)
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO visit_month_dirty (county_code, month, household_id)
    SELECT DISTINCT s.county_code, s.month, o.household_id
    FROM old_rows o JOIN visit_month_state s ON s.county_code = o.county_code AND s.month = date_trunc('month', o.visit_date)::date
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER visit_month_mark_insert AFTER INSERT ON visit
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_visits();
CREATE TRIGGER visit_month_mark_update AFTER UPDATE ON visit
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_visits();
CREATE TRIGGER visit_month_mark_delete AFTER DELETE ON visit
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_visits();

-- Pairings: every materialised month the old or the new span touches.
CREATE FUNCTION visit_month_mark_pairings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM visit_month_state) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO visit_month_dirty (county_code, month, household_id)
    SELECT DISTINCT s.county_code, s.month, p.household_id
    FROM new_rows p JOIN visit_month_state s ON s.county_code = p.county_code
      AND s.month <= coalesce(p.end_date, 'infinity'::date) AND (s.month + interval '1 month')::date > p.start_date
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO visit_month_dirty (county_code, month, household_id)
    SELECT DISTINCT s.county_code, s.month, x.household_id
    FROM old_rows o JOIN new_rows n ON n.county_code = o.county_code AND n.id = o.id,
         LATERAL (VALUES (o.county_code, o.household_id, o.start_date, o.end_date), (n.county_code, n.household_id, n.start_date, n.end_date)) AS x(county_code, household_id, start_date, end_date)
         JOIN visit_month_state s ON s.county_code = x.county_code
           AND s.month <= coalesce(x.end_date, 'infinity'::date) AND (s.month + interval '1 month')::date > x.start_date
    WHERE (o.household_id, o.cadre_id, o.start_date, o.end_date) IS DISTINCT FROM (n.household_id, n.cadre_id, n.start_date, n.end_date)
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO visit_month_dirty (county_code, month, household_id)
    SELECT DISTINCT s.county_code, s.month, p.household_id
    FROM old_rows p JOIN visit_month_state s ON s.county_code = p.county_code
      AND s.month <= coalesce(p.end_date, 'infinity'::date) AND (s.month + interval '1 month')::date > p.start_date
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER visit_month_mark_insert AFTER INSERT ON pairing
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_pairings();
CREATE TRIGGER visit_month_mark_update AFTER UPDATE ON pairing
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_pairings();
CREATE TRIGGER visit_month_mark_delete AFTER DELETE ON pairing
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_pairings();

-- Exemptions (new, revoked, changed): the household's months, or for a cadre's exemption the
-- households paired with that cadre in those months.
CREATE FUNCTION visit_month_mark_exemption_spans(spans jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO visit_month_dirty (county_code, month, household_id)
  SELECT DISTINCT s.county_code, s.month, coalesce(e.household_id, p.household_id)
  FROM jsonb_to_recordset(spans) AS e(county_code text, household_id bigint, cadre_id bigint, from_date date, to_date date)
       JOIN visit_month_state s ON s.county_code = e.county_code
         AND s.month <= e.to_date AND (s.month + interval '1 month')::date > e.from_date
       LEFT JOIN pairing p ON e.cadre_id IS NOT NULL AND p.county_code = e.county_code AND p.cadre_id = e.cadre_id
         AND p.start_date < (s.month + interval '1 month')::date AND (p.end_date IS NULL OR p.end_date >= s.month)
  WHERE coalesce(e.household_id, p.household_id) IS NOT NULL
  ON CONFLICT DO NOTHING
$$;

CREATE FUNCTION visit_month_mark_exemptions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM visit_month_state) THEN
    RETURN NULL;
  END IF;
  -- exemptions are written one or a few at a time: passing the spans as JSON keeps one query
  PERFORM visit_month_mark_exemption_spans((SELECT jsonb_agg(to_jsonb(n)) FROM new_rows n));
  IF TG_OP = 'UPDATE' THEN
    PERFORM visit_month_mark_exemption_spans((SELECT jsonb_agg(to_jsonb(o)) FROM old_rows o));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER visit_month_mark_insert AFTER INSERT ON visit_exemption
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_exemptions();
CREATE TRIGGER visit_month_mark_update AFTER UPDATE ON visit_exemption
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_exemptions();

-- A cadre's status or unit: the households paired with them in each materialised month.
CREATE FUNCTION visit_month_mark_cadres() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM visit_month_state) THEN
    RETURN NULL;
  END IF;
  INSERT INTO visit_month_dirty (county_code, month, household_id)
  SELECT DISTINCT s.county_code, s.month, p.household_id
  FROM old_rows o JOIN new_rows n ON n.county_code = o.county_code AND n.id = o.id
       JOIN visit_month_state s ON s.county_code = n.county_code
       JOIN pairing p ON p.county_code = n.county_code AND p.cadre_id = n.id
         AND p.start_date < (s.month + interval '1 month')::date AND (p.end_date IS NULL OR p.end_date >= s.month)
  WHERE (o.status, o.status_since, o.unit_org_id) IS DISTINCT FROM (n.status, n.status_since, n.unit_org_id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER visit_month_mark_update AFTER UPDATE ON cadre
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_cadres();

-- A household's status (only some statuses require visits) or its place (the village and
-- township it counts in), changed by the registry: every materialised month of its county.
CREATE FUNCTION visit_month_mark_households() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM visit_month_state) THEN
    RETURN NULL;
  END IF;
  INSERT INTO visit_month_dirty (county_code, month, household_id)
  SELECT s.county_code, s.month, n.id
  FROM old_rows o JOIN new_rows n ON n.county_code = o.county_code AND n.id = o.id
       JOIN visit_month_state s ON s.county_code = n.county_code
  WHERE (o.status, o.area_code, o.village_code, o.township_code) IS DISTINCT FROM (n.status, n.area_code, n.village_code, n.township_code)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER visit_month_mark_update AFTER UPDATE ON household
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION visit_month_mark_households();
