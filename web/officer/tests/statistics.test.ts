import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, tokens } from '../src/api'
import { exportFileName, exportStatistics, exportUrl, getStatistics, statisticsQuery, type Statistics } from '../src/api/statistics'
import {
  chartPanels,
  formatAverage,
  monthLabel,
  shortUnitName,
} from '../src/views/statistics/statisticsCharts'
import { districtChoices, filtersFromQuery, queryFromFilters } from '../src/views/statistics/statisticsQuery'

afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  tokens.clear()
})

function sampleStatistics(overrides: Partial<Statistics> = {}): Statistics {
  const zero = { cases: 0, decided: 0, overdue: 0, decided_late: 0, average_working_days: null }
  return {
    period: { from: '2025-03-01', to: '2025-04-30' },
    filters: { district_code: null, record_type: null },
    scope: { level: 'district', unit_code: '44011390', unit_name: '广州市番禺区市场监督管理局信用监管科',
      district_code: '440113', district_name: '番禺区' },
    as_of: '2026-12-07',
    average_basis: 'accepted_to_decided',
    cases: 7, decided: 4, overdue: 2, decided_late: 1, average_handling_working_days: 14, averaged_cases: 3,
    by_unit: [
      { unit_code: '44011301', unit_name: '广州市番禺区市场监督管理局市桥市场监督管理所', cases: 5, decided: 3, overdue: 2,
        decided_late: 1, average_working_days: 13 },
      { unit_code: '44011302', unit_name: '广州市番禺区市场监督管理局大石市场监督管理所', cases: 2, decided: 1, overdue: 0,
        decided_late: 0, average_working_days: 16 },
    ],
    by_district: [{ district_code: '440113', district_name: '番禺区', cases: 7, decided: 4, overdue: 2, decided_late: 1,
      average_working_days: 14 }],
    by_record_type: [
      { record_type: 'serious_illegal_list', record_type_label: '严重违法失信名单', cases: 1, decided: 1, overdue: 0,
        decided_late: 0, average_working_days: null },
      { record_type: 'abnormal_operation_list', record_type_label: '经营异常名录', cases: 3, decided: 1, overdue: 1,
        decided_late: 1, average_working_days: 18 },
      { record_type: 'individual_abnormal_status', record_type_label: '个体工商户经营异常状态', ...zero },
      { record_type: 'cooperative_abnormal_list', record_type_label: '农民专业合作社经营异常名录', ...zero },
      { record_type: 'penalty_publicity', record_type_label: '行政处罚信息公示', cases: 3, decided: 2, overdue: 1,
        decided_late: 0, average_working_days: 12 },
      { record_type: 'other_department_penalty', record_type_label: '其他部门行政处罚', ...zero },
    ],
    by_status: [
      { status: 'pending_acceptance', status_label: '待受理', cases: 1 },
      { status: 'under_review', status_label: '审核中', cases: 1 },
      { status: 'closed', status_label: '已办结', cases: 5 },
    ],
    monthly: [{ month: '2025-03', submitted: 4, decided: 3 }, { month: '2025-04', submitted: 3, decided: 2 }],
    ...overrides,
  }
}

describe('the statistics api module', () => {
  it('asks with the filters chosen, leaving the empty ones to the API defaults', async () => {
    const get = vi.spyOn(api, 'GET').mockResolvedValue({ data: sampleStatistics(), response: new Response(null, { status: 200 }) } as never)
    const stats = await getStatistics({ from: '2025-03-01', to: '2025-04-30', district: '', record_type: 'penalty_publicity' })
    expect(stats.cases).toBe(7)
    expect(get).toHaveBeenCalledWith('/api/v1/officer/statistics', {
      params: { query: { from: '2025-03-01', to: '2025-04-30', record_type: 'penalty_publicity' } },
    })
  })

  it('passes on a refusal with its code, Chinese message and request id', async () => {
    vi.spyOn(api, 'GET').mockResolvedValue({
      error: { code: 'INVALID_PERIOD', message: '统计期间的开始日期不能晚于结束日期', request_id: 'req-7' },
      response: new Response(null, { status: 422 }),
    } as never)
    await expect(getStatistics({ from: '2025-05-01', to: '2025-04-01' })).rejects.toMatchObject({
      code: 'INVALID_PERIOD', display: '统计期间的开始日期不能晚于结束日期（请求编号 req-7）',
    })
  })

  it('downloads the export with the token, under the name the gateway gives it', async () => {
    const seen: Array<{ url: string; auth: string | null }> = []
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('Authorization') })
      return new Response('\ufeff概况\r\n', { status: 200, headers: { 'Content-Type': 'text/csv' } })
    }))
    tokens.save({ access_token: 'tok', refresh_token: 'r', expires_in: 900 })
    const blob = await exportStatistics({ district: '440113' }, 'csv')
    expect(await blob.text()).toContain('概况')
    expect(seen).toEqual([{ url: '/api/v1/officer/statistics/export?district=440113&format=csv', auth: 'Bearer tok' }])
    expect(exportUrl({ from: '2025-03-01', to: '2025-04-30', record_type: '' }, 'xlsx'))
      .toBe('/api/v1/officer/statistics/export?from=2025-03-01&to=2025-04-30&format=xlsx')
    expect(exportFileName({ from: '2025-03-01', to: '2025-04-30' }, 'xlsx')).toBe('信用修复统计_2025-03-01至2025-04-30.xlsx')
    expect(statisticsQuery({ from: '', district: '440106' })).toEqual({ district: '440106' })
  })
})

