-- 贷款证 and 贷款申请 (第十二条1–2, 第十三条, 第五条, 第十七条): certificates, applications
-- with their eligibility verdict and routing state, and every step of their history.

CREATE TABLE loan_certificate (
  county_code       text NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  cert_no           text NOT NULL,
  household_id      bigint NOT NULL,
  area_code         text NOT NULL,            -- the household's (village or group)
  township_code     text NOT NULL,
  status            text NOT NULL DEFAULT 'applied'
                    CHECK (status IN ('applied', 'village_reviewed', 'issued', 'rejected', 'revoked', 'expired')),
  applied_on        date NOT NULL,
  village_opinion   text,
  income_checked    boolean,
  integrity_checked boolean,
  village_reviewed_by_name text,
  village_reviewed_on date,
  credit_grade      text,                     -- dict loan_credit_grade
  credit_limit_fen  bigint CHECK (credit_limit_fen > 0),
  valid_from        date,
  valid_to          date,
  issued_by_name    text,
  issued_on         date,
  reject_reason     text,
  version           integer NOT NULL DEFAULT 1,
  created_by        bigint,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, cert_no),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id),
  CHECK (status <> 'issued' OR (credit_grade IS NOT NULL AND valid_from IS NOT NULL AND valid_to >= valid_from))
);
-- One certificate in progress or in force per household.
CREATE UNIQUE INDEX loan_certificate_open_uq ON loan_certificate (county_code, household_id)
  WHERE status IN ('applied', 'village_reviewed', 'issued');
CREATE INDEX loan_certificate_area_idx ON loan_certificate (area_code text_pattern_ops);

CREATE TABLE loan_application (
  county_code        text NOT NULL,
  id                 bigint GENERATED ALWAYS AS IDENTITY,
  app_no             text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('household', 'enterprise')),
  scheme_id          bigint NOT NULL,
  year               smallint NOT NULL,
  area_code          text NOT NULL,           -- household's village/group; enterprise's township or county
  township_code      text,                    -- null for an enterprise registered at county level
  household_id       bigint,
  borrower_person_id bigint,
  borrower_name      text NOT NULL,           -- borrower or enterprise, as printed on notices
  certificate_id     bigint,
  enterprise_credit_code text,                -- 统一社会信用代码
  enterprise_legal_rep   text,
  project_name       text NOT NULL,
  industry           text NOT NULL,           -- dict loan_industry
  production         boolean NOT NULL,
  amount_fen         bigint NOT NULL CHECK (amount_fen > 0),
  term_months        smallint NOT NULL CHECK (term_months > 0),
  purpose            text NOT NULL,
  expected_benefit   text,
  attachments        jsonb NOT NULL DEFAULT '[]',
  preferential       boolean NOT NULL DEFAULT false,     -- 第十七条一4–5
  pref_reasons       text[] NOT NULL DEFAULT '{}',
  needs_county       boolean NOT NULL,                    -- 第七条1 over the cap, or an enterprise
  subsidy_eligible   boolean NOT NULL,                    -- 第三条3
  eligibility        jsonb NOT NULL,                      -- the verdict at the last check
  status             text NOT NULL CHECK (status IN ('submitted', 'returned', 'approved', 'rejected', 'withdrawn')),
  stage              text CHECK (stage IN ('village', 'station', 'coop', 'county_office', 'credit_union')),
  stage_arrived_on   date,
  stage_due_on       date,
  over_quota         boolean NOT NULL DEFAULT false,
  quota_decision_id  bigint,
  decided_on         date,
  decision_reason    text,
  loan_id            bigint,
  version            integer NOT NULL DEFAULT 1,
  submitted_on       date NOT NULL,
  created_by         bigint,
  created_by_name    text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, app_no),
  FOREIGN KEY (county_code, scheme_id) REFERENCES loan_scheme (county_code, id),
  FOREIGN KEY (county_code, household_id) REFERENCES household (county_code, id),
  CHECK ((kind = 'household') = (household_id IS NOT NULL)),
  CHECK (status NOT IN ('submitted', 'returned') OR stage IS NOT NULL)
);
CREATE INDEX loan_application_queue_idx ON loan_application (county_code, status, stage, stage_due_on);
CREATE INDEX loan_application_area_idx ON loan_application (area_code text_pattern_ops);
CREATE INDEX loan_application_household_idx ON loan_application (county_code, household_id);
CREATE INDEX loan_application_quota_idx ON loan_application (county_code, year, township_code, status);

-- The history of an application: every submission, opinion and decision, never rewritten.
CREATE TABLE loan_application_event (
  county_code    text NOT NULL,
  id             bigint GENERATED ALWAYS AS IDENTITY,
  application_id bigint NOT NULL,
  at             timestamptz NOT NULL DEFAULT now(),
  on_date        date NOT NULL,
  action         text NOT NULL CHECK (action IN ('submit', 'approve', 'return', 'reject', 'withdraw', 'resubmit',
                                                 'quota_decision', 'remind', 'escalate', 'disburse')),
  stage          text,
  from_status    text,
  to_status      text,
  to_stage       text,
  due_on         date,                     -- for reminders and escalations: the deadline concerned
  opinion        text,
  reasons        text[] NOT NULL DEFAULT '{}',
  actor_id       bigint,
  actor_name     text,
  actor_org      text,
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, application_id) REFERENCES loan_application (county_code, id)
);
CREATE INDEX loan_application_event_app_idx ON loan_application_event (county_code, application_id, id);
-- Reminders and escalations are recorded once per stage and deadline.
CREATE UNIQUE INDEX loan_application_event_notice_uq ON loan_application_event (county_code, application_id, action, stage, due_on)
  WHERE action IN ('remind', 'escalate');

CREATE FUNCTION loan_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%只能追加，不能修改或删除', TG_ARGV[0] USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER loan_application_event_append_only BEFORE UPDATE OR DELETE ON loan_application_event
  FOR EACH ROW EXECUTE FUNCTION loan_append_only('贷款申请记录');
