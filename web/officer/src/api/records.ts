// The per-type menus (信用修复办理 → one type): the listed subjects of that type in the officer's
// jurisdiction, and one subject with its records. The registry's shapes are disclosure's (in
// @credit/shared; an officer of the subject's district sees personal data in full); the search
// is services/disclosure/disclosure/service.py `search_records`.
import {
  VOCABULARY, choices, unwrap, uploadWithProgress, type ListingReason, type Page, type Paths, type RecordHit, type RecordType, type RegistryRecord,
  type RegistrySubject, type SubjectWithRecords,
} from '@credit/shared'
import { api, tokens } from './index'

type SearchQuery = NonNullable<Paths['/api/v1/officer/records']['get']['parameters']['query']>

export const LISTING_REASON_LABELS: Readonly<Record<ListingReason, string>> = VOCABULARY.ListingReason

/** The reasons a subject is put on each list for (DOMAIN.md); penalties have none. */
export const LISTING_REASONS_FOR_TYPE: Readonly<Partial<Record<RecordType, ListingReason[]>>> = {
  serious_illegal_list: ['serious_violation', 'abnormal_three_years'],
  abnormal_operation_list: ['annual_report_overdue', 'instant_info_not_published', 'false_information', 'unreachable_address'],
  individual_abnormal_status: ['annual_report_overdue', 'unreachable_address'],
  cooperative_abnormal_list: ['annual_report_overdue', 'false_information', 'unreachable_address'],
}

export function listingReasonsFor(type: RecordType): { value: ListingReason; label: string }[] {
  return (LISTING_REASONS_FOR_TYPE[type] ?? []).map((value) => ({ value, label: LISTING_REASON_LABELS[value] }))
}

/** What the search bar of a per-type menu asks; empty fields are left out. */
export interface RecordFilters {
  subject_code?: string
  name?: string
  listing_reason?: ListingReason | ''
  date_from?: string
  date_to?: string
}

const CITY_BUREAU = '440100'

/** The district an officer's lists cover: their unit's, or none for the city bureau (all). */
export function jurisdictionDistrict(unitCode: string | null | undefined): string | undefined {
  if (!unitCode || unitCode === CITY_BUREAU) return undefined
  return unitCode.slice(0, 6)
}

/** The search as the API takes it: trimmed, upper-case codes, nothing empty. */
export function recordQuery(
  type: RecordType,
  filters: RecordFilters,
  district: string | undefined,
  cursor: string | null,
  limit = 20,
): SearchQuery {
  const query: SearchQuery = { record_type: type, limit }
  const code = filters.subject_code?.trim().toUpperCase()
  const name = filters.name?.trim()
  if (code) query.subject_code = code
  if (name) query.name = name
  if (filters.listing_reason) query.listing_reason = filters.listing_reason
  if (filters.date_from) query.date_from = filters.date_from
  if (filters.date_to) query.date_to = filters.date_to
  if (district) query.district_code = district
  if (cursor) query.cursor = cursor
  return query
}

export async function searchRecords(query: SearchQuery): Promise<Page<RecordHit>> {
  return (await unwrap(api.GET('/api/v1/officer/records', { params: { query } }))) as Page<RecordHit>
}

/** One subject with its records (personal data in full within the officer's district). */
export async function lookupSubject(code: string): Promise<SubjectWithRecords> {
  return (await unwrap(
    api.GET('/api/v1/officer/subjects/{code}', { params: { path: { code: code.trim().toUpperCase() } } }),
  )) as SubjectWithRecords
}

/** An office's code is its district's and a two-digit number; the credit section's ends in 90. */
function isOffice(code: string | null | undefined): code is string {
  return !!code && /^\d{8}$/.test(code) && !code.endsWith('90')
}

/**
 * The unit a counter application for this record is filed by: the unit that decides on it
 * (credit_common `organisation.deciding_unit`, which intake checks and workflow routes by).
 * The office that listed it or decided the penalty; for a record made above an office, the
 * district's credit section; another department's penalty goes to the credit section of the
 * subject's district.
 */
export function unitOfRecord(record: RegistryRecord, subject: Pick<RegistrySubject, 'district_code'>): string {
  if (record.record_type === 'other_department_penalty') {
    return `${subject.district_code || record.district_code}90`
  }
  const madeBy = record.listing_unit_code || record.deciding_unit_code
  return isOffice(madeBy) ? madeBy : `${record.district_code}90`
}

/** The code a person reads for a subject: the USCC, else the old registration number. */
export function subjectCode(subject: Pick<RegistrySubject, 'uscc' | 'registration_number'>): string {
  return subject.uscc || subject.registration_number || ''
}

/** What the workbench asks to withdraw a penalty of ours (gateway `withdrawals.py`). */
export interface WithdrawalForm {
  ruling_kind: 'administrative_review' | 'court_judgment' | 'self_correction' | ''
  ruling_number: string
  ruling_date: string
  reason: string
}

/** Why a penalty of ours no longer stands, for the 撤销 dialog's picker. */
export const RULING_KINDS = choices(VOCABULARY.WithdrawalRulingKind)

/** What is missing before 撤销 is sent, as a person reads it (the API checks again). */
export function withdrawalProblems(form: WithdrawalForm, file: File | null, today: string): string[] {
  const problems: string[] = []
  if (!form.ruling_kind) problems.push('请选择撤销依据')
  if (form.ruling_number.trim().length < 2) problems.push('请填写决定书或判决书文号')
  if (!form.ruling_date) problems.push('请选择决定或判决日期')
  else if (form.ruling_date > today) problems.push('决定或判决日期不能晚于今天')
  if (form.reason.trim().length < 2) problems.push('请填写撤销理由')
  if (!file) problems.push('请上传依据文书')
  return problems
}

/**
 * Withdraws a penalty of ours on a review's decision, a court's judgment or our own correction:
 * its publicity stops at once (已撤销). The same ruling twice is one withdrawal.
 */
export async function withdrawPenalty(recordId: string, form: WithdrawalForm, file: File): Promise<{
  created: boolean
  record: RegistryRecord
}> {
  const body = new FormData()
  body.append('ruling_kind', form.ruling_kind)
  body.append('ruling_number', form.ruling_number.trim())
  body.append('ruling_date', form.ruling_date)
  body.append('reason', form.reason.trim())
  body.append('file', file)
  return (await uploadWithProgress(`/api/v1/officer/records/${encodeURIComponent(recordId)}/withdrawal`, body, tokens,
    () => undefined)) as { created: boolean; record: RegistryRecord }
}
