-- 走访日汇总: which days of a month each cadre visited each household, one row per
-- (county, month, household, cadre), kept by triggers in the transaction of every visit write.
--
-- Why: the month's visit rate of a county (≈ 200 k households, ≈ 400 k visits a month, 5 M a
-- year) counted distinct visit days from the visit table on every cold request (3–7 s here).
-- With this table the rate is a join of the month's pairings with ≈ 200 k narrow rows.
--
-- Days are bit masks (bit d−1 = a visit on day d; day 31 is bit 30, so an int suffices), one
-- per kind: the rule's counted kinds and "by the cadre paired on that day" are applied by the
-- engine by masking each pairing's days of the month (rates/engine.ts), so rule changes need no
-- rebuild and two visits on one day stay one.
CREATE TABLE visit_day_tally (
  county_code  text NOT NULL,
  month        date NOT NULL CHECK (extract(day FROM month) = 1),
  household_id bigint NOT NULL,
  cadre_id     bigint NOT NULL,
  home_days    integer NOT NULL DEFAULT 0,
  phone_days   integer NOT NULL DEFAULT 0,
  other_days   integer NOT NULL DEFAULT 0,
  PRIMARY KEY (county_code, month, household_id, cadre_id)
);

-- New visits OR their days in: commutative, so concurrent syncs need no lock beyond the row's;
-- keys are upserted in one order so two uploads touching the same rows cannot deadlock.
CREATE FUNCTION visit_day_tally_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO visit_day_tally AS t (county_code, month, household_id, cadre_id, home_days, phone_days, other_days)
  SELECT county_code, date_trunc('month', visit_date)::date, household_id, cadre_id,
         bit_or(CASE WHEN kind = 'home'  THEN 1 << (extract(day FROM visit_date)::int - 1) ELSE 0 END),
         bit_or(CASE WHEN kind = 'phone' THEN 1 << (extract(day FROM visit_date)::int - 1) ELSE 0 END),
         bit_or(CASE WHEN kind = 'other' THEN 1 << (extract(day FROM visit_date)::int - 1) ELSE 0 END)
  FROM new_visits
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (county_code, month, household_id, cadre_id) DO UPDATE
    SET home_days = t.home_days | EXCLUDED.home_days,
        phone_days = t.phone_days | EXCLUDED.phone_days,
        other_days = t.other_days | EXCLUDED.other_days;
  RETURN NULL;
END $$;

-- An edit can move a visit to another day, kind, month or cadre, and a bit cannot be cleared
-- by OR: the keys the statement touched are recomputed from the visit table and replaced. Only
-- rows whose date, kind, cadre or household changed matter (most updates touch other columns).
-- The existing tally rows are locked first and the visits read in a later statement, so a
-- visit inserted concurrently is either seen or waits and ORs itself into the rebuilt row.
CREATE FUNCTION visit_day_tally_rebuild() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  c text[]; m date[]; h bigint[]; cd bigint[];
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(k.county_code), array_agg(k.month), array_agg(k.household_id), array_agg(k.cadre_id) INTO c, m, h, cd
    FROM (
      SELECT DISTINCT x.county_code, date_trunc('month', x.visit_date)::date AS month, x.household_id, x.cadre_id
      FROM old_visits o JOIN new_visits n ON n.county_code = o.county_code AND n.id = o.id,
           LATERAL (VALUES (o.county_code, o.visit_date, o.household_id, o.cadre_id),
                           (n.county_code, n.visit_date, n.household_id, n.cadre_id)) AS x(county_code, visit_date, household_id, cadre_id)
      WHERE (o.visit_date, o.kind, o.cadre_id, o.household_id) IS DISTINCT FROM (n.visit_date, n.kind, n.cadre_id, n.household_id)
      ORDER BY 1, 2, 3, 4
    ) k;
  ELSE
    SELECT array_agg(k.county_code), array_agg(k.month), array_agg(k.household_id), array_agg(k.cadre_id) INTO c, m, h, cd
    FROM (SELECT DISTINCT county_code, date_trunc('month', visit_date)::date AS month, household_id, cadre_id FROM old_visits ORDER BY 1, 2, 3, 4) k;
  END IF;
  IF c IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM visit_day_tally t JOIN unnest(c, m, h, cd) AS k(county_code, month, household_id, cadre_id)
    ON t.county_code = k.county_code AND t.month = k.month AND t.household_id = k.household_id AND t.cadre_id = k.cadre_id
  ORDER BY t.county_code, t.month, t.household_id, t.cadre_id
  FOR UPDATE OF t;
  INSERT INTO visit_day_tally AS t (county_code, month, household_id, cadre_id, home_days, phone_days, other_days)
  SELECT k.county_code, k.month, k.household_id, k.cadre_id,
         coalesce(bit_or(CASE WHEN v.kind = 'home'  THEN 1 << (extract(day FROM v.visit_date)::int - 1) ELSE 0 END), 0),
         coalesce(bit_or(CASE WHEN v.kind = 'phone' THEN 1 << (extract(day FROM v.visit_date)::int - 1) ELSE 0 END), 0),
         coalesce(bit_or(CASE WHEN v.kind = 'other' THEN 1 << (extract(day FROM v.visit_date)::int - 1) ELSE 0 END), 0)
  FROM unnest(c, m, h, cd) AS k(county_code, month, household_id, cadre_id)
  LEFT JOIN visit v ON v.county_code = k.county_code AND v.household_id = k.household_id AND v.cadre_id = k.cadre_id
              AND v.visit_date >= k.month AND v.visit_date < (k.month + interval '1 month')::date
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (county_code, month, household_id, cadre_id) DO UPDATE
    SET home_days = EXCLUDED.home_days, phone_days = EXCLUDED.phone_days, other_days = EXCLUDED.other_days;
  RETURN NULL;
END $$;

CREATE TRIGGER visit_day_tally_insert AFTER INSERT ON visit
  REFERENCING NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION visit_day_tally_add();
CREATE TRIGGER visit_day_tally_update AFTER UPDATE ON visit
  REFERENCING OLD TABLE AS old_visits NEW TABLE AS new_visits FOR EACH STATEMENT EXECUTE FUNCTION visit_day_tally_rebuild();
CREATE TRIGGER visit_day_tally_delete AFTER DELETE ON visit
  REFERENCING OLD TABLE AS old_visits FOR EACH STATEMENT EXECUTE FUNCTION visit_day_tally_rebuild();

-- The visits already recorded.
INSERT INTO visit_day_tally (county_code, month, household_id, cadre_id, home_days, phone_days, other_days)
SELECT county_code, date_trunc('month', visit_date)::date, household_id, cadre_id,
       bit_or(CASE WHEN kind = 'home'  THEN 1 << (extract(day FROM visit_date)::int - 1) ELSE 0 END),
       bit_or(CASE WHEN kind = 'phone' THEN 1 << (extract(day FROM visit_date)::int - 1) ELSE 0 END),
       bit_or(CASE WHEN kind = 'other' THEN 1 << (extract(day FROM visit_date)::int - 1) ELSE 0 END)
FROM visit
GROUP BY 1, 2, 3, 4;

-- A cadre's due list is one range scan: the cadre's current pairings, by cadre, with the
-- household id in the index.
CREATE INDEX pairing_cadre_current_hh_idx ON pairing (county_code, cadre_id, household_id) WHERE end_date IS NULL;
