-- 到户贷款 (seed §1): loan schemes (every figure of 第三、五、七、九条 as data, versioned),
-- township quotas (第六条) and recorded decisions to lend past a quota. docs/loans.md.

INSERT INTO dict_type (code, name) VALUES
 ('loan_industry', '贷款投向产业'), ('loan_credit_grade', '贷款证信用等级');
INSERT INTO dict_item (type_code, code, label, sort) VALUES
 ('loan_industry', 'tobacco', '烤烟', 1), ('loan_industry', 'sugarcane', '甘蔗', 2),
 ('loan_industry', 'mulberry', '桑蚕', 3), ('loan_industry', 'livestock', '畜牧', 4),
 ('loan_industry', 'offseason_veg', '反季节蔬菜', 5), ('loan_industry', 'led_industry', '龙头企业带动产业', 6),
 ('loan_industry', 'other_farming', '其他种养殖业', 7), ('loan_industry', 'non_production', '非生产性用途', 99),
 ('loan_credit_grade', 'AAA', '优秀', 1), ('loan_credit_grade', 'AA', '较好', 2), ('loan_credit_grade', 'A', '一般', 3);

-- One row per version; a change is a new version and the old one is kept (superseded), so a
-- loan keeps the parameters it was made under (loan_application.scheme_id).
CREATE TABLE loan_scheme (
  county_code          text NOT NULL,
  id                   bigint GENERATED ALWAYS AS IDENTITY,
  year                 smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  version              integer NOT NULL CHECK (version >= 1),
  name                 text NOT NULL,
  status               text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'superseded')),
  document_no          text,                    -- 文号 of the county's measures
  change_reason        text,
  subsidy_rate_bp      integer NOT NULL CHECK (subsidy_rate_bp BETWEEN 0 AND 10000),      -- 第三条5: 258 = 2.58%/年
  day_count_basis      smallint NOT NULL DEFAULT 360 CHECK (day_count_basis IN (360, 365)),
  household_cap_fen    bigint NOT NULL CHECK (household_cap_fen > 0),                     -- 第七条1
  max_term_months      smallint NOT NULL CHECK (max_term_months BETWEEN 1 AND 120),        -- 第三条4
  eligible_industries  text[] NOT NULL CHECK (cardinality(eligible_industries) > 0),       -- 第三条2
  production_only_subsidy boolean NOT NULL DEFAULT true,                                   -- 第三条3
  no_labour_categories text[] NOT NULL DEFAULT '{tekun}',                                  -- 第五条（4）
  village_review_days  smallint NOT NULL CHECK (village_review_days BETWEEN 1 AND 60),
  station_review_days  smallint NOT NULL CHECK (station_review_days BETWEEN 1 AND 60),     -- 第十二条1
  coop_review_days     smallint NOT NULL CHECK (coop_review_days BETWEEN 1 AND 60),        -- 第十二条2
  county_review_days   smallint NOT NULL CHECK (county_review_days BETWEEN 1 AND 60),
  report_day           smallint NOT NULL CHECK (report_day BETWEEN 1 AND 28),              -- 第十二条3–4
  reward_threshold_bp  integer NOT NULL CHECK (reward_threshold_bp BETWEEN 0 AND 10000),   -- 第九条 95%
  cut_threshold_bp     integer NOT NULL CHECK (cut_threshold_bp BETWEEN 0 AND 10000),      -- 第九条 90%
  quota_adjust_bp      integer NOT NULL CHECK (quota_adjust_bp BETWEEN 0 AND 10000),
  late_rule            text NOT NULL CHECK (late_rule IN ('forfeit_all', 'forfeit_late_part')),
  remind_days          smallint NOT NULL CHECK (remind_days BETWEEN 0 AND 10),
  created_by           bigint,
  created_by_name      text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  superseded_at        timestamptz,
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, year, version),
  CHECK (cut_threshold_bp <= reward_threshold_bp)
);
CREATE UNIQUE INDEX loan_scheme_active_uq ON loan_scheme (county_code, year) WHERE status = 'active';

-- A version's figures never change once loans may point at it: only its status may move on.
CREATE FUNCTION loan_scheme_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '贷款方案版本不能删除' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (to_jsonb(NEW) - 'status' - 'superseded_at') IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'superseded_at') THEN
    RAISE EXCEPTION '贷款方案参数不能修改，请发布新版本' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER loan_scheme_no_rewrite BEFORE UPDATE OR DELETE ON loan_scheme
  FOR EACH ROW EXECUTE FUNCTION loan_scheme_frozen();

-- 第六条: the county leading group's annual plan per township (amount and number of loans).
CREATE TABLE loan_quota (
  county_code   text NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  year          smallint NOT NULL,
  township_code text NOT NULL REFERENCES area(code),
  amount_fen    bigint NOT NULL CHECK (amount_fen >= 0),
  loan_count    integer NOT NULL CHECK (loan_count >= 0),
  document_no   text,
  note          text,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, year, township_code)
);

-- The recorded decision that lets one application be approved past its township's quota.
CREATE TABLE loan_quota_decision (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  application_id  bigint NOT NULL,
  year            smallint NOT NULL,
  township_code   text NOT NULL,
  amount_fen      bigint NOT NULL,
  document_no     text NOT NULL,
  reason          text NOT NULL,
  decided_by      bigint,
  decided_by_name text,
  decided_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, application_id)
);

-- Serial numbers per county, kind and year (SQ…, DK…, DKZ…): one row locked per increment.
CREATE TABLE loan_number_seq (
  county_code text NOT NULL,
  kind        text NOT NULL,
  year        smallint NOT NULL,
  last        integer NOT NULL,
  PRIMARY KEY (county_code, kind, year)
);
