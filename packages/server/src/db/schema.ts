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
  food_clothing_secured: boolean | null;
  education_secured: boolean | null;
  medical_secured: boolean | null;
  income_year: number | null;
  quality_issue_count: Generated<number>;
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
  joined_date: string | null;
  joined_reason: string | null;
  left_date: string | null;
  left_reason: string | null;
  left_note: string | null;
  disability_category: number | null;
  version: Generated<number>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type PersonIdIndexTable = { id_number: string; county_code: string; person_id: number };

// registry (migrations 010–019)
export type HouseholdStatusHistoryTable = {
  county_code: string;
  id: Id;
  household_id: number;
  from_status: string | null;
  to_status: string;
  changed_on: string;
  reason: string | null;
  workflow_id: number | null;
  actor_id: number | null;
  actor_name: string | null;
  created_at: Generated<Timestamp>;
};

export type HouseholdEventTable = {
  county_code: string;
  id: Id;
  household_id: number;
  kind: string;
  event_date: string;
  person_id: number | null;
  other_household_id: number | null;
  summary: string;
  details: Generated<Json>;
  actor_id: number | null;
  actor_name: string | null;
  created_at: Generated<Timestamp>;
};

export type RegistryWorkflowTable = {
  county_code: string;
  id: Id;
  household_id: number;
  area_code: string;
  township_code: string;
  village_code: string;
  kind: string;
  state: string;
  from_status: string;
  to_status: string;
  origin: string | null;
  reason: string | null;
  started_on: string;
  notice_days: number | null;
  notice_start: string | null;
  notice_end: string | null;
  due_date: string | null;
  exit_check: Json | null;
  started_by: number | null;
  started_by_name: string | null;
  finished_at: Timestamp | null;
  version: Generated<number>;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
};

export type RegistryWorkflowStepTable = {
  county_code: string;
  id: Id;
  workflow_id: number;
  step: string;
  decision: string | null;
  step_date: string;
  opinion: string | null;
  evidence: Generated<Json>;
  data: Generated<Json>;
  from_state: string | null;
  to_state: string | null;
  actor_id: number | null;
  actor_name: string | null;
  at: Generated<Timestamp>;
};

export type RegistryObjectionTable = {
  county_code: string;
  id: Id;
  workflow_id: number;
  raised_on: string;
  raised_by: string | null;
  content: string;
  status: Generated<'open' | 'upheld' | 'dismissed'>;
  resolution: string | null;
  resolved_on: string | null;
  resolved_by: number | null;
  resolved_by_name: string | null;
  recorded_by: number | null;
  recorded_by_name: string | null;
  version: Generated<number>;
  created_at: Generated<Timestamp>;
};

export type PovertyLineTable = {
  province_code: string;
  year: number;
  line_fen: number;
  note: string | null;
  updated_at: Generated<Timestamp>;
};

export type RegistryQualityIssueTable = {
  county_code: string;
  id: Id;
  household_id: number;
  person_id: number | null;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  area_code: string;
  township_code: string;
  village_code: string;
  detected_at: Generated<Timestamp>;
};

export type RegistryQualityRunTable = {
  id: Id;
  scope_prefix: string | null;
  started_at: Generated<Timestamp>;
  finished_at: Timestamp | null;
  households: number | null;
  persons: number | null;
  issues: number | null;
  by_rule: Json | null;
  error: string | null;
};

export type RegistryImportTable = {
  id: Id;
  user_id: number;
  username: string;
  filename: string;
  format: 'xlsx' | 'csv';
  status: Generated<'queued' | 'parsing' | 'importing' | 'done' | 'failed'>;
  message: string | null;
  total_rows: Generated<number>;
  processed_rows: Generated<number>;
  total_households: Generated<number>;
  processed_households: Generated<number>;
  created_households: Generated<number>;
  updated_households: Generated<number>;
  unchanged_households: Generated<number>;
  failed_households: Generated<number>;
  failed_rows: Generated<number>;
  parse_ms: number | null;
  import_ms: number | null;
  error_file: Buffer | null;
  created_at: Generated<Timestamp>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
};

export type RegistryImportRowTable = {
  import_id: number;
  seq: number;
  sheet: string;
  row_no: number;
  hh_key: string;
  data: Json;
};

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
  household_status_history: HouseholdStatusHistoryTable;
  household_event: HouseholdEventTable;
  registry_workflow: RegistryWorkflowTable;
  registry_workflow_step: RegistryWorkflowStepTable;
  registry_objection: RegistryObjectionTable;
  poverty_line: PovertyLineTable;
  registry_quality_issue: RegistryQualityIssueTable;
  registry_quality_run: RegistryQualityRunTable;
  registry_import: RegistryImportTable;
  registry_import_row: RegistryImportRowTable;
};
