-- Registry base (建档立卡): households and their members. The registry module extends these;
-- the foundation needs them for demo data and scope tests.
CREATE TABLE household (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  household_no    text NOT NULL,             -- 户编号: village code + 4-digit serial
  area_code       text NOT NULL REFERENCES area(code),  -- village or village group
  township_code   text NOT NULL,
  village_code    text NOT NULL,
  address         text,
  head_name       text,                      -- denormalised for lists; kept in step by the registry service
  head_person_id  bigint,
  phone           text,
  bank_name       text,
  bank_account    text,
  category        text NOT NULL DEFAULT 'general',   -- dict household_category
  identification_standard text,              -- dict identification_standard (国家标准 / 省定标准 …)
  identification_year smallint,
  main_cause      text,                      -- dict poverty_cause
  secondary_causes text[] NOT NULL DEFAULT '{}',
  housing_safety  text,                      -- dict housing_safety (A/B/C/D)
  water_safe      boolean,
  electricity     boolean,
  income_wages_fen     bigint NOT NULL DEFAULT 0,
  income_business_fen  bigint NOT NULL DEFAULT 0,  -- net of production costs
  income_transfer_fen  bigint NOT NULL DEFAULT 0,
  income_property_fen  bigint NOT NULL DEFAULT 0,
  net_income_per_capita_fen bigint NOT NULL DEFAULT 0,
  member_count    smallint NOT NULL DEFAULT 0,
  status          text NOT NULL DEFAULT 'identified', -- dict household_status
  status_since    date,
  pref_family_planning boolean NOT NULL DEFAULT false, -- 第十七条一4: 独生子女户 / 计生示范户
  pref_veteran    boolean NOT NULL DEFAULT false,      -- 第十七条一5: 复员退伍军人
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, household_no),
  CHECK (income_wages_fen >= 0 AND income_transfer_fen >= 0 AND income_property_fen >= 0)
);
CREATE INDEX household_village_status_idx ON household (village_code, status);
CREATE INDEX household_township_status_idx ON household (township_code, status);
CREATE INDEX household_area_idx ON household (area_code text_pattern_ops);
CREATE INDEX household_head_name_idx ON household (head_name);

CREATE TABLE person (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  household_id    bigint NOT NULL,
  area_code       text NOT NULL,             -- the household's, for scope checks without a join
  name            text NOT NULL,
  sex             char(1) NOT NULL CHECK (sex IN ('M','F')),
  id_kind         text NOT NULL DEFAULT 'resident' CHECK (id_kind IN ('resident','disability_cert')),
  id_number       text NOT NULL,
  birth_date      date NOT NULL,
  relation        text NOT NULL,             -- dict relation
  ethnicity       text,                      -- dict ethnicity
  education       text,                      -- dict education
  schooling       text,                      -- dict schooling
  health          text,                      -- dict health
  disability_grade smallint CHECK (disability_grade BETWEEN 1 AND 4),
  labour          text,                      -- dict labour
  work_status     text,                      -- dict work_status
  work_months     smallint CHECK (work_months BETWEEN 0 AND 12),
  civil_capacity  text NOT NULL DEFAULT 'full' CHECK (civil_capacity IN ('full','limited','none')),
  medical_insurance boolean,
  pension_insurance boolean,
  phone           text,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active','deceased','moved_out')),
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id)
);
CREATE INDEX person_household_idx ON person (county_code, household_id);
CREATE INDEX person_id_number_idx ON person (id_number);
CREATE INDEX person_name_idx ON person (name);

-- One resident ID, one active person, across every county (anchors.md: Citus cannot keep a
-- UNIQUE(id_number) on a table distributed by county; this table is distributed by id_number).
CREATE TABLE person_id_index (
  id_number   text PRIMARY KEY,
  county_code text NOT NULL,
  person_id   bigint NOT NULL
);
