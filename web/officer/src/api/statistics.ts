// 统计: the figures of the cases an officer may see (GET /api/v1/officer/statistics) and
// their export as CSV or Excel. The shapes are workflow's (views.statistics_view over
// domain/statistics.py `figures`).
import { fetchBlob, unwrap, type RecordType } from '@credit/shared'
import { api, tokens } from './index'

/** The figures every breakdown carries. */
export interface CaseFigures {
  /** cases submitted within the period */
  cases: number
  /** with a decision: 不予受理, 准予修复 or 不予修复 (closed or revoked since included) */
  decided: number
  /** still running (待受理 to 审批中) past their due date; decided cases never are */
  overdue: number
  /** decided after their due date */
  decided_late: number
  /** working days from acceptance to decision; null without an accepted and decided case */
  average_working_days: number | null
  /** returned for correction and not yet resubmitted: their clock stands still */
  paused: number
  /** returned at least once */
  paused_cases: number
  /** working days those spent returned (a running pause up to today); null without any */
  average_paused_working_days: number | null
}

export interface UnitFigures extends CaseFigures {
  unit_code: string
  unit_name: string
}

export interface DistrictFigures extends CaseFigures {
  district_code: string
  district_name: string
}

export interface RecordTypeFigures extends CaseFigures {
  record_type: RecordType
  record_type_label: string
}

export interface StatusCount {
  status: string
  status_label: string
  cases: number
}

export interface MonthFigures {
  /** YYYY-MM */
  month: string
  /** cases submitted in the month */
  submitted: number
  /** decisions made in the month (whenever their case was submitted) */
  decided: number
}

export type ScopeLevel = 'unit' | 'district' | 'city'

export interface StatisticsScope {
  level: ScopeLevel
  unit_code: string
  unit_name: string | null
  district_code: string | null
  district_name: string | null
}

export interface Statistics {
  period: { from: string; to: string }
  filters: { district_code: string | null; record_type: RecordType | null }
  scope: StatisticsScope
  /** the day "overdue" was judged on (YYYY-MM-DD) */
  as_of: string
  average_basis: 'accepted_to_decided'
  cases: number
  decided: number
  overdue: number
  decided_late: number
  average_handling_working_days: number | null
  /** how many cases the average is taken over */
  averaged_cases: number
  paused: number
  paused_cases: number
  average_paused_working_days: number | null
  by_unit: UnitFigures[]
  by_district: DistrictFigures[]
  by_record_type: RecordTypeFigures[]
  by_status: StatusCount[]
  monthly: MonthFigures[]
}

/** What the officer chose; empty values are left out (the API then takes this year, all). */
export interface StatisticsFilters {
  from?: string
  to?: string
  district?: string
  record_type?: RecordType | ''
}

export type ExportFormat = 'csv' | 'xlsx'

/** The filters as query parameters, without the empty ones. */
export function statisticsQuery(filters: StatisticsFilters): Record<string, string> {
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(filters)) {
    if (value) query[key] = String(value)
  }
  return query
}

export async function getStatistics(filters: StatisticsFilters = {}): Promise<Statistics> {
  const query = statisticsQuery(filters) as { from?: string; to?: string; district?: string; record_type?: RecordType }
  return (await unwrap(api.GET('/api/v1/officer/statistics', { params: { query } }))) as Statistics
}

export function exportUrl(filters: StatisticsFilters, format: ExportFormat): string {
  const query = new URLSearchParams({ ...statisticsQuery(filters), format })
  return `/api/v1/officer/statistics/export?${query.toString()}`
}

/** The file name the gateway gives the export (信用修复统计_<from>至<to>.csv). */
export function exportFileName(period: { from: string; to: string }, format: ExportFormat): string {
  return `信用修复统计_${period.from}至${period.to}.${format}`
}

/** The export as a Blob, fetched with the officer's token. */
export async function exportStatistics(filters: StatisticsFilters, format: ExportFormat): Promise<Blob> {
  return fetchBlob(exportUrl(filters, format), tokens)
}
