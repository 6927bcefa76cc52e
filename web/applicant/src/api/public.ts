// Public disclosure queries and document verification: no login; personal data arrives masked.
// Shapes from services/disclosure/disclosure/views.py (subject_view, record_view, history_view),
// which the applicant's own subjects and records share, and services/workflow/workflow/service.py
// (verify_document).
import { unwrap, uploadWithProgress } from '@credit/shared'
import { api, tokens, type Page } from './index'
import type { DocumentType, RecordType } from '../labels'

/**
 * disclosure `subject_view`: for the public the personal data arrives masked (ID: first 4 and
 * last 2 characters, phones 138****1234); for the applicant's own subjects it comes in full.
 */
export interface RegistrySubject {
  id: string
  uscc: string | null
  registration_number: string | null
  name: string
  kind: string
  kind_label: string
  district_code: string
  registration_unit_code: string
  registration_unit_name: string | null
  address: string
  registration_status: string
  registration_status_label: string
  legal_representative: {
    name: string
    document_type: DocumentType
    document_type_label: string | null
    document_number: string
    phone: string
  }
  liaison_phone: string
  proof_material_mode: boolean
  /** whether the personal data above is masked */
  personal_data_masked: boolean
}

/** disclosure `record_view`: one listing or penalty publicity entry. */
export interface RegistryRecord {
  id: string
  subject_id: string
  record_type: RecordType
  record_type_label: string
  publicity_state: string
  publicity_state_label: string | null
  district_code: string
  listing_reason: string | null
  listing_reason_label: string | null
  listing_date: string | null
  listing_unit_code: string | null
  listing_unit_name: string | null
  listing_document_number: string | null
  decision_number: string | null
  decision_date: string | null
  publicity_start_date: string | null
  publicity_end_date: string | null
  penalty_domain: string | null
  penalty_domain_label: string | null
  penalty_kinds: string[]
  penalty_kind_labels: string[]
  /** yuan, decimal string */
  fine_amount: string | null
  severe: boolean
  deciding_unit_code: string | null
  deciding_unit_name: string | null
  obligations_fulfilled_on: string | null
  source_agency: string | null
  version: number
}

export interface SearchItem {
  record: RegistryRecord
  subject: RegistrySubject
}

export interface SubjectWithRecords {
  subject: RegistrySubject
  records: RegistryRecord[]
}

export interface RecordHistoryEntry {
  from_state: string | null
  to_state: string
  cause_kind: string
  cause_ref: string
  note: string
  occurred_at: string
}

export interface RecordWithHistory {
  record: RegistryRecord
  subject: RegistrySubject
  history: RecordHistoryEntry[]
}

/** What verify_document tells about an issued document. */
export interface VerifiedDocument {
  number: string
  kind: string
  title: string
  subject_name: string
  subject_code: string
  issued_on: string
  sha256: string | null
}

export interface SearchFilters {
  q?: string
  type?: RecordType
  district?: string
  listedFrom?: string
  listedTo?: string
}

export const SEARCH_PAGE_SIZE = 20

// the gateway's public routes declare no response model: the answer is typed here, from the service
async function answer<T>(call: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  return (await unwrap(call)) as T
}

/** One page of records matching the filters, in the API's stable order; `cursor` continues. */
export function searchRecords(filters: SearchFilters, cursor?: string | null): Promise<Page<SearchItem>> {
  return answer<Page<SearchItem>>(
    api.GET('/api/v1/public/subjects', {
      params: {
        query: {
          q: filters.q || undefined,
          type: filters.type || undefined,
          district: filters.district || undefined,
          listed_from: filters.listedFrom || undefined,
          listed_to: filters.listedTo || undefined,
          limit: SEARCH_PAGE_SIZE,
          cursor: cursor || undefined,
        },
      },
    }),
  )
}

export function lookupSubject(code: string): Promise<SubjectWithRecords> {
  return answer<SubjectWithRecords>(api.GET('/api/v1/public/subjects/{code}', { params: { path: { code } } }))
}

export function getRecord(recordId: string): Promise<RecordWithHistory> {
  return answer<RecordWithHistory>(
    api.GET('/api/v1/public/records/{record_id}', { params: { path: { record_id: recordId } } }),
  )
}

export function verifyByCode(code: string): Promise<VerifiedDocument> {
  return answer<VerifiedDocument>(api.GET('/api/v1/public/documents/verify', { params: { query: { code } } }))
}

/** Sends the file itself: only an unaltered original matches (its SHA-256 is compared). */
export async function verifyByFile(file: File, onProgress: (percent: number) => void): Promise<VerifiedDocument> {
  const form = new FormData()
  form.append('file', file)
  return (await uploadWithProgress('/api/v1/public/documents/verify', form, tokens, onProgress)) as VerifiedDocument
}
