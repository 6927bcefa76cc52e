import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import ElementPlus from 'element-plus'
import { ApiFailure } from '@credit/shared'
import type { CasePage, CaseSummary } from '../src/api/cases'

// the case page and the todo list against a replaced api module
const calls = vi.hoisted(() => ({
  getCase: vi.fn(),
  actOnCase: vi.fn(),
  transferTargets: vi.fn(),
  listTodo: vi.fn(),
  fetchDocument: vi.fn(),
  fetchMaterial: vi.fn(),
}))
vi.mock('../src/api/cases', async (original) => ({ ...(await original<object>()), ...calls }))

import CaseView from '../src/views/case/CaseView.vue'
import TodoView from '../src/views/todo/TodoView.vue'
import DeadlineBadge from '../src/components/DeadlineBadge.vue'

const NUMBER = 'XF-440106-20261123-000001'

function summary(overrides: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id: 'c1', application_id: 'a1', acceptance_number: NUMBER, record_type: 'abnormal_operation_list',
    record_type_label: '经营异常名录', subject_uscc: '91440106MA5C12345N', subject_name: '广州天河测试科技有限公司',
    district_code: '440106', unit_code: '44010601', unit_name: '石牌市场监督管理所', status: 'pending_acceptance',
    status_label: '待受理', record_ids: ['r1'], submitted_at: '2026-11-23T02:00:00Z', opened_at: null,
    accept_due: '2026-11-25', decide_due: null, due: '2026-11-25', overdue: false, due_soon: true,
    handler_id: null, accepted_at: null, decided_at: null, closed_at: null, version: 1, ...overrides,
  }
}

function casePage(overrides: Partial<CasePage> = {}): CasePage {
  return {
    case: summary(), approval_form: [], documents: [], can_act: true, handler_name: null,
    allowed_actions: [
      { action: 'accept', label: '受理', needs_opinion: false },
      { action: 'not_accept', label: '不予受理', needs_opinion: true },
      { action: 'transfer', label: '转办', needs_opinion: true },
    ],
    application: {
      id: 'a1', acceptance_number: NUMBER, record_type: 'abnormal_operation_list', record_type_label: '经营异常名录',
      status: 'submitted', status_label: '待受理', submitted_at: '2026-11-23T02:00:00Z', subject: null, records: [],
      form: { contact_name: '陈大文' }, rule_version: '2021.1', materials: [], required_materials: [], eligibility: [],
    },
    ...overrides,
  }
}

let router: Router

