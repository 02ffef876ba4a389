-- Foundation: areas, organisations, users, roles, sessions, audit log, dictionaries,
-- working-day overrides, parameters, jobs.
-- Tables that grow with the population carry county_code and have it in every primary and
-- unique key (docs/scale-out.md). Small code tables (area, dict, role) are reference tables.

CREATE TABLE area (
  code        text PRIMARY KEY,              -- GB/T 2260 style: 340000, 341200, 341202, +3, +3, +3
  parent_code text REFERENCES area(code),
  name        text NOT NULL,
  level       smallint NOT NULL CHECK (level BETWEEN 1 AND 6), -- 1 省 2 市 3 县 4 乡镇 5 村 6 组
  prefix      text NOT NULL UNIQUE,          -- significant prefix: 34, 3412, 341202, 341202001 …
  county_code text,                          -- null above county level
  sort        integer NOT NULL DEFAULT 0,
  -- 第五条1: the township's own precondition for household loans (leadership, organisation, staff)
  loan_precondition_met boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX area_parent_idx ON area (parent_code);
CREATE INDEX area_prefix_pattern_idx ON area (prefix text_pattern_ops);
CREATE INDEX area_county_idx ON area (county_code);

CREATE TABLE org (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  kind        text NOT NULL,                 -- dictionary org_kind
  area_code   text NOT NULL REFERENCES area(code),
  county_code text,
  parent_id   bigint REFERENCES org(id),
  phone       text,
  status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (area_code, name)
);
CREATE INDEX org_area_idx ON org (area_code text_pattern_ops);

CREATE TABLE role (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  description text,
  builtin     boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_permission (
  role_id     bigint NOT NULL REFERENCES role(id) ON DELETE CASCADE,
  permission  text NOT NULL,
  PRIMARY KEY (role_id, permission)
);

CREATE TABLE app_user (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username        text NOT NULL,
  name            text NOT NULL,
  phone           text,
  password_hash   text NOT NULL,
  org_id          bigint REFERENCES org(id),
  area_code       text REFERENCES area(code),  -- the post's area; null only for data_scope all
  county_code     text,
  data_scope      text NOT NULL DEFAULT 'area_below'
                  CHECK (data_scope IN ('all','custom','area','area_below','self')),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
  must_change_password boolean NOT NULL DEFAULT true,
  failed_logins   integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  last_login_at   timestamptz,
  password_changed_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_username_uq ON app_user (lower(username));
CREATE INDEX app_user_area_idx ON app_user (area_code text_pattern_ops);

CREATE TABLE user_role (
  user_id bigint NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  role_id bigint NOT NULL REFERENCES role(id) ON DELETE RESTRICT,
  PRIMARY KEY (user_id, role_id)
);

-- Areas of a 'custom' data scope (ruoyi's 自定义数据权限)
CREATE TABLE user_scope_area (
  user_id   bigint NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  area_code text NOT NULL REFERENCES area(code),
  PRIMARY KEY (user_id, area_code)
);

CREATE TABLE session (
  token_hash  text PRIMARY KEY,              -- sha256 of the cookie value; the value itself is never stored
  user_id     bigint NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  csrf_token  text NOT NULL,
  ip          text,
  user_agent  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX session_user_idx ON session (user_id);
CREATE INDEX session_expires_idx ON session (expires_at);

-- 操作日志: append-only, hash-chained per county (chain '000000' for system-wide changes)
CREATE TABLE audit_log (
  county_code text NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  seq         bigint NOT NULL,               -- position in this county's chain, 1, 2, 3 …
  at          timestamptz NOT NULL DEFAULT now(),
  user_id     bigint,
  username    text,
  ip          text,
  request_id  text,
  module      text NOT NULL,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text,
  area_code   text,
  summary     text NOT NULL,
  before      jsonb,
  after       jsonb,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, seq)
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_area_idx ON audit_log (area_code text_pattern_ops);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '操作日志只能追加，不能修改或删除' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- 字典
CREATE TABLE dict_type (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  description text,
  builtin     boolean NOT NULL DEFAULT true
);
CREATE TABLE dict_item (
  type_code   text NOT NULL REFERENCES dict_type(code) ON DELETE CASCADE,
  code        text NOT NULL,
  label       text NOT NULL,
  sort        integer NOT NULL DEFAULT 0,
  enabled     boolean NOT NULL DEFAULT true,
  PRIMARY KEY (type_code, code),
  UNIQUE (type_code, label)
);

-- 工作日历: corrections and future years on top of the chinese-days package
CREATE TABLE calendar_override (
  date        date PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('workday','holiday')),
  note        text,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- 参数: system parameters, validated by the server on write
CREATE TABLE sys_param (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  description text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Background jobs on PostgreSQL itself (FOR UPDATE SKIP LOCKED)
CREATE TABLE job (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}',
  run_at      timestamptz NOT NULL DEFAULT now(),
  status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
  attempts    integer NOT NULL DEFAULT 0,
  last_error  text,
  result      jsonb,
  unique_key  text UNIQUE,                   -- e.g. 'nightly:2026-11-29' so a schedule enqueues once
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz
);
CREATE INDEX job_queue_idx ON job (run_at) WHERE status = 'queued';
