// Public disclosure queries and document verification: no login; personal data arrives masked.
// The registry's subjects and records are shaped in @credit/shared; here a record's history
// (services/disclosure/disclosure/views.py history_view) and services/workflow/workflow/service.py
// (verify_document).
import {
  unwrap, uploadWithProgress, type Page, type RecordHit, type SubjectWithRecords,
} from '@credit/shared'
import { api, tokens } from './index'
import type { RecordType } from '../labels'

export interface RecordHistoryEntry {
  from_state: string | null
  to_state: string
  cause_kind: string
  cause_ref: string
  note: string
  occurred_at: string
}

export interface RecordWithHistory extends RecordHit {
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
export function searchRecords(filters: SearchFilters, cursor?: string | null): Promise<Page<RecordHit>> {
  return answer<Page<RecordHit>>(
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