async function open(path: string) {
  router = createRouter({
    history: createMemoryHistory('/workbench/'),
    routes: [
      { path: '/todo', name: 'todo', component: TodoView },
      { path: '/cases/:number', name: 'case', component: CaseView },
      { path: '/inbox', name: 'inbox', component: { template: '<p>消息</p>' } },
    ],
  })
  router.push(path)
  await router.isReady()
  const App = { template: '<RouterView />' }
  const wrapper = mount(App, { global: { plugins: [router, ElementPlus] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => Object.values(calls).forEach((f) => f.mockReset()))
afterEach(() => { document.body.innerHTML = '' })

describe('the case page', () => {
  it('offers only the allowed actions and asks for the reason a refusal needs', async () => {
    calls.getCase.mockResolvedValue(casePage())
    const wrapper = await open(`/cases/${NUMBER}`)
    const labels = wrapper.findAll('.actions__buttons button').map((b) => b.text())
    expect(labels).toEqual(['受理', '不予受理', '转办'])
    await wrapper.findAll('.actions__buttons button')[1].trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('“不予受理”须填写意见或理由')
    expect(calls.actOnCase).not.toHaveBeenCalled()
  })

  it('on 409 says what changed, reloads the case and keeps the typed opinion', async () => {
    calls.getCase.mockResolvedValueOnce(casePage())
    const wrapper = await open(`/cases/${NUMBER}`)
    await wrapper.find('#case-opinion').setValue('材料与登记信息不符')
    calls.actOnCase.mockRejectedValue(new ApiFailure(409, 'STALE_VERSION', '案件已被其他人员处理，请刷新后重试', 'r9',
      { current_status: 'accepted', current_version: 2 }))
    calls.getCase.mockResolvedValueOnce(casePage({
      case: summary({ status: 'accepted', status_label: '已受理（核实中）', version: 2 }),
      approval_form: [{ action: 'accept', action_label: '受理', from_status: 'pending_acceptance', to_status: 'accepted',
        officer_name: '林承办', unit_code: '44010601', unit_name: '石牌市场监督管理所', target_unit_code: null,
        target_unit_name: null, opinion: null, occurred_at: '2026-11-23T03:00:00Z' }],
      allowed_actions: [{ action: 'verify', label: '核实', needs_opinion: true }],
    }))
    const accept = wrapper.findAll('.actions__buttons button')[0]
    await accept.trigger('click')
    await flushPromises()
    expect(calls.actOnCase).toHaveBeenCalledWith(NUMBER, { action: 'accept', version: 1, opinion: '材料与登记信息不符' })
    expect(calls.getCase).toHaveBeenCalledTimes(2)
    const alert = wrapper.find('.case__changed')
    expect(alert.attributes('role')).toBe('alert')
    expect(alert.text()).toContain('当前状态为“已受理（核实中）”')
    expect(alert.text()).toContain('林承办')
    expect((wrapper.find('#case-opinion').element as HTMLTextAreaElement).value).toBe('材料与登记信息不符')
    expect(wrapper.findAll('.actions__buttons button').map((b) => b.text())).toEqual(['核实'])
  })

  it('shows a case of another unit read-only, without actions', async () => {
    calls.getCase.mockResolvedValue(casePage({ can_act: false, allowed_actions: [] }))
    const wrapper = await open(`/cases/${NUMBER}`)
    expect(wrapper.text()).toContain('您只能查看')
    expect(wrapper.find('#case-opinion').exists()).toBe(false)
  })
})

describe('我的待办', () => {
  it('searches from the URL and keeps the cursors to page back', async () => {
    calls.listTodo.mockResolvedValueOnce({ items: Array.from({ length: 20 }, (_, i) => summary({ id: `c${i}` })), next_cursor: 'k1' })
    const wrapper = await open('/todo?name=天河&overdue=1')
    expect(calls.listTodo).toHaveBeenLastCalledWith({ subject_name: '天河', overdue: true }, null)
    expect((wrapper.find('#todo-name').element as HTMLInputElement).value).toBe('天河')
    calls.listTodo.mockResolvedValueOnce({ items: [summary()], next_cursor: null })
    await wrapper.findAll('.todo__pager button')[1].trigger('click')
    await flushPromises()
    expect(calls.listTodo).toHaveBeenLastCalledWith({ subject_name: '天河', overdue: true }, 'k1')
    expect(wrapper.find('.todo__page').text()).toBe('第 2 页')
    calls.listTodo.mockResolvedValueOnce({ items: [summary()], next_cursor: 'k1' })
    await wrapper.findAll('.todo__pager button')[0].trigger('click')
    await flushPromises()
    expect(calls.listTodo).toHaveBeenLastCalledWith({ subject_name: '天河', overdue: true }, null)
    expect(wrapper.find('.todo__page').text()).toBe('第 1 页')
  })

  it('puts a new search in the URL and refuses a malformed code', async () => {
    calls.listTodo.mockResolvedValue({ items: [], next_cursor: null })
    const wrapper = await open('/todo')
    await wrapper.find('#todo-code').setValue('1234')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.text()).toContain('请输入正确的18位统一社会信用代码或15位注册号')
    await wrapper.find('#todo-code').setValue('')
    await wrapper.find('#todo-number').setValue(NUMBER)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ number: NUMBER })
    expect(calls.listTodo).toHaveBeenLastCalledWith({ acceptance_number: NUMBER }, null)
  })
})

describe('the deadline badge', () => {
  it('says 已超期 before 即将超期', () => {
    const badge = (props: object) => mount(DeadlineBadge, { props: { due: '2026-11-25', ...props },
      global: { plugins: [ElementPlus] } }).text()
    expect(badge({ overdue: true, dueSoon: true })).toBe('2026-11-25已超期')
    expect(badge({ dueSoon: true })).toBe('2026-11-25即将超期')
    expect(badge({})).toBe('2026-11-25')
  })
})
