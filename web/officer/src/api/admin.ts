// 系统管理 (administrators): officers and their roles within the administrator's scope, the
// versioned rules (eligibility, deadlines, publicity terms, bankruptcy reorganisation), the
// working-day overrides and calculator, the proof-material mode of a subject. Shapes read from
// services/workflow/workflow/views.py + service.py (officers, units, calendar) and
// handlers/deadline_rules.py, services/intake/intake/service.py (`rule_versions`,
// `reorganisation_rule_versions`) and disclosure service.py (`publicity_term_versions`).
import {
  MATERIAL_KIND_LABELS, RECORD_TYPE_LABELS, VOCABULARY, todayInShanghai, unwrap, type ApiFailure,
  type ListingReason, type Page, type Paths, type RecordType, type RegistrySubject,
} from '@credit/shared'
import { api } from './index'
import type { OfficerProfile, Role } from './auth'
import { LISTING_REASON_LABELS } from './records'

// -- officers ------------------------------------------------------------------------------------

export type NewOfficer = Paths['/api/v1/admin/officers']['post']['requestBody']['content']['application/json']
export type OfficerChange = Paths['/api/v1/admin/officers/{officer_id}']['patch']['requestBody']['content']['application/json']

/** workflow `officer_view`. */
export type Officer = OfficerProfile & { active: boolean }

/** workflow `unit_view`: a unit an officer may be put in. */
export interface Unit {
  code: string
  name: string
}

export const ROLE_LABELS: Readonly<Record<Role, string>> = VOCABULARY.OfficerRole

export const ROLES: { value: Role; label: string }[] = (Object.keys(ROLE_LABELS) as Role[]).map((value) => ({
  value,
  label: ROLE_LABELS[value],
}))

export function roleLabels(roles: readonly string[]): string {
  return roles.map((r) => ROLE_LABELS[r as Role] ?? r).join('、')
}

export async function listOfficers(q: string, cursor: string | null, limit = 20): Promise<Page<Officer>> {
  const query: { q?: string; cursor?: string; limit: number } = { limit }
  if (q.trim()) query.q = q.trim()
  if (cursor) query.cursor = cursor
  return (await unwrap(api.GET('/api/v1/admin/officers', { params: { query } }))) as Page<Officer>
}

export async function officerUnits(): Promise<Unit[]> {
  return ((await unwrap(api.GET('/api/v1/admin/units'))) as { items: Unit[] }).items
}

export async function addOfficer(body: NewOfficer): Promise<Officer> {
  return (await unwrap(api.POST('/api/v1/admin/officers', { body }))) as Officer
}

export async function changeOfficer(id: string, changes: OfficerChange): Promise<Officer> {
  return (await unwrap(
    api.PATCH('/api/v1/admin/officers/{officer_id}', { params: { path: { officer_id: id } }, body: changes }),
  )) as Officer
}

// -- eligibility rule versions ----------------------------------------------------------------

export type NewRuleVersion = Paths['/api/v1/admin/eligibility-rules']['post']['requestBody']['content']['application/json']

/** intake `rule_versions`: one version with its effective date, source and rules. */
export interface RuleVersionEntry {
  version: string
  effective_from: string
  source: string
  rules: { record_types?: Partial<Record<RecordType, Record<string, unknown>>> } & Record<string, unknown>
  created_at: string
  created_by: string | null
}

export async function ruleVersions(): Promise<RuleVersionEntry[]> {
  return ((await unwrap(api.GET('/api/v1/admin/eligibility-rules'))) as { items: RuleVersionEntry[] }).items
}

export async function addRuleVersion(body: NewRuleVersion): Promise<{ version: string; effective_from: string; source: string }> {
  return (await unwrap(api.POST('/api/v1/admin/eligibility-rules', { body }))) as {
    version: string
    effective_from: string
    source: string
  }
}

export const ELIGIBILITY_RULES: VersionSource<RuleVersionEntry> = {
  load: ruleVersions,
  json: { key: 'rules', add: (fields, rules) => addRuleVersion({ ...fields, rules }) },
}

