// The home page's cards: what each counts (workflow `counts`: the officer's own todo list) and
// the 我的待办 search it opens.
import type { LocationQueryRaw } from 'vue-router'
import type { Role } from '../../api/auth'
import type { CaseCounts } from '../../api/cases'

export interface CountCard {
  key: string
  label: string
  count: number
  /** 我的待办's query (see todoQuery.ts) */
  query: LocationQueryRaw
  tone: 'normal' | 'warning' | 'danger'
}

/**
 * A step's card shows for the role that works it, or whenever it counts something (an
 * administrator's or a district officer's list holds every step); the deadlines always show.
 */
export function countCards(counts: CaseCounts, roles: readonly Role[]): CountCard[] {
  const of = (...statuses: string[]) =>
    statuses.reduce((sum, status) => sum + (counts.by_status[status] ?? 0), 0)
  const steps: (CountCard & { role: Role })[] = [
    { key: 'accept', label: '待受理', count: of('pending_acceptance'),
      query: { status: 'pending_acceptance' }, tone: 'normal', role: 'handler' },
    { key: 'review', label: '待审核', count: of('under_review'),
      query: { status: 'under_review' }, tone: 'normal', role: 'reviewer' },
    { key: 'second-review', label: '待复审', count: of('second_review'),
      query: { status: 'second_review' }, tone: 'normal', role: 'section_head' },
    { key: 'approve', label: '待审批', count: of('under_approval'),
      query: { status: 'under_approval' }, tone: 'normal', role: 'approver' },
  ]
  return [
    ...steps.filter((s) => roles.includes(s.role) || s.count > 0)
      .map(({ role: _role, ...card }) => card),
    { key: 'due-soon', label: '即将超期', count: counts.due_soon ?? 0,
      query: { due_soon: '1' }, tone: 'warning' },
    { key: 'overdue', label: '已超期', count: counts.overdue, query: { overdue: '1' },
      tone: 'danger' },
  ]
}
