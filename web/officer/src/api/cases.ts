// Cases as the officer works them: 我的待办 (paged by cursor), the counts of the home page, the
// case page (workflow's case and approval form, intake's application), the actions, the
// transfer targets, and the materials and documents as files. Response shapes are read from
// services/workflow/workflow/views.py + service.py and services/intake/intake/views.py.
import {
  VOCABULARY, fetchBlob, unwrap, type ApplicationDetail, type Eligibility, type Page, type Paths, type RecordType,
} from '@credit/shared'
import { api, tokens } from './index'

type ActionBody = NonNullable<
  Paths['/api/v1/officer/cases/{acceptance_number}/actions']['post']['requestBody']
>['content']['application/json']
export type CaseActionName = ActionBody['action']

/** Every status a case can have, in the order it goes. */
export const CASE_STATUS_LABELS: Readonly<Record<string, string>> = VOCABULARY.CaseStatus

/** The statuses a case waits on an officer in (what 我的待办 can hold), for the 状态 filter. */
export const OPEN_CASE_STATUSES = [
  'pending_acceptance', 'accepted', 'under_review', 'second_review', 'under_approval',
  'approved', 'rejected', 'not_accepted', 'returned',
] as const

/** workflow `case_view`. */
export interface CaseSummary {
  id: string
  application_id: string
  acceptance_number: string
  record_type: RecordType
  record_type_label: string
  subject_uscc: string
  subject_name: string
  district_code: string
  unit_code: string | null
  unit_name: string | null
  status: string
  status_label: string
  record_ids: string[]
  submitted_at: string | null
  opened_at: string | null
  /** 受理时限 and 办理时限, `YYYY-MM-DD`, counted in working days */
  accept_due: string | null
  decide_due: string | null
  /** the deadline that runs now: 办理时限 once accepted, else 受理时限; null while returned */
  due: string | null
  overdue: boolean
  /** due between today and the reminder's lead of the deadline rules in force */
  due_soon: boolean
  handler_id: string | null
  accepted_at: string | null
  decided_at: string | null
  closed_at: string | null
  /** returned for correction (退回补正): the clock stands still until it is resubmitted */
  paused: boolean
  paused_since: string | null
  /** the decision working days kept at the return (null before acceptance) */
  paused_working_days_left: number | null
  /** working days spent returned, every pause, the running one up to today */
  paused_working_days: number
  /** how often the case was returned */
  pause_count: number
  version: number
}

/** The 我的待办 search bar; empty fields are left out of the query. */
export interface TodoFilters {
  acceptance_number?: string
  subject_name?: string
  record_type?: RecordType
  /** one status, or several separated by commas */
  status?: string
  uscc?: string
  overdue?: boolean
  due_soon?: boolean
}

export const TODO_PAGE_SIZE = 20

export async function listTodo(filters: TodoFilters, cursor?: string | null,
  limit = TODO_PAGE_SIZE): Promise<Page<CaseSummary>> {
  const query: Record<string, string | number | boolean> = { limit }
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '' && value !== false) query[key] = value
  }
  if (cursor) query.cursor = cursor
  return (await unwrap(api.GET('/api/v1/officer/cases', { params: { query } }))) as Page<CaseSummary>
}

/** workflow `counts`: cases per status in the officer's scope, overdue and due soon. */
export interface CaseCounts {
  by_status: Record<string, number>
  overdue: number
  due_soon: number
}

export async function caseCounts(): Promise<CaseCounts> {
  return (await unwrap(api.GET('/api/v1/officer/cases/counts'))) as CaseCounts
}

/** workflow `step_view`: one line of the 审批表. */
export interface ApprovalStep {
  action: string
  action_label: string
  from_status: string
  to_status: string
  officer_name: string
  unit_code: string
  unit_name: string | null
  /** a transfer's receiving unit */
  target_unit_code: string | null
  target_unit_name: string | null
  opinion: string | null
  occurred_at: string | null
}

/** workflow `document_view`: a numbered 通知书, 决定书 or 审批表 (listed once rendered). */
export interface CaseDocument {
  id: string
  kind: string
  title: string
  number: string
  verification_code: string
  subject_name: string
  subject_code: string
  issued_on: string | null
  sha256: string | null
  file_name: string
}

/** workflow `action_view`: an action this officer may take on the case now. */
export interface AllowedAction {
  action: CaseActionName
  label: string
  needs_opinion: boolean
}

/** intake `application_for_officer`: `detail_view` with the eligibility answers as at submission. */
export interface CaseApplication extends ApplicationDetail {
  eligibility: Eligibility[]
}

/** workflow `case_page` with the application the gateway adds. */
export interface CasePage {
  case: CaseSummary
  approval_form: ApprovalStep[]
  documents: CaseDocument[]
  /** the case belongs to the officer's own unit */
  can_act: boolean
  allowed_actions: AllowedAction[]
  handler_name: string | null
  application: CaseApplication
}

const path = (number: string) => ({ params: { path: { acceptance_number: number } } })

export async function getCase(number: string): Promise<CasePage> {
  return (await unwrap(api.GET('/api/v1/officer/cases/{acceptance_number}', path(number)))) as CasePage
}

/** workflow `unit_view`. */
export interface UnitChoice {
  code: string
  name: string
}

/** The other offices of the case's district bureau: where 转办 may send it. */
export async function transferTargets(number: string): Promise<UnitChoice[]> {
  const answer = (await unwrap(
    api.GET('/api/v1/officer/cases/{acceptance_number}/transfer-targets', path(number)),
  )) as { items: UnitChoice[] }
  return answer.items
}

export interface ActionRequest {
  action: CaseActionName
  /** the version the officer saw: a newer one answers 409 STALE_VERSION */
  version: number
  opinion?: string
  target_unit_code?: string
}

export async function actOnCase(number: string, body: ActionRequest): Promise<CaseSummary> {
  return (await unwrap(
    api.POST('/api/v1/officer/cases/{acceptance_number}/actions', { ...path(number), body }),
  )) as CaseSummary
}

function casePath(number: string): string {
  return `/api/v1/officer/cases/${encodeURIComponent(number)}`
}

/** A material the applicant uploaded, as a Blob (fetched with the officer's token). */
export function fetchMaterial(number: string, materialId: string): Promise<Blob> {
  return fetchBlob(`${casePath(number)}/materials/${encodeURIComponent(materialId)}`, tokens)
}

/** A document of the case as a PDF Blob. */
export async function fetchDocument(number: string, documentId: string): Promise<Blob> {
  const blob = await fetchBlob(`${casePath(number)}/documents/${encodeURIComponent(documentId)}`, tokens)
  // the gateway sends application/pdf; say so anyway, the iframe shows it by this type
  return blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' })
}
