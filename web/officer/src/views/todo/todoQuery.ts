// 我的待办's search as it lives in the address bar, so a reload, the back button and a link
// from the home page's cards all show the same list.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { isRecordType } from '@credit/shared'
import { CASE_STATUS_LABELS, OPEN_CASE_STATUSES, type TodoFilters } from '../../api/cases'
import { queryTexts } from '../../composables/routeQuery'

const REVIEW_CHOICE = { value: 'under_review,second_review', label: '待审核（审核中、待复审）' }

/** The status choices of the search bar: every open status, and 待审核 (both review steps) before its two. */
export const STATUS_CHOICES: { value: string; label: string }[] = OPEN_CASE_STATUSES.flatMap((status) => [
  ...(status === 'under_review' ? [REVIEW_CHOICE] : []),
  { value: status, label: CASE_STATUS_LABELS[status] },
])

function flag(value: string): boolean {
  return ['1', 'true'].includes(value)
}

/** The filters a URL asks for; anything unknown in it is dropped, not sent to the API. */
export function filtersFromQuery(query: LocationQuery): TodoFilters {
  const filters: TodoFilters = {}
  const { number, name, type, status, code, overdue, due_soon } = queryTexts(
    query, ['number', 'name', 'type', 'status', 'code', 'overdue', 'due_soon'],
  )
  if (number) filters.acceptance_number = number
  if (name) filters.subject_name = name
  if (isRecordType(type)) filters.record_type = type
  if (STATUS_CHOICES.some((s) => s.value === status)) filters.status = status
  if (code) filters.uscc = code.toUpperCase()
  if (flag(overdue)) filters.overdue = true
  if (flag(due_soon)) filters.due_soon = true
  return filters
}

/** The URL query for filters (short names, empty ones left out). */
export function queryFromFilters(filters: TodoFilters): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (filters.acceptance_number) query.number = filters.acceptance_number
  if (filters.subject_name) query.name = filters.subject_name
  if (filters.record_type) query.type = filters.record_type
  if (filters.status) query.status = filters.status
  if (filters.uscc) query.code = filters.uscc
  if (filters.overdue) query.overdue = '1'
  if (filters.due_soon) query.due_soon = '1'
  return query
}
