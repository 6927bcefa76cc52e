// 统计's filters as they live in the address bar (?from=&to=&district=&type=), so a reload or
// a shared link shows the same figures; and the districts an officer may choose.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { DISTRICTS, isRecordType } from '@credit/shared'
import { jurisdictionDistrict } from '../../api/records'
import type { StatisticsFilters } from '../../api/statistics'
import { queryTexts } from '../../composables/routeQuery'

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** The filters a URL asks for; a malformed value is dropped (the API would refuse it). */
export function filtersFromQuery(query: LocationQuery): StatisticsFilters {
  const filters: StatisticsFilters = {}
  const { from, to, district, type } = queryTexts(query, ['from', 'to', 'district', 'type'])
  if (DAY.test(from) && DAY.test(to)) {
    filters.from = from
    filters.to = to
  }
  if (DISTRICTS.some((d) => d.code === district)) filters.district = district
  if (isRecordType(type)) filters.record_type = type
  return filters
}

export function queryFromFilters(filters: StatisticsFilters): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (filters.from && filters.to) {
    query.from = filters.from
    query.to = filters.to
  }
  if (filters.district) query.district = filters.district
  if (filters.record_type) query.type = filters.record_type
  return query
}

/** The city bureau chooses among every district; anyone else has only their own. */
export function districtChoices(unitCode: string | null | undefined): { code: string; name: string }[] {
  if (!unitCode) return []
  const own = jurisdictionDistrict(unitCode)
  return own ? DISTRICTS.filter((d) => d.code === own) : DISTRICTS
}
