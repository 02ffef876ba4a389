-- 结对帮扶 (seed 第4–7篇): units assigned to villages (单位包村), cadres (帮扶责任人) paired with
-- households (干部包户), resident work teams with first secretaries (驻村工作队、第一书记), their
-- attendance in the village and quarterly work reports.
-- Every table carries county_code in its primary key and unique keys (docs/scale-out.md).
-- Date intervals are inclusive: end_date is the last day in force, NULL while in force; a
-- same-day correction leaves end_date = start_date - 1 (zero days), hence the CHECKs.

-- 单位包村: a unit (org kind 'unit') helps a village; one lead unit (牵头帮扶单位) per village.
CREATE TABLE unit_village (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  unit_org_id   bigint NOT NULL REFERENCES org(id),
  village_code  text NOT NULL REFERENCES area(code),
  is_lead       boolean NOT NULL DEFAULT false,
  start_date    date NOT NULL,
  end_date      date,
  end_reason    text,
  note          text,
  version       integer NOT NULL DEFAULT 1,
  created_by    bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  CHECK (end_date IS NULL OR end_date >= start_date - 1)
);
CREATE UNIQUE INDEX unit_village_current_uq ON unit_village (county_code, village_code, unit_org_id) WHERE end_date IS NULL;
CREATE UNIQUE INDEX unit_village_lead_uq ON unit_village (county_code, village_code) WHERE is_lead AND end_date IS NULL;
CREATE INDEX unit_village_unit_idx ON unit_village (unit_org_id) WHERE end_date IS NULL;
CREATE INDEX unit_village_village_idx ON unit_village (village_code text_pattern_ops);

-- 帮扶干部: a user of the system, or a person without a login whose visits others record.
-- A cadre row belongs to the county whose households they help; a cadre of a city unit
-- helping two counties has a row in each.
CREATE TABLE cadre (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  user_id       bigint REFERENCES app_user(id),
  name          text NOT NULL,
  unit_org_id   bigint NOT NULL REFERENCES org(id),
  post          text,                        -- 职务
  phone         text,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active','retired','transferred')),
  status_since  date,
  status_reason text,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id)
);
CREATE UNIQUE INDEX cadre_user_uq ON cadre (county_code, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX cadre_user_idx ON cadre (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX cadre_unit_idx ON cadre (unit_org_id);

-- 干部包户: one responsible cadre per household at a time; every change kept with its reason.
CREATE TABLE pairing (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint NOT NULL,
  cadre_id      bigint NOT NULL,
  start_date    date NOT NULL,
  end_date      date,
  start_reason  text NOT NULL,
  end_reason    text,
  created_by    bigint,
  ended_by      bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id),
  FOREIGN KEY (county_code, cadre_id) REFERENCES cadre (county_code, id),
  CHECK (end_date IS NULL OR end_date >= start_date - 1)
);
CREATE UNIQUE INDEX pairing_current_uq ON pairing (county_code, household_id) WHERE end_date IS NULL;
CREATE INDEX pairing_cadre_current_idx ON pairing (county_code, cadre_id) WHERE end_date IS NULL;
CREATE INDEX pairing_household_idx ON pairing (county_code, household_id, start_date);
-- the month's rate reads every pairing overlapping the month
CREATE INDEX pairing_period_idx ON pairing (county_code, start_date, end_date);

-- 驻村工作队: one team per village at a time, with its term (任期) and sending unit (后盾单位).
CREATE TABLE resident_team (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  village_code  text NOT NULL REFERENCES area(code),
  name          text NOT NULL,
  sent_by_org_id bigint REFERENCES org(id),
  start_date    date NOT NULL,
  end_date      date,
  end_reason    text,
  note          text,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  CHECK (end_date IS NULL OR end_date >= start_date - 1)
);
CREATE UNIQUE INDEX resident_team_current_uq ON resident_team (county_code, village_code) WHERE end_date IS NULL;
CREATE INDEX resident_team_village_idx ON resident_team (village_code text_pattern_ops);

CREATE TABLE resident_member (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  team_id       bigint NOT NULL,
  cadre_id      bigint NOT NULL,
  role          text NOT NULL CHECK (role IN ('first_secretary','leader','member')),
  start_date    date NOT NULL,
  end_date      date,
  end_reason    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, team_id) REFERENCES resident_team (county_code, id),
  FOREIGN KEY (county_code, cadre_id) REFERENCES cadre (county_code, id),
  CHECK (end_date IS NULL OR end_date >= start_date - 1)
);
CREATE UNIQUE INDEX resident_member_current_uq ON resident_member (county_code, team_id, cadre_id) WHERE end_date IS NULL;
CREATE UNIQUE INDEX resident_member_secretary_uq ON resident_member (county_code, team_id) WHERE role = 'first_secretary' AND end_date IS NULL;
CREATE UNIQUE INDEX resident_member_leader_uq ON resident_member (county_code, team_id) WHERE role = 'leader' AND end_date IS NULL;
CREATE INDEX resident_member_cadre_idx ON resident_member (county_code, cadre_id);

-- 驻村考勤: one row per member per day recorded; 在村 and 因公外出 count toward the month's minimum.
CREATE TABLE resident_attendance (
  county_code   text NOT NULL,
  member_id     bigint NOT NULL,
  date          date NOT NULL,
  status        text NOT NULL CHECK (status IN ('in_village','official','leave','absent')),
  note          text,
  recorded_by   bigint,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, member_id, date),
  FOREIGN KEY (county_code, member_id) REFERENCES resident_member (county_code, id)
);

-- 驻村干部季度工作报告 (seed 第5篇): one per member per quarter; due dates come from the rule.
CREATE TABLE resident_report (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  member_id     bigint NOT NULL,
  year          smallint NOT NULL,
  quarter       smallint NOT NULL CHECK (quarter BETWEEN 1 AND 4),
  due_date      date NOT NULL,
  content       text NOT NULL,
  submitted_on  date NOT NULL,
  submitted_by  bigint,
  review_status text NOT NULL DEFAULT 'pending' CHECK (review_status IN ('pending','accepted','returned')),
  review_note   text,
  reviewed_by   bigint,
  reviewed_at   timestamptz,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, member_id, year, quarter),
  FOREIGN KEY (county_code, member_id) REFERENCES resident_member (county_code, id)
);
