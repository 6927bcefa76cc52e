import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { createPinia, setActivePinia } from 'pinia'
import ElementPlus from 'element-plus'
import { ApiFailure } from '@credit/shared'
import type { Statistics } from '../src/api/statistics'
import { useSession } from '../src/stores/session'

// 统计 against a replaced api module; ECharts replaced too (jsdom draws nothing)
const calls = vi.hoisted(() => ({ getStatistics: vi.fn(), exportStatistics: vi.fn() }))
vi.mock('../src/api/statistics', async (original) => ({ ...(await original<object>()), ...calls }))
const drawn = vi.hoisted(() => ({ options: [] as unknown[] }))
vi.mock('echarts/core', () => ({
  use: () => undefined,
  init: () => ({ setOption: (o: unknown) => drawn.options.push(o), resize: () => undefined, dispose: () => undefined }),
}))

import StatisticsView from '../src/views/statistics/StatisticsView.vue'

// mounting Element Plus and seven charts in jsdom takes seconds on a busy machine
vi.setConfig({ testTimeout: 20_000 })

function stats(overrides: Partial<Statistics> = {}): Statistics {
  const figures = { cases: 4, decided: 3, overdue: 1, decided_late: 0, average_working_days: 0, paused: 1,
    paused_cases: 2, average_paused_working_days: 3.5 }
  return {
    period: { from: '2026-01-01', to: '2026-12-31' },
    filters: { district_code: null, record_type: null },
    scope: { level: 'unit', unit_code: '44011701', unit_name: '广州市从化区市场监督管理局街口市场监督管理所',
      district_code: '440117', district_name: '从化区' },
    as_of: '2026-12-07', average_basis: 'accepted_to_decided',
    cases: 4, decided: 3, overdue: 1, decided_late: 0, average_handling_working_days: 0, averaged_cases: 2,
    paused: 1, paused_cases: 2, average_paused_working_days: 3.5,
    by_unit: [{ unit_code: '44011701', unit_name: '广州市从化区市场监督管理局街口市场监督管理所', ...figures }],
    by_district: [{ district_code: '440117', district_name: '从化区', ...figures }],
    by_record_type: [{ record_type: 'abnormal_operation_list', record_type_label: '经营异常名录', ...figures }],
    by_status: [{ status: 'closed', status_label: '已办结', cases: 4 }],
    monthly: [{ month: '2026-12', submitted: 4, decided: 3 }],
    ...overrides,
  }
}

let router: Router

async function open(path = '/statistics') {
  router = createRouter({
    history: createMemoryHistory('/workbench/'),
    routes: [{ path: '/statistics', name: 'statistics', component: StatisticsView }],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(StatisticsView, { global: { plugins: [router, ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  setActivePinia(createPinia())
  useSession().officer = { id: 'o1', name: '黄承办', phone: '13900000000', unit_code: '44011701',
    unit_name: '广州市从化区市场监督管理局街口市场监督管理所', roles: ['handler'] }
  drawn.options = []
})
afterEach(() => {
  vi.clearAllMocks()
  document.body.innerHTML = ''
})

describe('统计', () => {
  it('shows the figures as tiles, labelled charts and a table under each chart', async () => {
    calls.getStatistics.mockResolvedValue(stats())
    const wrapper = await open('/statistics?from=2026-01-01&to=2026-12-31&type=abnormal_operation_list')
    expect(calls.getStatistics).toHaveBeenCalledWith({ from: '2026-01-01', to: '2026-12-31', record_type: 'abnormal_operation_list' })
    expect(wrapper.find('h1').text()).toBe('统计')
    expect(wrapper.text()).toContain('统计范围：广州市从化区市场监督管理局街口市场监督管理所；统计期间：2026-01-01 至 2026-12-31')
    const tiles = wrapper.findAll('.statistics__tile').map((t) => [t.find('dt').text(), t.find('dd').text()])
    expect(tiles).toEqual([['案件数', '4'], ['已作出决定', '3'], ['超期未办结', '1'], ['超期作出决定', '0'],
      ['平均办理工作日（受理至决定）', '0.0'], ['补正中（暂停计时）', '1'], ['平均补正用时（工作日）', '3.5']])
    const charts = wrapper.findAll('[role="img"]')
    expect(charts).toHaveLength(7)
    expect(charts.every((c) => /[\u4e00-\u9fff]/.test(c.attributes('aria-label') ?? ''))).toBe(true)
    expect(drawn.options).toHaveLength(7)
    const tables = wrapper.findAll('[role="table"]')
    expect(tables.map((t) => t.attributes('aria-label'))).toContain('按月趋势（数据表）')
    const monthly = tables.find((t) => t.attributes('aria-label') === '按月趋势（数据表）')!
    expect(monthly.findAll('td').map((td) => td.text())).toEqual(['2026年12月', '4', '3'])
    // every field is labelled by its visible label
    for (const [label, id] of [['区划', 'statistics-district'], ['类型', 'statistics-type'], ['期间', 'statistics-from']]) {
      expect(wrapper.find(`label[for="${id}"]`).text()).toBe(label)
      expect(wrapper.find(`#${id}`).exists()).toBe(true)
    }
  })

  it('exports the figures shown through an <a download> with the Chinese file name', async () => {
    calls.getStatistics.mockResolvedValue(stats())
    calls.exportStatistics.mockResolvedValue(new Blob(['\ufeff概况'], { type: 'text/csv' }))
    const clicked: string[] = []
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:statistics', revokeObjectURL: () => undefined }))
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.href}`)
    })
    const wrapper = await open()
    await wrapper.findAll('button').find((b) => b.text() === '导出 CSV')!.trigger('click')
    await flushPromises()
    expect(calls.exportStatistics).toHaveBeenCalledWith({}, 'csv')
    expect(clicked).toEqual(['信用修复统计_2026-01-01至2026-12-31.csv blob:statistics'])
    click.mockRestore()
    vi.unstubAllGlobals()
  })

  it('says why when the API refuses the filters', async () => {
    calls.getStatistics.mockRejectedValue(new ApiFailure(422, 'INVALID_PERIOD', '统计期间的开始日期不能晚于结束日期', 'req-3'))
    const wrapper = await open()
    expect(wrapper.find('[role="alert"]').text()).toBe('统计期间的开始日期不能晚于结束日期（请求编号 req-3）')
    expect(wrapper.findAll('[role="img"]')).toHaveLength(0)
  })
})