/** A new version must take effect after today (Beijing): rules in force are never rewritten. */
export function isFutureDate(day: string | null | undefined, today: string = todayInShanghai()): boolean {
  return !!day && /^\d{4}-\d{2}-\d{2}$/.test(day) && day > today
}

/** The version in force on a day (the latest effective date not after it). */
export function versionInForce<V extends { effective_from: string }>(versions: V[], today: string = todayInShanghai()): V | undefined {
  return versions
    .filter((v) => v.effective_from <= today)
    .sort((a, b) => a.effective_from.localeCompare(b.effective_from))
    .at(-1)
}

/** A version as the list calls it: the one in force, one still to come, or one replaced. */
export function versionState(
  version: { version: string; effective_from: string },
  inForce: { version: string } | undefined,
  today: string = todayInShanghai(),
): '现行' | '待生效' | '已被替代' {
  if (version.version === inForce?.version) return '现行'
  return version.effective_from > today ? '待生效' : '已被替代'
}

/** What a new version of any kind of rules says of itself. */
export interface VersionFields {
  version: string
  effective_from: string
  source: string
}

/** What every kind of rule version shares, as the lists show it. */
export interface VersionEntry {
  version: string
  effective_from: string
  source: string
  created_at: string
  created_by: string | null
}

/**
 * Where a kind of rule versions is listed and, for rules kept as JSON, the key their content
 * sits under and how a new version is stored (the others bring a dialog of their own).
 */
export interface VersionSource<V extends VersionEntry> {
  load: () => Promise<V[]>
  json?: {
    key: 'rules' | 'terms'
    add: (fields: VersionFields, content: Record<string, unknown>) => Promise<{ version: string }>
  }
}

// -- the API's refusal of a field --------------------------------------------------------------

/** pydantic error types (the gateway's `details.fields[].type`) in words, as credit_common/validation.py says them. */
const FIELD_ERROR_WORDS: Readonly<Record<string, string>> = {
  missing: '必填',
  extra_forbidden: '不允许的字段',
  int_type: '应为整数',
  int_parsing: '应为整数',
  int_from_float: '应为整数',
  string_type: '应为文本',
  string_too_short: '不能为空',
  string_too_long: '内容过长',
  string_pattern_mismatch: '不能含有换行等控制字符',
  greater_than_equal: '小于允许的最小值',
  less_than_equal: '大于允许的最大值',
  date_type: '应为日期（YYYY-MM-DD）',
  date_parsing: '不是有效的日期',
  date_from_datetime_parsing: '不是有效的日期',
  dict_type: '应为对象',
  model_type: '应为对象',
  list_type: '应为列表',
}

/** The field a problem is about (`rules.accept_working_days`) and what is wrong with it. */
export type FieldProblems = Record<string, string>

/**
 * The fields an API refusal names, each with a Chinese message: the gateway's and workflow's
 * `details.fields` ({field, type} or bare paths), intake's and disclosure's `details.errors`
 * ({field, message}), and `details.field` of a refusal about one field (its message).
 * `words(field, type)` lets a form say a field's own limits instead of the generic words.
 */
export function fieldProblems(
  failure: ApiFailure | null | undefined,
  words: (field: string, type: string) => string | undefined = () => undefined,
): FieldProblems {
  const found: FieldProblems = {}
  const details = failure?.details
  if (!failure || !details) return found
  const add = (field: unknown, message: string) => {
    if (typeof field === 'string' && !(field in found)) found[field] = message
  }
  for (const entry of Array.isArray(details.fields) ? details.fields : []) {
    if (typeof entry === 'string') add(entry, words(entry, '') ?? '不符合要求')
    else if (entry && typeof entry === 'object') {
      const { field, type } = entry as { field?: string; type?: string }
      add(field, words(field ?? '', type ?? '') ?? FIELD_ERROR_WORDS[type ?? ''] ?? '不符合要求')
    }
  }
  for (const entry of Array.isArray(details.errors) ? details.errors : []) {
    const { field, message } = (entry ?? {}) as { field?: string; message?: string }
    add(field, message || '不符合要求')
  }
  if (Array.isArray(details.unknown_materials)) add('materials', `未知的材料类型：${details.unknown_materials.join('、')}`)
  if (typeof details.field === 'string') add(details.field, failure.message)
  return found
}

