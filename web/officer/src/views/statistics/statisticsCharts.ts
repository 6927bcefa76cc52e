// What each chart of 统计 draws (an ECharts option) and what its data table lists, from the
// statistics API's figures. Plain functions: the page and its tests share them.
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import type { CaseFigures, MonthFigures, RecordTypeFigures, Statistics, StatusCount } from '../../api/statistics'

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | PieSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>

/** The workbench's own colours (styles.css), dark enough to read beside white. */
export const COLOURS = ['#1d5fb4', '#1f7a3f', '#c4161c', '#9a5b00', '#6b3fa0', '#00727a', '#5c5f66', '#b3406b']

export interface TableColumn {
  key: string
  label: string
  /** numbers align right */
  numeric?: boolean
}

export type TableRow = Record<string, string | number>

/** A chart and the table that says the same in words. */
export interface ChartPanel {
  key: string
  title: string
  /** the chart's aria-label: what it shows, in one sentence */
  description: string
  option: ChartOption
  columns: TableColumn[]
  rows: TableRow[]
}

/** `广州市番禺区市场监督管理局市桥市场监督管理所` → `番禺区市桥所`, short enough for an axis. */
export function shortUnitName(name: string): string {
  const short = name
    .replace(/^广州市/, '')
    .replace('市场监督管理局', '')
    .replace(/市场监督管理所$/, '所')
  if (!short) return '市局'
  return /区$/.test(short) ? `${short}局` : short
}

/** An average for a person: one decimal, or a dash where nothing was decided. */
export function formatAverage(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(1)
}

/** `2026-03` → `2026年3月` */
export function monthLabel(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  return m ? `${m[1]}年${Number(m[2])}月` : month
}

const FIGURE_COLUMNS: TableColumn[] = [
  { key: 'cases', label: '案件数', numeric: true },
  { key: 'decided', label: '已作出决定', numeric: true },
  { key: 'overdue', label: '超期未办结', numeric: true },
  { key: 'decided_late', label: '超期作出决定', numeric: true },
  { key: 'average', label: '平均办理工作日', numeric: true },
]

function figureCells(row: CaseFigures): TableRow {
  return {
    cases: row.cases,
    decided: row.decided,
    overdue: row.overdue,
    decided_late: row.decided_late,
    average: formatAverage(row.average_working_days),
  }
}

const tooltip: TooltipComponentOption = { trigger: 'axis', confine: true }

function groupedBars(names: string[], rows: CaseFigures[], rotate: boolean): ChartOption {
  const series: Array<[string, keyof CaseFigures]> = [
    ['案件数', 'cases'],
    ['已作出决定', 'decided'],
    ['超期未办结', 'overdue'],
  ]
  return {
    color: COLOURS,
    tooltip,
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: rotate ? 96 : 40 },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: rotate ? 30 : 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map(([name, key]) => ({ name, type: 'bar', data: rows.map((r) => r[key] as number) })),
  }
}

export function unitPanel(stats: Statistics): ChartPanel {
  const rows = stats.by_unit
  return {
    key: 'units',
    title: '各单位办理情况',
    description: `柱状图：各单位的案件数、已作出决定数和超期未办结数，共 ${rows.length} 个单位`,
    option: groupedBars(rows.map((r) => shortUnitName(r.unit_name)), rows, rows.length > 4),
    columns: [{ key: 'name', label: '单位' }, ...FIGURE_COLUMNS],
    rows: rows.map((r) => ({ name: r.unit_name, ...figureCells(r) })),
  }
}

export function districtPanel(stats: Statistics): ChartPanel {
  const rows = stats.by_district
  return {
    key: 'districts',
    title: '各区办理情况',
    description: `柱状图：各区的案件数、已作出决定数和超期未办结数，共 ${rows.length} 个区`,
    option: groupedBars(rows.map((r) => r.district_name), rows, rows.length > 6),
    columns: [{ key: 'name', label: '区划' }, ...FIGURE_COLUMNS],
    rows: rows.map((r) => ({ name: r.district_name, ...figureCells(r) })),
  }
}

function typeBars(
  rows: RecordTypeFigures[],
  series: Array<[string, (r: RecordTypeFigures) => number | null]>,
  labelled = false,
): ChartOption {
  return {
    color: COLOURS,
    tooltip,
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    // the first type on top, as the tables list them
    yAxis: { type: 'category', data: rows.map((r) => r.record_type_label), inverse: true },
    series: series.map(([name, value]) => ({
      name,
      type: 'bar',
      data: rows.map((r) => value(r) ?? '-'),
      // a short bar (or none, at 0) still says its figure
      label: { show: labelled, position: 'right' },
    })),
  }
}

