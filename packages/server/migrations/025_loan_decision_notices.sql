-- 第十二条2: the cooperative's decision is told to the station and to the household. Every final
-- decision on a household application (approval, rejection, return for more information) leaves
-- a frozen decision notice (决定通知书) for the household, with the record of its handover, and a
-- notification in the station's to-do list. docs/loans.md §2 "Decisions told".

CREATE TABLE loan_decision_notice (
  county_code      text NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  notice_no        text NOT NULL,
  application_id   bigint NOT NULL,
  household_id     bigint,
  area_code        text NOT NULL,            -- the application's (village or group), for scope
  township_code    text,
  decision         text NOT NULL CHECK (decision IN ('approved', 'rejected', 'returned')),
  stage            text NOT NULL,            -- the step that decided
  decided_on       date NOT NULL,
  decided_by_name  text,
  decided_by_org   text,
  content          jsonb NOT NULL,           -- the notice as issued: masked, with reasons; never rewritten
  delivered_on     date,
  delivery_method  text CHECK (delivery_method IN ('in_person', 'via_village', 'post', 'phone_then_paper')),
  recipient_name   text,
  delivered_by_name text,
  delivery_note    text,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  UNIQUE (county_code, notice_no),
  FOREIGN KEY (county_code, application_id) REFERENCES loan_application (county_code, id),
  CHECK ((delivered_on IS NULL) = (delivery_method IS NULL))
);
CREATE INDEX loan_decision_notice_app_idx ON loan_decision_notice (county_code, application_id);
CREATE INDEX loan_decision_notice_area_idx ON loan_decision_notice (area_code text_pattern_ops);
CREATE INDEX loan_decision_notice_open_idx ON loan_decision_notice (county_code, township_code) WHERE delivered_on IS NULL;

-- The content of an issued notice never changes; only its handover is recorded, once.
CREATE FUNCTION loan_decision_notice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '决定通知书不能删除' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.content IS DISTINCT FROM OLD.content OR NEW.decision IS DISTINCT FROM OLD.decision
     OR NEW.application_id IS DISTINCT FROM OLD.application_id OR NEW.notice_no IS DISTINCT FROM OLD.notice_no THEN
    RAISE EXCEPTION '决定通知书已出具，内容不能修改' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.delivered_on IS NOT NULL THEN
    RAISE EXCEPTION '决定通知书已送达，送达记录不能修改' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER loan_decision_notice_no_rewrite BEFORE UPDATE OR DELETE ON loan_decision_notice
  FOR EACH ROW EXECUTE FUNCTION loan_decision_notice_frozen();

-- What an organisation is told: one row per message, read once by anyone of that organisation.
CREATE TABLE loan_notification (
  county_code      text NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  recipient_kind   text NOT NULL CHECK (recipient_kind IN ('station')),
  recipient_area   text NOT NULL,            -- the township of the station told
  kind             text NOT NULL CHECK (kind IN ('decision')),
  application_id   bigint NOT NULL,
  notice_id        bigint,
  title            text NOT NULL,
  body             text NOT NULL,
  created_on       date NOT NULL,
  read_at          timestamptz,
  read_by_name     text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (county_code, id),
  FOREIGN KEY (county_code, application_id) REFERENCES loan_application (county_code, id),
  FOREIGN KEY (county_code, notice_id) REFERENCES loan_decision_notice (county_code, id)
);
CREATE INDEX loan_notification_recipient_idx ON loan_notification (recipient_area text_pattern_ops, read_at);
