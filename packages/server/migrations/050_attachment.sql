-- 附件: evidence files of registry workflows and loan applications, one table for every owner.
-- The owner's area is copied so lists filter by scope without joining every owner table; a
-- download still resolves the owner through its own module (its scope rules win).
CREATE TABLE attachment (
  county_code     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  owner_kind      text NOT NULL CHECK (owner_kind IN ('registry_workflow','loan_application')),
  owner_id        bigint NOT NULL,
  area_code       text NOT NULL,
  file_name       text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  mime            text NOT NULL,
  size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
  sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key     text NOT NULL,
  uploaded_by     bigint,
  uploaded_by_name text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  deleted         boolean NOT NULL DEFAULT false,
  deleted_by      bigint,
  deleted_by_name text,
  deleted_at      timestamptz,
  PRIMARY KEY (county_code, id),
  CHECK (deleted = (deleted_at IS NOT NULL))
);
CREATE INDEX attachment_owner_idx ON attachment (county_code, owner_kind, owner_id);

-- Evidence is never rewritten or erased: a removal only sets the flag, once, with who and when.
CREATE FUNCTION attachment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION '附件记录不能删除，只能标记为已移除' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.deleted OR (to_jsonb(NEW) - 'deleted' - 'deleted_by' - 'deleted_by_name' - 'deleted_at')
       IS DISTINCT FROM (to_jsonb(OLD) - 'deleted' - 'deleted_by' - 'deleted_by_name' - 'deleted_at') THEN
    RAISE EXCEPTION '附件记录不能修改' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER attachment_append_only BEFORE UPDATE OR DELETE ON attachment
  FOR EACH ROW EXECUTE FUNCTION attachment_append_only();

INSERT INTO sys_param (key, value, description) VALUES
 ('files.maxBytes', '10485760', '附件大小上限（字节，默认 10 MB）'),
 ('files.allowedTypes', '["pdf","jpeg","png","webp","xlsx","docx"]', '允许上传的附件类型（pdf、jpeg、png、webp、xlsx、docx 中选）')
ON CONFLICT (key) DO NOTHING;
