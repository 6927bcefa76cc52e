// 可移出: abnormal listings a filing cured that wait for one click of the listing office, and
// those already removed, with the decision's number (workflow `listing_removals`,
// `remove_listing`; the shape is services/workflow/workflow/views.py `removal_view`).
import { unwrap, type ListingReason, type Page, type RecordType } from '@credit/shared'
import { api } from './index'

export type RemovalStatus = 'pending' | 'removed'

/** workflow `removal_view`. */
export interface ListingRemoval {
  id: string
  record_id: string
  record_type: RecordType
  record_type_label: string
  listing_reason: ListingReason
  listing_reason_label: string | null
  listing_date: string | null
  listing_unit_code: string
  listing_unit_name: string | null
  listing_document_number: string | null
  subject_code: string
  subject_name: string
  filing: {
    kind: string
    filed_on: string
    report_year: number | null
    agency: string
    agency_name: string
  }
  rule_version: string
  basis: string
  removal: 'immediate' | 'officer_confirmation'
  removal_label: string | null
  status: RemovalStatus
  status_label: string | null
  cured_at: string | null
  decided_at: string | null
  decided_by_name: string | null
  document_number: string | null
  version: number
  can_remove: boolean
}

export const REMOVAL_STATUSES: { value: RemovalStatus; label: string }[] = [
  { value: 'pending', label: '待确认移出' },
  { value: 'removed', label: '已移出' },
]

/** What each filing kind is (workflow domain/listing_removals.py FILING_TEXT). */
const FILING_KINDS: Readonly<Record<string, (year: number | null) => string>> = {
  annual_report: (year) => `补报${year ?? ''}年度报告`,
  annual_report_correction: (year) => `更正${year ?? ''}年度报告`,
  instant_info: () => '公示即时信息',
  instant_info_correction: () => '更正公示信息',
}

/** The filing that cured the listing, as one line: what, when, told by whom. */
export function filingText(filing: ListingRemoval['filing']): string {
  const what = FILING_KINDS[filing.kind]?.(filing.report_year) ?? '报送相关信息'
  return `${filing.filed_on} ${what}（${filing.agency_name || filing.agency}告知）`
}

/** The result line after a click: the subject and the decision's number when there is one. */
export function removedText(removal: ListingRemoval): string {
  const document = removal.document_number ? `，移出决定书文号：${removal.document_number}` : ''
  return `已将${removal.subject_name}移出${removal.record_type_label}${document}`
}

/** A count of a page of at most `limit` as shown on a card: `limit+` when there are more. */
export function pageCount(page: Page<unknown>, limit: number): string {
  return page.next_cursor && page.items.length >= limit ? `${limit}+` : String(page.items.length)
}

export async function listingRemovals(status: RemovalStatus | null, cursor: string | null, limit = 20): Promise<Page<ListingRemoval>> {
  const query: { status?: RemovalStatus; cursor?: string; limit: number } = { limit }
  if (status) query.status = status
  if (cursor) query.cursor = cursor
  return (await unwrap(api.GET('/api/v1/officer/listing-removals', { params: { query } }))) as Page<ListingRemoval>
}

export async function removeListing(id: string): Promise<ListingRemoval> {
  return (await unwrap(
    api.POST('/api/v1/officer/listing-removals/{removal_id}/removal', { params: { path: { removal_id: id } } }),
  )) as ListingRemoval
}
