-- Registry (建档立卡), on top of 002_registry_base: the attributes the exit rule needs, member
-- join/leave history, status history, dynamic-change events, workflows with public notice and
-- objections, the per-province poverty line, data-quality results and Excel imports.
-- Every table that grows with the population carries county_code in its primary key and in every
-- unique key (docs/scale-out.md).

-- 两不愁三保障: food/clothing, compulsory education and basic medical care are recorded as
-- judgements (null = not yet assessed); housing is judged from housing_safety (A/B safe) and
-- water from water_safe (002).
ALTER TABLE household
  ADD COLUMN food_clothing_secured boolean,
  ADD COLUMN education_secured     boolean,
  ADD COLUMN medical_secured       boolean,
  -- the year the income figures belong to; the exit rule compares them with that year's line
  ADD COLUMN income_year           smallint,
  -- open data-quality problems, kept with the issues so lists can show and filter on them
  ADD COLUMN quality_issue_count   integer NOT NULL DEFAULT 0;

-- Lists page a village (or township) by status in pinyin order of the head's name.
CREATE INDEX household_village_status_name_idx ON household (village_code, status, (head_name COLLATE "zh-x-icu"), id);
CREATE INDEX household_township_status_name_idx ON household (township_code, status, (head_name COLLATE "zh-x-icu"), id);
CREATE INDEX household_county_name_idx ON household (county_code, (head_name COLLATE "zh-x-icu"), id);

-- A person row is one membership of one household: someone who moves, marries into another
-- registered household or leaves in a split keeps the old row (status moved_out) as history and
-- gets a new row in the new household. person_id_index points at the one active row.
ALTER TABLE person
  ADD COLUMN joined_date date,
  ADD COLUMN joined_reason text,              -- create | birth | marriage_in | move_in | move | split | merge | import | add
  ADD COLUMN left_date date,
  ADD COLUMN left_reason text,                -- death | marriage_out | move_out | move | split | merge | remove
  ADD COLUMN left_note text,
  ADD COLUMN disability_category smallint CHECK (disability_category BETWEEN 1 AND 7);
CREATE INDEX person_household_status_idx ON person (county_code, household_id, status);
CREATE INDEX person_name_zh_idx ON person (county_code, (name COLLATE "zh-x-icu"), id);

-- 状态变更记录: every status change, with who decided it and which workflow (if any) carried it.
CREATE TABLE household_status_history (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint NOT NULL,
  from_status   text,
  to_status     text NOT NULL,
  changed_on    date NOT NULL,
  reason        text,
  workflow_id   bigint,
  actor_id      bigint,
  actor_name    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id)
);
CREATE INDEX household_status_history_hh_idx ON household_status_history (county_code, household_id, id);

-- 动态调整: births, deaths, marriages, moves, splits, merges, changes of head, corrections.
CREATE TABLE household_event (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint NOT NULL,
  kind          text NOT NULL,
  event_date    date NOT NULL,
  person_id     bigint,
  other_household_id bigint,                 -- the other side of a move, split or merge
  summary       text NOT NULL,
  details       jsonb NOT NULL DEFAULT '{}',
  actor_id      bigint,
  actor_name    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id)
);
CREATE INDEX household_event_hh_idx ON household_event (county_code, household_id, id);

-- 识别 / 脱贫退出 / 返贫 / 注销 / 纳入监测: one row per case, its steps in an insert-only ledger.
CREATE TABLE registry_workflow (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint NOT NULL,
  area_code     text NOT NULL,               -- the household's, for scope
  township_code text NOT NULL,
  village_code  text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('identification','exit','return','cancellation','monitoring')),
  state         text NOT NULL CHECK (state IN ('appraisal','notice','township_review','county_approval','announcement','done','rejected','withdrawn')),
  from_status   text NOT NULL,
  to_status     text NOT NULL,
  origin        text,                        -- application (农户申请) | cadre_check (干部排查) | department_data (部门预警)
  reason        text,
  started_on    date NOT NULL,
  notice_days   smallint,
  notice_start  date,
  notice_end    date,
  due_date      date,                        -- deadline of the current step
  exit_check    jsonb,                       -- the exit rule's verdict when the case started
  started_by    bigint,
  started_by_name text,
  finished_at   timestamptz,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id)
);
-- One open case per household.
CREATE UNIQUE INDEX registry_workflow_open_uq ON registry_workflow (county_code, household_id)
  WHERE state NOT IN ('done','rejected','withdrawn');
CREATE INDEX registry_workflow_state_idx ON registry_workflow (village_code, state);
CREATE INDEX registry_workflow_township_state_idx ON registry_workflow (township_code, state);

CREATE TABLE registry_workflow_step (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  workflow_id   bigint NOT NULL,
  step          text NOT NULL,               -- apply | appraise | notice | objection | resolve | township_review | county_approval | announce | withdraw
  decision      text,                        -- pass | return | reject
  step_date     date NOT NULL,
  opinion       text,
  evidence      jsonb NOT NULL DEFAULT '[]',
  data          jsonb NOT NULL DEFAULT '{}',
  from_state    text,
  to_state      text,
  actor_id      bigint,
  actor_name    text,
  at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, workflow_id) REFERENCES registry_workflow (county_code, id)
);
CREATE INDEX registry_workflow_step_wf_idx ON registry_workflow_step (county_code, workflow_id, id);