describe('the charts and their tables', () => {
  it('draw every breakdown the page promises, each with a label and the same figures as a table', () => {
    const panels = chartPanels(sampleStatistics())
    expect(panels.map((p) => p.title)).toEqual([
      '各单位办理情况', '各区办理情况', '各类型案件数', '案件状态分布', '超期情况', '平均办理工作日（受理至作出决定）', '按月趋势',
    ])
    for (const panel of panels) {
      expect(panel.description).toMatch(/[\u4e00-\u9fff]/)
      expect(panel.columns.every((c) => /[\u4e00-\u9fff]/.test(c.label))).toBe(true)
    }
    const [units, , types, statuses, overdue, average, monthly] = panels
    expect(units.rows).toEqual([
      { name: '广州市番禺区市场监督管理局市桥市场监督管理所', cases: 5, decided: 3, overdue: 2, decided_late: 1, average: '13.0' },
      { name: '广州市番禺区市场监督管理局大石市场监督管理所', cases: 2, decided: 1, overdue: 0, decided_late: 0, average: '16.0' },
    ])
    expect((units.option.xAxis as { data: string[] }).data).toEqual(['番禺区市桥所', '番禺区大石所'])
    expect(types.rows[0]).toEqual({ name: '严重违法失信名单', cases: 1, decided: 1, overdue: 0, decided_late: 0, average: '—' })
    expect(statuses.rows).toEqual([{ name: '待受理', cases: 1 }, { name: '审核中', cases: 1 }, { name: '已办结', cases: 5 }])
    expect(overdue.rows.at(-1)).toEqual({ name: '合计', overdue: 2, decided_late: 1 })
    expect(average.rows.at(-1)).toEqual({ name: '总平均', average: '14.0' })
    expect(monthly.rows).toEqual([{ name: '2025年3月', submitted: 4, decided: 3 }, { name: '2025年4月', submitted: 3, decided: 2 }])
    const lines = (monthly.option.series as Array<{ name: string; type: string; data: number[] }>)
    expect(lines.map((s) => [s.name, s.type, s.data])).toEqual([['提交', 'line', [4, 3]], ['作出决定', 'line', [3, 2]]])
  })

  it('shorten unit names for an axis and say an empty average with a dash', () => {
    expect(shortUnitName('广州市番禺区市场监督管理局市桥市场监督管理所')).toBe('番禺区市桥所')
    expect(shortUnitName('广州市番禺区市场监督管理局信用监管科')).toBe('番禺区信用监管科')
    expect(shortUnitName('广州市天河区市场监督管理局')).toBe('天河区局')
    expect(shortUnitName('广州市市场监督管理局')).toBe('市局')
    expect(formatAverage(null)).toBe('—')
    expect(formatAverage(0)).toBe('0.0')
    expect(formatAverage(12.345)).toBe('12.3')
    expect(monthLabel('2026-01')).toBe('2026年1月')
  })
})

describe('the filters in the address bar', () => {
  it('keep only well-formed values and go back the same way', () => {
    expect(filtersFromQuery({ from: '2025-03-01', to: '2025-04-30', district: '440113', type: 'penalty_publicity' }))
      .toEqual({ from: '2025-03-01', to: '2025-04-30', district: '440113', record_type: 'penalty_publicity' })
    expect(filtersFromQuery({ from: '2025/03/01', to: '2025-04-30', district: '999999', type: 'x' })).toEqual({})
    expect(filtersFromQuery({ from: '2025-03-01' })).toEqual({})
    expect(queryFromFilters({ from: '2025-03-01', to: '2025-04-30', record_type: 'penalty_publicity', district: '' }))
      .toEqual({ from: '2025-03-01', to: '2025-04-30', type: 'penalty_publicity' })
  })

  it('offer the city bureau every district and anyone else their own', () => {
    expect(districtChoices('440100')).toHaveLength(11)
    expect(districtChoices('44011301')).toEqual([{ code: '440113', name: '番禺区' }])
    expect(districtChoices('44011390')).toEqual([{ code: '440113', name: '番禺区' }])
    expect(districtChoices(undefined)).toEqual([])
  })
})