/** The problems not about one of the form's own fields (`own`), as lines under the form. */
export function otherProblems(problems: FieldProblems, own: readonly string[]): string[] {
  return Object.entries(problems)
    .filter(([field]) => !own.includes(field))
    .map(([field, message]) => `${field}：${message}`)
}

/** The Chinese names of what a rule version says per type (intake/domain/eligibility.py). */
export const RULE_FIELD_LABELS: Readonly<Record<string, string>> = {
  article: '依据条款',
  min_publicity_months: '最短公示期（月）',
  min_publicity_months_by_domain: '分领域最短公示期（月）',
  min_listed_months: '最短列入期（月）',
  not_repairable_penalty_kinds: '不予修复的处罚种类',
  short_publicity_penalty_kinds: '公示期满自动停止公示的处罚种类',
  low_fine_threshold: '较低数额罚款上限（元）',
  repairable_reasons: '可修复的列入原因',
  materials: '所需材料',
  facts_and_reasons_required: '须填写事实和理由',
  signing_required: '须电子签章和法定代表人签名',
  repairable: '可申请修复',
  obligations_fulfilled: '履行行政处罚决定规定的义务',
  not_listed_now: '申请时不得在列的名单',
  no_same_kind_penalty_since: '须此后未再受到同一类别的行政处罚',
  no_new_listing_since: '须此后未再被列入严重违法失信名单',
  // publicity terms (disclosure/domain/rules.py)
  term_years: '公示期（年）',
  short_term_months: '短期公示期（月）',
  short_term_penalty_kinds: '适用短期公示期的处罚种类',
  escalates_to_serious_after_years: '未履行义务满此年限转入严重违法失信名单',
  // bankruptcy reorganisation (intake/domain/reorganisation.py)
  record_types: '适用的记录类型',
  listing_reasons: '适用的列入原因',
  excluded_penalty_kinds: '不适用的处罚种类',
  term_months: '临时修复期限（月）',
}

/** The penalty kinds and domains rules name, from the shared vocabulary. */
const PENALTY_WORDS: Readonly<Record<string, string>> = { ...VOCABULARY.PenaltyKind, ...VOCABULARY.PenaltyDomain }

/** How the obligations must be shown done (intake/domain/subject_conditions.py OBLIGATION_MODES). */
const OBLIGATION_WORDS: Readonly<Record<string, string>> = {
  proof_when_unknown: '须已履行；登记未载明的，凭履行义务的证明材料申请',
  required: '须已履行，且以登记载明为准',
}

/** A code a rule names (material, listing reason, penalty kind or domain, record type, obligation mode) in Chinese. */
export function ruleWord(code: string): string {
  return MATERIAL_KIND_LABELS[code] ?? LISTING_REASON_LABELS[code as ListingReason] ?? PENALTY_WORDS[code]
    ?? (RECORD_TYPE_LABELS as Record<string, string>)[code] ?? OBLIGATION_WORDS[code] ?? code
}

/** One rule of a type as a row of a readable table: its name and its value in words. */
export interface RuleRow {
  field: string
  label: string
  value: string
}

export function ruleRows(rule: Record<string, unknown>, words: (code: string) => string = ruleWord): RuleRow[] {
  return Object.entries(rule).map(([field, value]) => ({
    field,
    label: RULE_FIELD_LABELS[field] ?? field,
    value: ruleValue(value, words),
  }))
}

