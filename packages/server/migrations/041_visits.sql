-- 走访 (visits), their photos and follow-up tasks, and the visit rules per county and year.

-- 走访规则: data, not code (seed 第7篇 每月一个走贫日、每月至少两次; 第6篇 驻村15天以上).
CREATE TABLE visit_rule (
  county_code          text NOT NULL,
  year                 smallint NOT NULL,
  min_visits_per_month smallint NOT NULL DEFAULT 2 CHECK (min_visits_per_month BETWEEN 0 AND 31),
  visit_day            smallint CHECK (visit_day BETWEEN 1 AND 31),
  counted_kinds        text[] NOT NULL DEFAULT '{home}',
  required_statuses    text[] NOT NULL DEFAULT '{identified,returned,monitored,exited}',
  prorate_partial_month boolean NOT NULL DEFAULT true,
  attendance_min_days  smallint NOT NULL DEFAULT 15 CHECK (attendance_min_days BETWEEN 0 AND 31),
  report_due_day       smallint NOT NULL DEFAULT 5 CHECK (report_due_day BETWEEN 1 AND 31),
  updated_by           bigint,
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, year)
);

-- 豁免: a household (e.g. the whole family away, in hospital) or a cadre (long sick leave)
-- is not counted for the days covered.
CREATE TABLE visit_exemption (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint,
  cadre_id      bigint,
  from_date     date NOT NULL,
  to_date       date NOT NULL,
  reason        text NOT NULL,
  created_by    bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz,
  revoked_by    bigint,
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id),
  FOREIGN KEY (county_code, cadre_id) REFERENCES cadre (county_code, id),
  CHECK ((household_id IS NULL) <> (cadre_id IS NULL)),
  CHECK (to_date >= from_date)
);
CREATE INDEX visit_exemption_period_idx ON visit_exemption (county_code, from_date, to_date) WHERE revoked_at IS NULL;

-- 走访记录. client_id is generated on the phone (or the web form): a retried upload finds the
-- row it made the first time instead of making a second one.
CREATE TABLE visit (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  client_id     uuid NOT NULL,
  household_id  bigint NOT NULL,
  cadre_id      bigint NOT NULL,
  area_code     text NOT NULL,               -- the household's area on the visit date, for scope
  visit_date    date NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('home','phone','other')),
  -- 两不愁三保障 + 饮水 as seen on the visit: true = secured, false = a problem, null = not checked
  food_ok       boolean,
  clothing_ok   boolean,
  schooling_ok  boolean,
  medical_ok    boolean,
  housing_ok    boolean,
  water_ok      boolean,
  income_change text CHECK (income_change IN ('up','same','down')),
  income_note   text,
  problems      text,
  help_given    text,
  policies_explained text,
  satisfaction  text CHECK (satisfaction IN ('very_satisfied','satisfied','basically','unsatisfied')),
  gps_lat       double precision CHECK (gps_lat BETWEEN -90 AND 90),
  gps_lng       double precision CHECK (gps_lng BETWEEN -180 AND 180),
  gps_accuracy_m real CHECK (gps_accuracy_m >= 0),
  -- offline sync: the household version the phone's copy had, and what became of the
  -- household changes the visit proposed (applied / conflict / none)
  household_version_seen integer,
  household_conflict boolean NOT NULL DEFAULT false,
  proposed_changes jsonb,
  changes_status text CHECK (changes_status IN ('applied','conflict','dismissed')),
  source        text NOT NULL DEFAULT 'web' CHECK (source IN ('web','sync')),
  client_recorded_at timestamptz,
  recorded_by   bigint,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, client_id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id),
  FOREIGN KEY (county_code, cadre_id) REFERENCES cadre (county_code, id)
);
CREATE INDEX visit_household_date_idx ON visit (county_code, household_id, visit_date DESC, id DESC);
CREATE INDEX visit_cadre_date_idx ON visit (county_code, cadre_id, visit_date);
-- the month's rate counts visits by date without touching the table
CREATE INDEX visit_month_idx ON visit (county_code, visit_date) INCLUDE (household_id, cadre_id, kind);
CREATE INDEX visit_area_date_idx ON visit (area_code text_pattern_ops, visit_date);

-- Photos live as files under FUPIN_DATA_DIR/uploads; the row says where and what. They are
-- tied to the visit's client_id, so a photo uploaded before its visit (out of order) attaches
-- itself when the visit arrives.
CREATE TABLE visit_photo (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  client_id     uuid NOT NULL,
  visit_client_id uuid NOT NULL,
  household_id  bigint NOT NULL,
  area_code     text NOT NULL,
  mime          text NOT NULL CHECK (mime IN ('image/jpeg','image/png','image/webp')),
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  sha256        text NOT NULL,
  storage_key   text NOT NULL,
  uploaded_by   bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, client_id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id)
);
CREATE INDEX visit_photo_visit_idx ON visit_photo (county_code, visit_client_id);

-- 问题整改: a problem found on a visit becomes a task with an owner and a deadline, closed with evidence.
CREATE TABLE visit_task (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint NOT NULL,
  area_code     text NOT NULL,
  visit_id      bigint,
  problem       text NOT NULL,
  category      text NOT NULL DEFAULT 'other'
                CHECK (category IN ('food','clothing','schooling','medical','housing','water','income','other')),
  owner_cadre_id bigint,
  owner_user_id bigint REFERENCES app_user(id),
  deadline      date NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  evidence      text,
  evidence_visit_id bigint,
  closed_on     date,
  closed_by     bigint,
  created_by    bigint,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id),
  FOREIGN KEY (county_code, visit_id) REFERENCES visit (county_code, id),
  FOREIGN KEY (county_code, owner_cadre_id) REFERENCES cadre (county_code, id),
  FOREIGN KEY (county_code, evidence_visit_id) REFERENCES visit (county_code, id),
  CHECK (owner_cadre_id IS NOT NULL OR owner_user_id IS NOT NULL),
  CHECK (status = 'open' OR (evidence IS NOT NULL AND closed_on IS NOT NULL))
);
CREATE INDEX visit_task_household_idx ON visit_task (county_code, household_id);
CREATE INDEX visit_task_open_idx ON visit_task (county_code, deadline) WHERE status = 'open';
CREATE INDEX visit_task_area_idx ON visit_task (area_code text_pattern_ops);