-- 公示异议
CREATE TABLE registry_objection (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  workflow_id   bigint NOT NULL,
  raised_on     date NOT NULL,
  raised_by     text,                        -- may be anonymous (匿名)
  content       text NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open','upheld','dismissed')),
  resolution    text,
  resolved_on   date,
  resolved_by   bigint,
  resolved_by_name text,
  recorded_by   bigint,
  recorded_by_name text,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, workflow_id) REFERENCES registry_workflow (county_code, id)
);
CREATE INDEX registry_objection_wf_idx ON registry_objection (county_code, workflow_id);

-- 贫困线 / 监测标准: per province (6-digit code, 000000 = the national default) and year, in fen
-- per person per year. Data, not code (anchors.md). A small reference table.
CREATE TABLE poverty_line (
  province_code text NOT NULL,
  year          smallint NOT NULL,
  line_fen      bigint NOT NULL CHECK (line_fen > 0),
  note          text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, year)
);
-- The national rural poverty lines as commonly published (2010 constant prices adjusted yearly)
-- and, from 2021, the monitoring threshold the anchors cite. Examples for a fresh install:
-- administrators correct them and add their province's own rows.
INSERT INTO poverty_line (province_code, year, line_fen, note) VALUES
 ('000000', 2014, 280000, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2015, 285500, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2016, 295200, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2017, 333500, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2018, 353500, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2019, 374700, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2020, 400000, '国家农村贫困标准（示例值，请按本省文件核对）'),
 ('000000', 2021, 600000, '防止返贫监测标准（示例值，请按本省文件核对）');

-- 数据质量: open problems, replaced per household on every save and wholesale by the nightly run.
CREATE TABLE registry_quality_issue (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  household_id  bigint NOT NULL,
  person_id     bigint,
  rule          text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('error','warning')),
  message       text NOT NULL,
  area_code     text NOT NULL,
  township_code text NOT NULL,
  village_code  text NOT NULL,
  detected_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id)
);
CREATE INDEX registry_quality_issue_hh_idx ON registry_quality_issue (county_code, household_id);
CREATE INDEX registry_quality_issue_village_idx ON registry_quality_issue (village_code, rule);
CREATE INDEX registry_quality_issue_township_idx ON registry_quality_issue (township_code, rule);

CREATE TABLE registry_quality_run (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope_prefix  text,                        -- null = the whole database
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  households    integer,
  persons       integer,
  issues        integer,
  by_rule       jsonb,
  error         text
);

-- Excel/CSV imports: one row per upload, visible to the uploader; the error workbook is kept so
-- the clerk can download it, fix the rows and import it again.
CREATE TABLE registry_import (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id       bigint NOT NULL,
  username      text NOT NULL,
  filename      text NOT NULL,
  format        text NOT NULL CHECK (format IN ('xlsx','csv')),
  status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','parsing','importing','done','failed')),
  message       text,
  total_rows    integer NOT NULL DEFAULT 0,
  processed_rows integer NOT NULL DEFAULT 0,
  total_households integer NOT NULL DEFAULT 0,
  processed_households integer NOT NULL DEFAULT 0,
  created_households integer NOT NULL DEFAULT 0,
  updated_households integer NOT NULL DEFAULT 0,
  unchanged_households integer NOT NULL DEFAULT 0,
  failed_households integer NOT NULL DEFAULT 0,
  failed_rows   integer NOT NULL DEFAULT 0,
  parse_ms      integer,
  import_ms     integer,
  error_file    bytea,
  created_at    timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX registry_import_user_idx ON registry_import (user_id, id DESC);

-- Rows of an upload between parsing and import, so a household's rows can be gathered wherever
-- they sit in the file without holding the file in memory. Transient: emptied when the import ends.
CREATE UNLOGGED TABLE registry_import_row (
  import_id     bigint NOT NULL,
  seq           integer NOT NULL,
  sheet         text NOT NULL,               -- household | member
  row_no        integer NOT NULL,            -- the row number in the file, for the verdict
  hh_key        text NOT NULL,
  data          jsonb NOT NULL,
  PRIMARY KEY (import_id, seq)
);
CREATE INDEX registry_import_row_key_idx ON registry_import_row (import_id, hh_key, seq);

INSERT INTO sys_param (key, value, description) VALUES
 ('registry.monitoringNoticeDays', '5', '纳入监测对象的公示期（天，不少于 5 天）'),
 ('registry.appraisalWorkingDays', '10', '启动后完成村级民主评议的期限（工作日）'),
 ('registry.townshipReviewWorkingDays', '5', '公示期满后乡镇审核的期限（工作日）'),
 ('registry.countyApprovalWorkingDays', '5', '乡镇审核后县级审批的期限（工作日）'),
 ('registry.announceWorkingDays', '5', '县级审批后发布公告的期限（工作日）')
ON CONFLICT (key) DO NOTHING;