export function recordTypePanel(stats: Statistics): ChartPanel {
  const rows = stats.by_record_type
  return {
    key: 'types',
    title: '各类型案件数',
    description: '条形图：六类信用记录各自的案件数和已作出决定数',
    option: typeBars(rows, [
      ['案件数', (r) => r.cases],
      ['已作出决定', (r) => r.decided],
    ]),
    columns: [{ key: 'name', label: '类型' }, ...FIGURE_COLUMNS],
    rows: rows.map((r) => ({ name: r.record_type_label, ...figureCells(r) })),
  }
}

export function statusPanel(stats: Statistics): ChartPanel {
  const rows: StatusCount[] = stats.by_status
  const pie: PieSeriesOption = {
    name: '案件状态',
    type: 'pie',
    radius: ['35%', '65%'],
    top: 24,
    data: rows.map((r) => ({ name: r.status_label, value: r.cases })),
    label: { formatter: '{b}：{c}' },
  }
  return {
    key: 'statuses',
    title: '案件状态分布',
    description: `饼图：按当前状态划分的案件数，共 ${rows.length} 种状态`,
    option: { color: COLOURS, tooltip: { trigger: 'item', formatter: '{b}：{c} 件（{d}%）' }, legend: { top: 0, type: 'scroll' }, series: [pie] },
    columns: [
      { key: 'name', label: '状态' },
      { key: 'cases', label: '案件数', numeric: true },
    ],
    rows: rows.map((r) => ({ name: r.status_label, cases: r.cases })),
  }
}

export function overduePanel(stats: Statistics): ChartPanel {
  const rows = stats.by_record_type
  return {
    key: 'overdue',
    title: '超期情况',
    description: `条形图：各类型超期未办结和超期作出决定的案件数；超期未办结共 ${stats.overdue} 件，超期作出决定共 ${stats.decided_late} 件`,
    option: typeBars(rows, [
      ['超期未办结', (r) => r.overdue],
      ['超期作出决定', (r) => r.decided_late],
    ]),
    columns: [
      { key: 'name', label: '类型' },
      { key: 'overdue', label: '超期未办结', numeric: true },
      { key: 'decided_late', label: '超期作出决定', numeric: true },
    ],
    rows: [
      ...rows.map((r) => ({ name: r.record_type_label, overdue: r.overdue, decided_late: r.decided_late })),
      { name: '合计', overdue: stats.overdue, decided_late: stats.decided_late },
    ],
  }
}

export function averagePanel(stats: Statistics): ChartPanel {
  const rows = stats.by_record_type
  return {
    key: 'average',
    title: '平均办理工作日（受理至作出决定）',
    description: `条形图：各类型从受理到作出决定的平均工作日数；总平均 ${formatAverage(stats.average_handling_working_days)} 个工作日`,
    option: typeBars(rows, [['平均办理工作日', (r) => r.average_working_days]], true),
    columns: [
      { key: 'name', label: '类型' },
      { key: 'average', label: '平均办理工作日', numeric: true },
    ],
    rows: [
      ...rows.map((r) => ({ name: r.record_type_label, average: formatAverage(r.average_working_days) })),
      { name: '总平均', average: formatAverage(stats.average_handling_working_days) },
    ],
  }
}

export function monthlyPanel(stats: Statistics): ChartPanel {
  const rows: MonthFigures[] = stats.monthly
  const line = (name: string, data: number[]): LineSeriesOption => ({ name, type: 'line', data, smooth: false, symbolSize: 7 })
  return {
    key: 'monthly',
    title: '按月趋势',
    description: `折线图：统计期间内每月提交和作出决定的案件数，共 ${rows.length} 个月`,
    option: {
      color: COLOURS,
      tooltip,
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'category', data: rows.map((r) => monthLabel(r.month)), boundaryGap: false },
      yAxis: { type: 'value', minInterval: 1 },
      series: [line('提交', rows.map((r) => r.submitted)), line('作出决定', rows.map((r) => r.decided))],
    },
    columns: [
      { key: 'name', label: '月份' },
      { key: 'submitted', label: '提交案件数', numeric: true },
      { key: 'decided', label: '作出决定数', numeric: true },
    ],
    rows: rows.map((r) => ({ name: monthLabel(r.month), submitted: r.submitted, decided: r.decided })),
  }
}

/** Every chart of the page, in the order it shows them. */
export function chartPanels(stats: Statistics): ChartPanel[] {
  return [unitPanel(stats), districtPanel(stats), recordTypePanel(stats), statusPanel(stats),
    overduePanel(stats), averagePanel(stats), monthlyPanel(stats)]
}
