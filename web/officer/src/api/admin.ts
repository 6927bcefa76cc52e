// 系统管理 (administrators): officers and their roles within the administrator's scope, the
// eligibility rule versions, the working-day overrides and calculator, the proof-material mode
// of a subject. Shapes read from services/workflow/workflow/views.py + service.py (officers,
// units, calendar), services/intake/intake/service.py (`rule_versions`) and disclosure views.py.
import {
  MATERIAL_KIND_LABELS, todayInShanghai, unwrap,
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

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  handler: '承办人',
  reviewer: '审核人',
  section_head: '信用监管科科长',
  approver: '审批人',
  administrator: '管理员',
}

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

/** A new version must take effect after today (Beijing): rules in force are never rewritten. */
export function isFutureDate(day: string | null | undefined, today: string = todayInShanghai()): boolean {
  return !!day && /^\d{4}-\d{2}-\d{2}$/.test(day) && day > today
}

/** The version in force on a day (the latest effective date not after it). */
export function versionInForce(versions: RuleVersionEntry[], today: string = todayInShanghai()): RuleVersionEntry | undefined {
  return versions
    .filter((v) => v.effective_from <= today)
    .sort((a, b) => a.effective_from.localeCompare(b.effective_from))
    .at(-1)
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
}

/** vocabulary.py PENALTY_KIND_LABELS and PENALTY_DOMAIN_LABELS, as rules name them. */
const PENALTY_WORDS: Readonly<Record<string, string>> = {
  warning: '警告',
  circulated_criticism: '通报批评',
  fine: '罚款',
  confiscation: '没收违法所得、没收非法财物',
  suspension: '责令停产停业',
  licence_demotion: '降低资质等级',
  licence_revocation: '吊销许可证件',
  business_licence_revocation: '吊销营业执照',
  production_restriction: '限制开展生产经营活动',
  employment_restriction: '限制从业',
  detention: '行政拘留',
  food: '食品',
  drugs: '药品',
  special_equipment: '特种设备',
}

/** A code a rule names (material, listing reason, penalty kind or domain) in Chinese. */
export function ruleWord(code: string): string {
  return MATERIAL_KIND_LABELS[code] ?? LISTING_REASON_LABELS[code as ListingReason] ?? PENALTY_WORDS[code] ?? code
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

function ruleValue(value: unknown, words: (code: string) => string): string {
  if (typeof value === 'boolean') return value ? '是' : '否'
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? words(v) : JSON.stringify(v))).join('、')
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${words(k)}：${typeof v === 'string' ? words(v) : JSON.stringify(v)}`)
      .join('；')
  }
  return String(value ?? '')
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