/** A rule's value in words; a table's values are read the same way (reasons listed per type). */
function ruleValue(value: unknown, words: (code: string) => string): string {
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (typeof value === 'string') return words(value)
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? words(v) : JSON.stringify(v))).join('、')
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${words(k)}：${ruleValue(v, words)}`)
      .join('；')
  }
  return String(value ?? '')
}

// -- deadline rules ------------------------------------------------------------------------------

export type NewDeadlineRuleVersion = Paths['/api/v1/admin/deadline-rules']['post']['requestBody']['content']['application/json']
export type DeadlineRules = NewDeadlineRuleVersion['rules']
export type DecideType = keyof DeadlineRules['decide_working_days']

/** workflow `deadline_rule_versions`: the one in force today marked by the service. */
export interface DeadlineRuleVersionEntry extends VersionEntry {
  rules: DeadlineRules
  in_force: boolean
}

/** The types a decision limit is set for (credit_common/contracts/deadlines.py), in the manuals' order. */
export const DECIDE_TYPES: { value: DecideType; label: string }[] = [
  ...(Object.keys(RECORD_TYPE_LABELS) as (keyof typeof RECORD_TYPE_LABELS)[]).map((value) => ({
    value,
    label: RECORD_TYPE_LABELS[value],
  })),
  { value: 'bankruptcy_reorganisation', label: '破产重整期间临时信用修复' },
]

/** The limits the schema puts on each figure (working days), for the form and its messages. */
export const DEADLINE_LIMITS = {
  accept_working_days: { min: 1, max: 20 },
  decide_working_days: { min: 1, max: 60 },
  remind_working_days_before: { min: 0, max: 10 },
} as const

/** A figure's limits in words, for whatever the API found wrong with it. */
export function deadlineFieldWords(field: string): string | undefined {
  const key = field.split('.')[1] as keyof typeof DEADLINE_LIMITS | undefined
  if (!field.startsWith('rules.') || !key || !(key in DEADLINE_LIMITS)) return undefined
  const { min, max } = DEADLINE_LIMITS[key]
  return `须为 ${min} 至 ${max} 之间的整数（工作日）`
}

/** A figure typed in a field: an integer, or null for an empty or broken one (the API then says so). */
export function workingDays(typed: string | number | null | undefined): number | null {
  const text = String(typed ?? '').trim()
  return /^\d{1,3}$/.test(text) ? Number(text) : null
}

export async function deadlineRuleVersions(): Promise<DeadlineRuleVersionEntry[]> {
  return ((await unwrap(api.GET('/api/v1/admin/deadline-rules'))) as { items: DeadlineRuleVersionEntry[] }).items
}

export async function addDeadlineRuleVersion(body: NewDeadlineRuleVersion): Promise<{ version: string; effective_from: string }> {
  return (await unwrap(api.POST('/api/v1/admin/deadline-rules', { body }))) as { version: string; effective_from: string }
}

export const DEADLINE_RULES: VersionSource<DeadlineRuleVersionEntry> = { load: deadlineRuleVersions }

// -- publicity terms and bankruptcy reorganisation rules -------------------------------------

export type NewPublicityTermVersion = Paths['/api/v1/admin/publicity-terms']['post']['requestBody']['content']['application/json']

/** disclosure `publicity_term_versions`. */
export interface PublicityTermVersionEntry extends VersionEntry {
  terms: Record<string, unknown> & { basis?: string; record_types?: Record<string, Record<string, unknown>>; listing_cures?: unknown[] }
}

/** intake `reorganisation_rule_versions`. */
export interface ReorganisationRuleVersionEntry extends VersionEntry {
  rules: Record<string, unknown>
}

/** A record type's publicity term in rows; a term left out says something of its own. */
export function termRows(term: Record<string, unknown>): RuleRow[] {
  const unset: Readonly<Record<string, string>> = {
    term_years: '不设期限，直至移出',
    escalates_to_serious_after_years: '不适用',
    short_term_months: '不适用',
    low_fine_threshold: '不适用',
  }
  // every type has a term: one not given means the record stays until it is removed
  const full: Record<string, unknown> = { term_years: null, ...term }
  return ruleRows(full).map((row) => (full[row.field] == null ? { ...row, value: unset[row.field] ?? '未规定' } : row))
}

/** One entry of `listing_cures` (disclosure/domain/filings.py ListingCure). */
export interface ListingCureRule {
  filing: string
  record_type: string
  listing_reason: string
  removal: string
}

const FILING_WORDS: Readonly<Record<string, string>> = {
  annual_report: '补报年度报告',
  annual_report_correction: '更正年度报告',
  instant_info: '公示即时信息',
  instant_info_correction: '更正公示信息',
}

const REMOVAL_WORDS: Readonly<Record<string, string>> = {
  immediate: '系统自动移出',
  officer_confirmation: '列入机关一键确认移出（可移出）',
}

/** A cure rule in one line: which filing cures which listing, and how it comes off. */
export function cureText(cure: ListingCureRule): string {
  return `${FILING_WORDS[cure.filing] ?? cure.filing}：${ruleWord(cure.record_type)}（${ruleWord(cure.listing_reason)}）→ ${REMOVAL_WORDS[cure.removal] ?? cure.removal}`
}

export async function publicityTermVersions(): Promise<PublicityTermVersionEntry[]> {
  return ((await unwrap(api.GET('/api/v1/admin/publicity-terms'))) as { items: PublicityTermVersionEntry[] }).items
}

export async function addPublicityTermVersion(body: NewPublicityTermVersion): Promise<{ version: string }> {
  return (await unwrap(api.POST('/api/v1/admin/publicity-terms', { body }))) as { version: string }
}

export async function reorganisationRuleVersions(): Promise<ReorganisationRuleVersionEntry[]> {
  return ((await unwrap(api.GET('/api/v1/admin/reorganisation-rules'))) as { items: ReorganisationRuleVersionEntry[] }).items
}

export async function addReorganisationRuleVersion(body: NewRuleVersion): Promise<{ version: string }> {
  return (await unwrap(api.POST('/api/v1/admin/reorganisation-rules', { body }))) as { version: string }
}

export const PUBLICITY_TERMS: VersionSource<PublicityTermVersionEntry> = {
  load: publicityTermVersions,
  json: { key: 'terms', add: (fields, terms) => addPublicityTermVersion({ ...fields, terms }) },
}

export const REORGANISATION_RULES: VersionSource<ReorganisationRuleVersionEntry> = {
  load: reorganisationRuleVersions,
  json: { key: 'rules', add: (fields, rules) => addReorganisationRuleVersion({ ...fields, rules }) },
}

// -- calendar --------------------------------------------------------------------------------

export type NewCalendarOverride = Paths['/api/v1/admin/calendar/overrides']['post']['requestBody']['content']['application/json']

/** workflow `calendar_overrides`. */
export interface CalendarOverride {
  day: string
  is_working: boolean
  note: string
}

export type DaySource = 'calendar' | 'override' | 'fallback'

export interface WorkingDayAnswer {
  date: string
  source: DaySource
}

export const DAY_SOURCE_LABELS: Readonly<Record<DaySource, string>> = {
  calendar: '国务院节假日安排',
  override: '工作日调整表',
  fallback: '按周一至周五推算（节假日安排尚未发布）',
}

export async function calendarOverrides(): Promise<CalendarOverride[]> {
  return ((await unwrap(api.GET('/api/v1/admin/calendar/overrides'))) as { items: CalendarOverride[] }).items
}

export async function addCalendarOverride(body: NewCalendarOverride): Promise<{ day: string; is_working: boolean }> {
  return (await unwrap(api.POST('/api/v1/admin/calendar/overrides', { body }))) as { day: string; is_working: boolean }
}

export async function addWorkingDays(start: string, days: number): Promise<WorkingDayAnswer> {
  return (await unwrap(
    api.GET('/api/v1/admin/calendar/add-working-days', { params: { query: { start, days } } }),
  )) as WorkingDayAnswer
}

// -- proof-material mode ------------------------------------------------------------------------

export async function setProofMaterialMode(code: string, enabled: boolean): Promise<RegistrySubject> {
  return (await unwrap(
    api.POST('/api/v1/admin/subjects/{code}/proof-material-mode', {
      params: { path: { code: code.trim().toUpperCase() }, query: { enabled } },
    }),
  )) as RegistrySubject
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六']

/** `2026-10-01` → `星期四` (a calendar date: no time zone involved). */
export function weekdayOf(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!m) return ''
  return WEEKDAYS[new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay()]
}
