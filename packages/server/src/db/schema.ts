import type { ColumnType, Generated } from 'kysely';

// Hand-kept types of the tables in migrations/; a test compares them with information_schema.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
// A timestamp with a database default (now()): optional on insert.
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
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
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
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
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type RoleTable = {
  id: Id;
  code: string;
  name: string;
  description: string | null;
  builtin: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
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
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type UserRoleTable = { user_id: number; role_id: number };
export type UserScopeAreaTable = { user_id: number; area_code: string };

export type SessionTable = {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
};

export type AuditLogTable = {
  county_code: string;
  id: Id;
  seq: number;
  at: DefaultTimestamp;
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
  updated_at: DefaultTimestamp;
};

export type SysParamTable = { key: string; value: Json; description: string; updated_at: DefaultTimestamp };

export type JobTable = {
  id: Id;
  kind: string;
  payload: Json;
  run_at: DefaultTimestamp;
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  result: Json | null;
  unique_key: string | null;
  created_at: DefaultTimestamp;
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
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
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
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
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
  created_at: DefaultTimestamp;
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
  details: Json;
  actor_id: number | null;
  actor_name: string | null;
  created_at: DefaultTimestamp;
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
  /** monitoring: first clue + 15 working days (migration 017) */
  overall_due_date: string | null;
  exit_check: Json | null;
  started_by: number | null;
  started_by_name: string | null;
  finished_at: Timestamp | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type RegistryWorkflowStepTable = {
  county_code: string;
  id: Id;
  workflow_id: number;
  step: string;
  decision: string | null;
  step_date: string;
  opinion: string | null;
  evidence: Json;
  data: Json;
  from_state: string | null;
  to_state: string | null;
  actor_id: number | null;
  actor_name: string | null;
  at: DefaultTimestamp;
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
  created_at: DefaultTimestamp;
};

export type PovertyLineTable = {
  province_code: string;
  year: number;
  line_fen: number;
  note: string | null;
  updated_at: DefaultTimestamp;
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
  detected_at: DefaultTimestamp;
};

export type RegistryQualityRunTable = {
  id: Id;
  scope_prefix: string | null;
  started_at: DefaultTimestamp;
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
  sheets: Json | null;
  error_sample: Json | null;
  phase_ms: Json | null;
  created_at: DefaultTimestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: DefaultTimestamp;
};

export type RegistryImportRowTable = {
  import_id: number;
  seq: number;
  sheet: string;
  row_no: number;
  hh_key: string;
  data: Json;
  id_key: string | null;
  error: string | null;
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
  unit_village: UnitVillageTable;
  cadre: CadreTable;
  pairing: PairingTable;
  resident_team: ResidentTeamTable;
  resident_member: ResidentMemberTable;
  resident_attendance: ResidentAttendanceTable;
  resident_report: ResidentReportTable;
  visit_rule: VisitRuleTable;
  visit_exemption: VisitExemptionTable;
  visit: VisitTable;
  visit_photo: VisitPhotoTable;
  visit_task: VisitTaskTable;
  visit_day_tally: VisitDayTallyTable;
  visit_month_state: VisitMonthStateTable;
  visit_month_outcome: VisitMonthOutcomeTable;
  visit_month_dirty: VisitMonthDirtyTable;
  loan_scheme: LoanSchemeTable;
  loan_quota: LoanQuotaTable;
  loan_quota_decision: LoanQuotaDecisionTable;
  loan_number_seq: LoanNumberSeqTable;
  loan_certificate: LoanCertificateTable;
  loan_application: LoanApplicationTable;
  loan_application_event: LoanApplicationEventTable;
  loan: LoanTable;
  loan_instalment: LoanInstalmentTable;
  loan_repayment: LoanRepaymentTable;
  loan_subsidy: LoanSubsidyTable;
  loan_subsidy_payment: LoanSubsidyPaymentTable;
  loan_subsidy_payment_reversal: LoanSubsidyPaymentReversalTable;
  loan_subsidy_event: LoanSubsidyEventTable;
  loan_fund_account: LoanFundAccountTable;
  loan_fund_transfer: LoanFundTransferTable;
  loan_fund_entry: LoanFundEntryTable;
  loan_settlement: LoanSettlementTable;
  loan_roster: LoanRosterTable;
  loan_reimbursement_claim: LoanReimbursementClaimTable;
  loan_notice: LoanNoticeTable;
  loan_quarter_report: LoanQuarterReportTable;
  loan_statement_import: LoanStatementImportTable;
  loan_statement_line: LoanStatementLineTable;
  loan_work_fund: LoanWorkFundTable;
  loan_decision_notice: LoanDecisionNoticeTable;
  loan_import: LoanImportTable;
  loan_notification: LoanNotificationTable;
  attachment: AttachmentTable;
};

// --- 结对帮扶与走访 (migrations 040–041) ---

export type UnitVillageTable = {
  county_code: string;
  id: Id;
  unit_org_id: number;
  village_code: string;
  is_lead: Generated<boolean>;
  start_date: string;
  end_date: string | null;
  end_reason: string | null;
  note: string | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type CadreTable = {
  county_code: string;
  id: Id;
  user_id: number | null;
  name: string;
  unit_org_id: number;
  post: string | null;
  phone: string | null;
  status: Generated<'active' | 'retired' | 'transferred'>;
  status_since: string | null;
  status_reason: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type PairingTable = {
  county_code: string;
  id: Id;
  household_id: number;
  cadre_id: number;
  start_date: string;
  end_date: string | null;
  start_reason: string;
  end_reason: string | null;
  created_by: number | null;
  ended_by: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type ResidentTeamTable = {
  county_code: string;
  id: Id;
  village_code: string;
  name: string;
  sent_by_org_id: number | null;
  start_date: string;
  end_date: string | null;
  end_reason: string | null;
  note: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type ResidentMemberTable = {
  county_code: string;
  id: Id;
  team_id: number;
  cadre_id: number;
  role: 'first_secretary' | 'leader' | 'member';
  start_date: string;
  end_date: string | null;
  end_reason: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type ResidentAttendanceTable = {
  county_code: string;
  member_id: number;
  date: string;
  status: 'in_village' | 'official' | 'leave' | 'absent';
  note: string | null;
  recorded_by: number | null;
  recorded_at: DefaultTimestamp;
};

export type ResidentReportTable = {
  county_code: string;
  id: Id;
  member_id: number;
  year: number;
  quarter: number;
  due_date: string;
  content: string;
  submitted_on: string;
  submitted_by: number | null;
  review_status: Generated<'pending' | 'accepted' | 'returned'>;
  review_note: string | null;
  reviewed_by: number | null;
  reviewed_at: Timestamp | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type VisitRuleTable = {
  county_code: string;
  year: number;
  min_visits_per_month: Generated<number>;
  visit_day: number | null;
  counted_kinds: Generated<string[]>;
  required_statuses: Generated<string[]>;
  prorate_partial_month: Generated<boolean>;
  attendance_min_days: Generated<number>;
  report_due_day: Generated<number>;
  updated_by: number | null;
  updated_at: DefaultTimestamp;
};

export type VisitExemptionTable = {
  county_code: string;
  id: Id;
  household_id: number | null;
  cadre_id: number | null;
  from_date: string;
  to_date: string;
  reason: string;
  created_by: number | null;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
  revoked_by: number | null;
};

export type VisitTable = {
  county_code: string;
  id: Id;
  client_id: string;
  household_id: number;
  cadre_id: number;
  area_code: string;
  visit_date: string;
  kind: 'home' | 'phone' | 'other';
  food_ok: boolean | null;
  clothing_ok: boolean | null;
  schooling_ok: boolean | null;
  medical_ok: boolean | null;
  housing_ok: boolean | null;
  water_ok: boolean | null;
  income_change: 'up' | 'same' | 'down' | null;
  income_note: string | null;
  problems: string | null;
  help_given: string | null;
  policies_explained: string | null;
  satisfaction: 'very_satisfied' | 'satisfied' | 'basically' | 'unsatisfied' | null;
  gps_lat: number | null;
  gps_lng: number | null;
  gps_accuracy_m: number | null;
  household_version_seen: number | null;
  household_conflict: Generated<boolean>;
  proposed_changes: Json | null;
  changes_status: 'applied' | 'conflict' | 'dismissed' | null;
  source: Generated<'web' | 'sync'>;
  client_recorded_at: Timestamp | null;
  recorded_by: number | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type VisitPhotoTable = {
  county_code: string;
  id: Id;
  client_id: string;
  visit_client_id: string;
  household_id: number;
  area_code: string;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: number | null;
  created_at: DefaultTimestamp;
};

export type VisitTaskTable = {
  county_code: string;
  id: Id;
  household_id: number;
  area_code: string;
  visit_id: number | null;
  problem: string;
  category: Generated<'food' | 'clothing' | 'schooling' | 'medical' | 'housing' | 'water' | 'income' | 'other'>;
  owner_cadre_id: number | null;
  owner_user_id: number | null;
  deadline: string;
  status: Generated<'open' | 'closed'>;
  evidence: string | null;
  evidence_visit_id: number | null;
  closed_on: string | null;
  closed_by: number | null;
  created_by: number | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

// --- 到户贷款 (migrations 020–039) ---

export type LoanSchemeTable = {
  county_code: string;
  id: Id;
  year: number;
  version: number;
  name: string;
  status: Generated<'active' | 'superseded'>;
  document_no: string | null;
  change_reason: string | null;
  subsidy_rate_bp: number;
  day_count_basis: Generated<360 | 365>;
  household_cap_fen: number;
  max_term_months: number;
  eligible_industries: string[];
  production_only_subsidy: Generated<boolean>;
  no_labour_categories: Generated<string[]>;
  village_review_days: number;
  station_review_days: number;
  coop_review_days: number;
  county_review_days: number;
  report_day: number;
  reward_threshold_bp: number;
  cut_threshold_bp: number;
  quota_adjust_bp: number;
  late_rule: 'forfeit_all' | 'forfeit_late_part';
  remind_days: number;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
  superseded_at: Timestamp | null;
};

export type LoanQuotaTable = {
  county_code: string;
  id: Id;
  year: number;
  township_code: string;
  amount_fen: number;
  loan_count: number;
  document_no: string | null;
  note: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type LoanQuotaDecisionTable = {
  county_code: string;
  id: Id;
  application_id: number;
  year: number;
  township_code: string;
  amount_fen: number;
  document_no: string;
  reason: string;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: DefaultTimestamp;
};

export type LoanNumberSeqTable = { county_code: string; kind: string; year: number; last: number };

export type LoanCertificateTable = {
  county_code: string;
  id: Id;
  cert_no: string;
  household_id: number;
  area_code: string;
  township_code: string;
  status: Generated<'applied' | 'village_reviewed' | 'issued' | 'rejected' | 'revoked' | 'expired'>;
  applied_on: string;
  village_opinion: string | null;
  income_checked: boolean | null;
  integrity_checked: boolean | null;
  village_reviewed_by_name: string | null;
  village_reviewed_on: string | null;
  credit_grade: string | null;
  credit_limit_fen: number | null;
  valid_from: string | null;
  valid_to: string | null;
  issued_by_name: string | null;
  issued_on: string | null;
  reject_reason: string | null;
  version: Generated<number>;
  created_by: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type LoanStage = 'village' | 'station' | 'coop' | 'county_office' | 'credit_union';

export type LoanApplicationTable = {
  county_code: string;
  id: Id;
  app_no: string;
  kind: 'household' | 'enterprise';
  scheme_id: number;
  year: number;
  area_code: string;
  township_code: string | null;
  household_id: number | null;
  borrower_person_id: number | null;
  borrower_name: string;
  certificate_id: number | null;
  enterprise_credit_code: string | null;
  enterprise_legal_rep: string | null;
  project_name: string;
  industry: string;
  production: boolean;
  amount_fen: number;
  term_months: number;
  purpose: string;
  expected_benefit: string | null;
  attachments: Json;
  preferential: Generated<boolean>;
  pref_reasons: Generated<string[]>;
  needs_county: boolean;
  subsidy_eligible: boolean;
  eligibility: Json;
  status: 'submitted' | 'returned' | 'approved' | 'rejected' | 'withdrawn';
  stage: LoanStage | null;
  stage_arrived_on: string | null;
  stage_due_on: string | null;
  over_quota: Generated<boolean>;
  quota_decision_id: number | null;
  decided_on: string | null;
  decision_reason: string | null;
  loan_id: number | null;
  version: Generated<number>;
  submitted_on: string;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type LoanApplicationEventTable = {
  county_code: string;
  id: Id;
  application_id: number;
  at: DefaultTimestamp;
  on_date: string;
  action: 'submit' | 'approve' | 'return' | 'reject' | 'withdraw' | 'resubmit' | 'quota_decision' | 'remind' | 'escalate' | 'disburse';
  stage: string | null;
  from_status: string | null;
  to_status: string | null;
  to_stage: string | null;
  due_on: string | null;
  opinion: string | null;
  reasons: Generated<string[]>;
  actor_id: number | null;
  actor_name: string | null;
  actor_org: string | null;
};

export type LoanTable = {
  county_code: string;
  id: Id;
  loan_no: string;
  application_id: number | null;
  kind: 'household' | 'enterprise';
  scheme_id: number | null;
  year: number;
  area_code: string;
  township_code: string | null;
  household_id: number | null;
  borrower_name: string;
  industry: string;
  production: boolean;
  principal_fen: number;
  coop_rate_bp: number;
  term_months: number;
  contract_no: string;
  contract_date: string;
  disbursed_on: string;
  maturity_date: string;
  schedule_kind: 'bullet' | 'instalments';
  status: Generated<'active' | 'closed_on_time' | 'closed_late' | 'written_off'>;
  repaid_fen: Generated<number>;
  outstanding_fen: number;
  first_unpaid_due_on: string | null;
  first_unpaid_grace_on: string | null;
  any_late: Generated<boolean>;
  closed_on: string | null;
  write_off_reason: string | null;
  lender_org_name: string | null;
  version: Generated<number>;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** 028: system (applied and approved here) or imported (历史贷款, made before the system) */
  origin: Generated<'system' | 'imported'>;
};

export type LoanInstalmentTable = {
  county_code: string;
  loan_id: number;
  seq: number;
  due_date: string;
  grace_date: string;
  principal_fen: number;
  paid_fen: Generated<number>;
  paid_off_on: string | null;
  late: Generated<boolean>;
};

export type LoanRepaymentTable = {
  county_code: string;
  id: Id;
  loan_id: number;
  paid_on: string;
  principal_fen: number;
  interest_fen: Generated<number>;
  receipt_no: string | null;
  reversal_of: number | null;
  note: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanSubsidyStatus = 'not_applicable' | 'pending' | 'earned' | 'forfeited' | 'paid' | 'settled' | 'reimbursed';

export type LoanSubsidyTable = {
  county_code: string;
  loan_id: number;
  status: LoanSubsidyStatus;
  payer: 'coop' | 'finance_bureau';
  rate_bp: number;
  day_count_basis: number;
  amount_fen: Generated<number>;
  lines: Json;
  formula: Generated<string>;
  reason: Generated<string>;
  determined_on: string | null;
  version: Generated<number>;
  updated_at: DefaultTimestamp;
};

export type LoanSubsidyPaymentTable = {
  county_code: string;
  id: Id;
  loan_id: number;
  township_code: string | null;
  amount_fen: number;
  paid_on: string;
  voucher_no: string;
  payee_name: string;
  payer: 'coop' | 'finance_bureau';
  roster_id: number | null;
  settlement_id: number | null;
  claim_id: number | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
  /** set when the payment is reversed (026); only payments without it count */
  reversed_at: Timestamp | null;
};

/** The reversal of a subsidy payment (026): the payment stays, this row and its ledger line correct it. */
export type LoanSubsidyPaymentReversalTable = {
  county_code: string;
  id: Id;
  payment_id: number;
  loan_id: number;
  doc_no: string;
  reason: string;
  reversed_on: string;
  amount_fen: number;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanSubsidyEventTable = {
  county_code: string;
  id: Id;
  loan_id: number;
  at: DefaultTimestamp;
  on_date: string;
  event: 'due' | 'earned' | 'forfeited' | 'reopened' | 'paid' | 'settled' | 'reimbursed' | 'not_applicable';
  amount_fen: Generated<number>;
  document: string | null;
  note: string | null;
  actor_name: string | null;
};

export type LoanFundAccountTable = {
  county_code: string;
  id: Id;
  kind: 'bureau' | 'finance_office' | 'coop';
  area_code: string;
  name: string;
  balance_fen: Generated<number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
};

export type LoanFundTransferTable = {
  county_code: string;
  id: Id;
  doc_no: string;
  kind: 'budget' | 'allocation' | 'prepayment' | 'topup' | 'refund';
  township_code: string | null;
  year: number | null;
  quarter: number | null;
  from_account_id: number | null;
  to_account_id: number;
  amount_fen: number;
  on_date: string;
  basis: Json;
  note: string | null;
  reversal_of: number | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanFundEntryTable = {
  county_code: string;
  id: Id;
  account_id: number;
  area_code: string;
  entry_date: string;
  kind: 'budget' | 'allocation' | 'prepayment' | 'topup' | 'refund' | 'subsidy_payment' | 'claim' | 'reimbursement' | 'reversal';
  direction: 'in' | 'out' | 'memo';
  amount_fen: number;
  balance_after_fen: number;
  source_doc_type: string;
  source_doc_id: number;
  source_doc_no: string;
  counterparty: string | null;
  memo: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanSettlementTable = {
  county_code: string;
  id: Id;
  township_code: string;
  year: number;
  quarter: number;
  settled_on: string;
  coop_balance_fen: number;
  prepaid_fen: number;
  paid_fen: number;
  paid_count: number;
  unpaid_earned_fen: number;
  outcome: 'carry_over' | 'refund' | 'top_up' | 'balanced';
  amount_fen: number;
  transfer_id: number | null;
  note: string | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanRosterTable = {
  county_code: string;
  id: Id;
  roster_no: string;
  township_code: string;
  year: number;
  quarter: number;
  status: Generated<'filed' | 'claimed' | 'reimbursed'>;
  line_count: number;
  total_fen: number;
  filed_on: string;
  filed_by_name: string | null;
  claim_id: number | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
};

export type LoanReimbursementClaimTable = {
  county_code: string;
  id: Id;
  claim_no: string;
  township_code: string;
  amount_fen: number;
  roster_count: number;
  status: Generated<'submitted' | 'approved' | 'rejected'>;
  submitted_on: string;
  submitted_by_name: string | null;
  decided_on: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
};

export type LoanNoticeTable = {
  county_code: string;
  id: Id;
  township_code: string;
  year: number;
  month: number;
  due_on: string;
  issued_on: string;
  late: boolean;
  content: Json;
  issued_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanQuarterReportTable = {
  county_code: string;
  id: Id;
  township_code: string;
  reporter: 'station' | 'coop';
  year: number;
  quarter: number;
  due_on: string;
  submitted_on: string;
  late: boolean;
  figures: Json;
  submitted_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanStatementImportTable = {
  county_code: string;
  id: Id;
  statement_date: string;
  filename: string;
  row_count: number;
  bad_rows: Json;
  imported_by_name: string | null;
  created_at: DefaultTimestamp;
};

export type LoanStatementLineTable = {
  county_code: string;
  import_id: number;
  row_no: number;
  loan_no: string;
  borrower_name: string | null;
  principal_fen: number | null;
  disbursed_on: string | null;
  repaid_fen: number | null;
  outstanding_fen: number | null;
};

export type LoanWorkFundTable = {
  county_code: string;
  id: Id;
  year: number;
  recipient_kind: 'township_gov' | 'credit_union' | 'finance_bureau' | 'poverty_office';
  area_code: string;
  recipient_name: string;
  amount_fen: number;
  purpose: string;
  document_no: string;
  decided_by_name: string | null;
  created_at: DefaultTimestamp;
};

/** Days of a month each cadre visited each household, as bit masks per kind (042_visit_tally.sql; kept by triggers). */
export type VisitDayTallyTable = {
  county_code: string;
  month: string;
  household_id: number;
  cadre_id: number;
  home_days: number;
  phone_days: number;
  other_days: number;
};

// --- 走访月度结果 (migration 043) ---

export type VisitMonthStateTable = {
  county_code: string;
  month: string;
  rule_key: string;
  status: 'building' | 'ready';
  built_at: ColumnType<Date, Date | undefined, Date>;
};

export type VisitMonthOutcomeTable = {
  county_code: string;
  month: string;
  household_id: number;
  area_code: string;
  village_code: string;
  township_code: string;
  outcome: string;
  required: number;
  done: number;
  paired_days: number;
  effective_days: number;
  cadre_id: number | null;
  unit_org_id: number | null;
  cadre_status: string | null;
  reason: string | null;
  last_visit_date: string | null;
};

export type VisitMonthDirtyTable = {
  county_code: string;
  month: string;
  household_id: number;
};

// --- 附件 (migration 050) ---

export type AttachmentTable = {
  county_code: string;
  id: Id;
  owner_kind: 'registry_workflow' | 'loan_application';
  owner_id: number;
  area_code: string;
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  uploaded_by: number | null;
  uploaded_by_name: string | null;
  created_at: DefaultTimestamp;
  deleted: Generated<boolean>;
  deleted_by: number | null;
  deleted_by_name: string | null;
  deleted_at: Timestamp | null;
};

/** 决定通知书 to the household and the station's notification of a decision (025_loan_decision_notices.sql). */
export type LoanDecisionNoticeTable = {
  county_code: string;
  id: Id;
  notice_no: string;
  application_id: number;
  household_id: number | null;
  area_code: string;
  township_code: string | null;
  decision: 'approved' | 'rejected' | 'returned';
  stage: string;
  decided_on: string;
  decided_by_name: string | null;
  decided_by_org: string | null;
  content: Json;
  delivered_on: string | null;
  delivery_method: 'in_person' | 'via_village' | 'post' | 'phone_then_paper' | null;
  recipient_name: string | null;
  delivered_by_name: string | null;
  delivery_note: string | null;
  version: Generated<number>;
  created_at: DefaultTimestamp;
};

export type LoanNotificationTable = {
  county_code: string;
  id: Id;
  recipient_kind: 'station';
  recipient_area: string;
  kind: 'decision';
  application_id: number;
  notice_id: number | null;
  title: string;
  body: string;
  created_on: string;
  read_at: Timestamp | null;
  read_by_name: string | null;
  created_at: DefaultTimestamp;
};

/** 历史贷款导入: one row per import with its counts and error workbook (028_loan_import.sql). */
export type LoanImportTable = {
  county_code: string;
  id: Id;
  filename: string;
  rows_total: Generated<number>;
  created_count: Generated<number>;
  unchanged_count: Generated<number>;
  failed_count: Generated<number>;
  error_file: Buffer | null;
  created_by: number | null;
  created_by_name: string | null;
  created_at: DefaultTimestamp;
};
