import type { ColumnType, Generated } from 'kysely';

// Hand-kept types of the tables in migrations/; a test compares them with information_schema.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;
type Id = Generated<number>;

export type AreaTable = {
  code: string;
  parent_code: string | null;
  name: string;
  level: number;
  prefix: string;
  county_code: string | null;
  sort: Generated<number>;
  loan_precondition_met: Generated<boolean>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type OrgTable = {
  id: Id;
  name: string;
  kind: string;
  area_code: string;
  county_code: string | null;
  parent_id: number | null;
  phone: string | null;
  status: Generated<'active' | 'disabled'>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type RoleTable = {
  id: Id;
  code: string;
  name: string;
  description: string | null;
  builtin: Generated<boolean>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type RolePermissionTable = { role_id: number; permission: string };

export type DataScopeKind = 'all' | 'custom' | 'area' | 'area_below' | 'self';

export type AppUserTable = {
  id: Id;
  username: string;
  name: string;
  phone: string | null;
  password_hash: string;
  org_id: number | null;
  area_code: string | null;
  county_code: string | null;
  data_scope: Generated<DataScopeKind>;
  status: Generated<'active' | 'disabled'>;
  must_change_password: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  password_changed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type UserRoleTable = { user_id: number; role_id: number };
export type UserScopeAreaTable = { user_id: number; area_code: string };

export type SessionTable = {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Generated<Timestamp>;
  last_seen_at: Generated<Timestamp>;
  expires_at: Timestamp;
};

export type AuditLogTable = {
  county_code: string;
  id: Id;
  seq: number;
  at: Generated<Timestamp>;
  user_id: number | null;
  username: string | null;
  ip: string | null;
  request_id: string | null;
  module: string;
  action: string;
  entity: string;
  entity_id: string | null;
  area_code: string | null;
  summary: string;
  before: Json | null;
  after: Json | null;
  prev_hash: string;
  hash: string;
};

export type DictTypeTable = { code: string; name: string; description: string | null; builtin: Generated<boolean> };
export type DictItemTable = {
  type_code: string;
  code: string;
  label: string;
  sort: Generated<number>;
  enabled: Generated<boolean>;
};

export type CalendarOverrideTable = {
  date: string;
  kind: 'workday' | 'holiday';
  note: string | null;
  updated_at: Generated<Timestamp>;
};

export type SysParamTable = { key: string; value: Json; description: string; updated_at: Generated<Timestamp> };

export type JobTable = {
  id: Id;
  kind: string;
  payload: Generated<Json>;
  run_at: Generated<Timestamp>;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  result: Json | null;
  unique_key: string | null;
  created_at: Generated<Timestamp>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
};

export type HouseholdTable = {
  county_code: string;
  id: Id;
  household_no: string;
  area_code: string;
  township_code: string;
  village_code: string;
  address: string | null;
  head_name: string | null;
  head_person_id: number | null;
  phone: string | null;
  bank_name: string | null;
  bank_account: string | null;
  category: Generated<string>;
  identification_standard: string | null;
  identification_year: number | null;
  main_cause: string | null;
  secondary_causes: Generated<string[]>;
  housing_safety: string | null;
  water_safe: boolean | null;
  electricity: boolean | null;
  income_wages_fen: Generated<number>;
  income_business_fen: Generated<number>;
  income_transfer_fen: Generated<number>;
  income_property_fen: Generated<number>;
  net_income_per_capita_fen: Generated<number>;
  member_count: Generated<number>;
  status: Generated<string>;
  status_since: string | null;
  pref_family_planning: Generated<boolean>;
  pref_veteran: Generated<boolean>;
  version: Generated<number>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type PersonTable = {
  county_code: string;
  id: Id;
  household_id: number;
  area_code: string;
  name: string;
  sex: 'M' | 'F';
  id_kind: Generated<'resident' | 'disability_cert'>;
  id_number: string;
  birth_date: string;
  relation: string;
  ethnicity: string | null;
  education: string | null;
  schooling: string | null;
  health: string | null;
  disability_grade: number | null;
  labour: string | null;
  work_status: string | null;
  work_months: number | null;
  civil_capacity: Generated<'full' | 'limited' | 'none'>;
  medical_insurance: boolean | null;
  pension_insurance: boolean | null;
  phone: string | null;
  status: Generated<'active' | 'deceased' | 'moved_out'>;
  version: Generated<number>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type PersonIdIndexTable = { id_number: string; county_code: string; person_id: number };

export type Database = {
  area: AreaTable;
  org: OrgTable;
  role: RoleTable;
  role_permission: RolePermissionTable;
  app_user: AppUserTable;
  user_role: UserRoleTable;
  user_scope_area: UserScopeAreaTable;
  session: SessionTable;
  audit_log: AuditLogTable;
  dict_type: DictTypeTable;
  dict_item: DictItemTable;
  calendar_override: CalendarOverrideTable;
  sys_param: SysParamTable;
  job: JobTable;
  household: HouseholdTable;
  person: PersonTable;
  person_id_index: PersonIdIndexTable;
};
