-- System management (系统管理): the rules the areas, orgs, users and roles services enforce,
-- backed by the database so a race between two requests cannot break them.

-- Names are unique among siblings (two 新村 under one township would be indistinguishable in
-- every roster); provinces have no parent, hence the COALESCE.
CREATE UNIQUE INDEX area_sibling_name_uq ON area (COALESCE(parent_code, ''), name);

-- Look-ups behind "may this be deleted?" and the user list's filters.
CREATE INDEX org_parent_idx ON org (parent_id);
CREATE INDEX app_user_org_idx ON app_user (org_id);
CREATE INDEX user_role_role_idx ON user_role (role_id);
CREATE INDEX user_scope_area_area_idx ON user_scope_area (area_code);

-- 操作日志 filters: by user and by module, newest first.
CREATE INDEX audit_log_username_idx ON audit_log (lower(username), at DESC);
CREATE INDEX audit_log_module_idx ON audit_log (module, at DESC);
