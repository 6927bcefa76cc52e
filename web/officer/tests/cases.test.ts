import { afterEach, describe, expect, it, vi } from 'vitest'
import { api } from '../src/api'
import { actOnCase, caseCounts, listTodo, transferTargets, type CasePage } from '../src/api/cases'
import { caseNumberOf } from '../src/api/inbox'
import { countCards } from '../src/views/home/countCards'
import { describeChange, pauseText } from '../src/views/case/caseMessages'
import { filtersFromQuery, queryFromFilters } from '../src/views/todo/todoQuery'

const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) })

afterEach(() => vi.restoreAllMocks())

describe('the cases api module', () => {
  it('asks for a todo page with only the filters set, and the cursor', async () => {
    const get = vi.spyOn(api, 'GET').mockResolvedValue(ok({ items: [], next_cursor: null }) as never)
    await listTodo({ subject_name: '天河', overdue: false, due_soon: true, status: '' }, '2026-12-01|abc')
    expect(get).toHaveBeenCalledWith('/api/v1/officer/cases', {
      params: { query: { limit: 20, subject_name: '天河', due_soon: true, cursor: '2026-12-01|abc' } },
    })
  })

  it('reads the counts, acts with the version seen and lists the transfer targets', async () => {
    vi.spyOn(api, 'GET').mockResolvedValueOnce(ok({ by_status: { accepted: 2 }, overdue: 1, due_soon: 0 }) as never)
    expect((await caseCounts()).overdue).toBe(1)
    const post = vi.spyOn(api, 'POST').mockResolvedValue(ok({ status: 'accepted', version: 3 }) as never)
    await actOnCase('XF-440106-20261123-000001', { action: 'not_accept', version: 2, opinion: '材料不全' })
    expect(post).toHaveBeenCalledWith('/api/v1/officer/cases/{acceptance_number}/actions', {
      params: { path: { acceptance_number: 'XF-440106-20261123-000001' } },
      body: { action: 'not_accept', version: 2, opinion: '材料不全' },
    })
    vi.spyOn(api, 'GET').mockResolvedValueOnce(ok({ items: [{ code: '44010602', name: '天河南所' }], next_cursor: null }) as never)
    expect(await transferTargets('XF-440106-20261123-000001')).toEqual([{ code: '44010602', name: '天河南所' }])
  })

  it('raises the API failure of a stale action with its code', async () => {
    vi.spyOn(api, 'POST').mockResolvedValue({
      error: { code: 'STALE_VERSION', message: '案件已被其他人员处理，请刷新后重试', request_id: 'r1',
        details: { current_status: 'accepted', current_version: 3 } },
      response: new Response(null, { status: 409 }),
    } as never)
    await expect(actOnCase('XF-1', { action: 'accept', version: 1 })).rejects.toMatchObject({
      status: 409, code: 'STALE_VERSION', details: { current_status: 'accepted' },
    })
  })
})

describe('我的待办 in the address bar', () => {
  it('goes there and back', () => {
    const filters = { acceptance_number: 'XF-440106-20261123-000001', subject_name: '天河',
      record_type: 'abnormal_operation_list' as const, status: 'under_review,second_review',
      uscc: '91440106MA5C12345N', overdue: true, due_soon: true }
    const query = queryFromFilters(filters)
    expect(query).toEqual({ number: 'XF-440106-20261123-000001', name: '天河', type: 'abnormal_operation_list',
      status: 'under_review,second_review', code: '91440106MA5C12345N', overdue: '1', due_soon: '1' })
    expect(filtersFromQuery(query as never)).toEqual(filters)
  })

  it('drops what it does not know and tidies what it does', () => {
    expect(filtersFromQuery({ type: 'nonsense', status: 'flying', code: ' 91440106ma5c12345n ',
      overdue: '0', name: ['  天河 ', 'x'] })).toEqual({ uscc: '91440106MA5C12345N', subject_name: '天河' })
    expect(queryFromFilters({})).toEqual({})
  })
})

describe('the home page cards', () => {
  it('count each step and open the matching search', () => {
    const cards = countCards({ by_status: { pending_acceptance: 3, under_review: 2, second_review: 1,
      under_approval: 4, closed: 9 }, overdue: 5, due_soon: 6 }, ['handler'])
    expect(cards.map((c) => [c.label, c.count])).toEqual([
      ['待受理', 3], ['待审核', 2], ['待复审', 1], ['待审批', 4], ['即将超期', 6], ['已超期', 5]])
    expect(filtersFromQuery(cards[1].query as never)).toEqual({ status: 'under_review' })
    expect(filtersFromQuery(cards[2].query as never)).toEqual({ status: 'second_review' })
    expect(filtersFromQuery(cards[4].query as never)).toEqual({ due_soon: true })
    expect(filtersFromQuery(cards[5].query as never)).toEqual({ overdue: true })
  })

  it('show the steps of the officer\'s roles, and any other step that counts something', () => {
    const labels = (byStatus: Record<string, number>, roles: Parameters<typeof countCards>[1]) =>
      countCards({ by_status: byStatus, overdue: 0, due_soon: 0 }, roles).map((c) => c.label)
    expect(labels({}, ['reviewer'])).toEqual(['待审核', '即将超期', '已超期'])
    expect(labels({}, ['section_head', 'approver'])).toEqual(['待复审', '待审批', '即将超期', '已超期'])
    expect(labels({ under_approval: 1 }, ['handler'])).toEqual(['待受理', '待审批', '即将超期', '已超期'])
    expect(labels({}, ['handler', 'reviewer', 'approver'])).toEqual(['待受理', '待审核', '待审批', '即将超期', '已超期'])
  })

  it('link a reminder to its case', () => {
    expect(caseNumberOf('/api/v1/officer/cases/XF-440106-20261123-000001')).toBe('XF-440106-20261123-000001')
    expect(caseNumberOf(null)).toBeNull()
    expect(caseNumberOf('/api/v1/officer/inbox')).toBeNull()
  })
})

describe('a conflict', () => {
  it('says what the case is now and who acted last, and that the opinion was kept', () => {
    const page = {
      case: { status_label: '已受理（核实中）' },
      approval_form: [{ action: 'accept', action_label: '受理', officer_name: '黄承办',
        unit_name: '广州市天河区市场监督管理局石牌市场监督管理所', target_unit_name: null,
        occurred_at: '2026-11-23T02:00:00Z' }],
    } as unknown as CasePage
    const text = describeChange(page)
    expect(text).toContain('当前状态为“已受理（核实中）”')
    expect(text).toContain('最近一步：受理，广州市天河区市场监督管理局石牌市场监督管理所 黄承办，2026-11-23 10:00')
    expect(text).toContain('您填写的意见已保留')
  })
})

describe('a case returned for correction', () => {
  it('says how long its clock has stood still and what it keeps', () => {
    const waiting = { paused: true, paused_since: '2026-09-29T02:00:00Z', paused_working_days: 5,
      paused_working_days_left: 9, pause_count: 1 }
    expect(pauseText(waiting)).toBe(
      '退回补正 1 次，共暂停 5 个工作日；自 2026-09-29 10:00 起等待申请人补正；重新提交后剩余 9 个工作日')
    expect(pauseText({ ...waiting, paused_working_days_left: null })).not.toContain('剩余')
    expect(pauseText({ paused: false, paused_since: null, paused_working_days: 3,
      paused_working_days_left: null, pause_count: 2 })).toBe('退回补正 2 次，共暂停 3 个工作日')
  })
})
