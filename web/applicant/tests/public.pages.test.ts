import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import Vant from 'vant'
import { ApiFailure, type RecordHit, type RegistryRecord, type RegistrySubject } from '@credit/shared'

// the pages against a replaced api module: what a person sees for each answer
const calls = vi.hoisted(() => ({
  searchRecords: vi.fn(),
  lookupSubject: vi.fn(),
  getRecord: vi.fn(),
  verifyByCode: vi.fn(),
  verifyByFile: vi.fn(),
}))
vi.mock('../src/api/public', () => ({ ...calls, SEARCH_PAGE_SIZE: 20 }))

import PublicSearchView from '../src/views/public/PublicSearchView.vue'
import PublicSubjectView from '../src/views/public/PublicSubjectView.vue'
import VerifyView from '../src/views/public/VerifyView.vue'

const USCC = '91440106MA5C12345N'

function subject(overrides: Partial<RegistrySubject> = {}): RegistrySubject {
  return {
    id: 's-1', uscc: USCC, registration_number: null, name: '广州天河测试科技有限公司', kind: 'enterprise',
    kind_label: '企业', district_code: '440106', registration_unit_code: '44010601',
    registration_unit_name: '广州市天河区市场监督管理局石牌市场监督管理所', address: '广州市天河区天河路 1 号',
    registration_status: 'active', registration_status_label: '存续（在营、开业、在册）',
    legal_representative: { name: '陈大文', document_type: 'resident_id', document_type_label: '居民身份证',
      document_number: '4401************12', phone: '139****5678' },
    liaison_phone: '', proof_material_mode: false, personal_data_masked: true, ...overrides,
  }
}

function record(overrides: Partial<RegistryRecord> = {}): RegistryRecord {
  return {
    id: 'r-1', subject_id: 's-1', record_type: 'abnormal_operation_list', record_type_label: '经营异常名录',
    publicity_state: 'active', publicity_state_label: '公示中', district_code: '440106',
    listing_reason: 'annual_report_overdue', listing_reason_label: '未按照规定的期限公示年度报告',
    listing_date: '2025-03-01', listing_unit_code: '44010601', listing_unit_name: '广州市天河区市场监督管理局石牌市场监督管理所',
    listing_document_number: '穗天市监异〔2025〕12号', decision_number: null, decision_date: null,
    publicity_start_date: null, publicity_end_date: null, penalty_domain: null, penalty_domain_label: null,
    penalty_kinds: [], penalty_kind_labels: [], fine_amount: null, severe: false, deciding_unit_code: null,
    deciding_unit_name: null, obligations_fulfilled_on: null, source_agency: null, version: 1, ...overrides,
  }
}

function item(id: string): RecordHit {
  return { record: record({ id }), subject: subject() }
}

function notFound(code: string, message: string) {
  return new ApiFailure(404, code, message, 'req-404')
}

let router: Router

async function open(path: string, component: object) {
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/public/search', name: 'public-search', component: PublicSearchView },
      { path: '/public/subjects/:code', name: 'public-subject', component: PublicSubjectView },
      { path: '/verify', name: 'verify', component: VerifyView },
      { path: '/', name: 'home', component: { template: '<p>home</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(component, { global: { plugins: [router, Vant] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => Object.values(calls).forEach((c) => c.mockReset()))
afterEach(() => {
  document.body.innerHTML = ''
})
// Vant's nav bar measures itself up to 300 ms after mounting: let it, before jsdom goes away
afterAll(() => new Promise((resolve) => setTimeout(resolve, 350)))

describe('信用信息查询', () => {
  it('opens the subject page straight away for a valid code, without searching', async () => {
    const page = await open('/public/search', PublicSearchView)
    await page.find('#public-search-term').setValue(` ${USCC.toLowerCase()} `)
    await page.find('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe(`/public/subjects/${USCC}`)
    expect(calls.searchRecords).not.toHaveBeenCalled()
  })

  it('refuses a code with a wrong check character', async () => {
    const page = await open('/public/search', PublicSearchView)
    await page.find('#public-search-term').setValue('91440106MA5C12345M')
    await page.find('form').trigger('submit')
    await flushPromises()
    expect(page.text()).toContain('统一社会信用代码或注册号格式或校验位错误')
    expect(calls.searchRecords).not.toHaveBeenCalled()
  })

  it('searches by name terms and a type, lists results, loads the next page by cursor', async () => {
    calls.searchRecords
      .mockResolvedValueOnce({ items: [item('r-1'), item('r-2')], next_cursor: 'r-2' })
      .mockResolvedValueOnce({ items: [item('r-3')], next_cursor: null })
    const page = await open('/public/search', PublicSearchView)
    await page.find('#public-search-term').setValue('天河 科技')
    await page.find('#public-search-type').setValue('abnormal_operation_list')
    await page.find('form').trigger('submit')
    await flushPromises()
    expect(calls.searchRecords).toHaveBeenCalledWith(
      { q: '天河 科技', type: 'abnormal_operation_list', district: undefined, listedFrom: undefined, listedTo: undefined },
    )
    expect(router.currentRoute.value.query).toEqual({ q: '天河 科技', type: 'abnormal_operation_list' })
    expect(page.findAll('.search-result')).toHaveLength(2)
    expect(page.text()).toContain('经营异常名录')
    expect(page.text()).toContain('列入日期 2025-03-01')

    const more = page.findAll('button').find((b) => b.text().includes('加载更多'))!
    await more.trigger('click')
    await flushPromises()
    expect(calls.searchRecords).toHaveBeenLastCalledWith(expect.objectContaining({ q: '天河 科技' }), 'r-2')
    expect(page.findAll('.search-result')).toHaveLength(3)
    expect(page.text()).toContain('已显示全部结果')
  })

  it('says when nothing matches, and shows a failure with its request id', async () => {
    calls.searchRecords.mockResolvedValueOnce({ items: [], next_cursor: null })
    const page = await open('/public/search?q=不存在', PublicSearchView)
    expect(page.text()).toContain('未找到符合条件的公示记录')

    calls.searchRecords.mockRejectedValueOnce(new ApiFailure(422, 'TOO_MANY_TERMS', '名称检索词最多 5 个', 'req-7'))
    await page.find('form').trigger('submit')
    await flushPromises()
    expect(page.find('[role="alert"]').text()).toBe('名称检索词最多 5 个（请求编号 req-7）')
  })
})

describe('主体信用信息', () => {
  it('shows the subject as the API masks it and opens a record history once', async () => {
    calls.lookupSubject.mockResolvedValue({ subject: subject(), records: [record()] })
    calls.getRecord.mockResolvedValue({
      record: record(), subject: subject(),
      history: [{ from_state: null, to_state: 'active', cause_kind: 'import', cause_ref: 'x', note: '', occurred_at: '2025-03-01T02:00:00+00:00' }],
    })
    const page = await open(`/public/subjects/${USCC}`, PublicSubjectView)
    expect(calls.lookupSubject).toHaveBeenCalledWith(USCC)
    expect(page.text()).toContain('4401************12')
    expect(page.text()).toContain('139****5678')
    expect(page.text()).toContain('未按照规定的期限公示年度报告')

    const toggle = page.find('button[aria-expanded]')
    await toggle.trigger('click')
    await flushPromises()
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(page.text()).toContain('2025-03-01 10:00')
    expect(page.text()).toContain('列入公示')
    await toggle.trigger('click')
    await toggle.trigger('click')
    await flushPromises()
    expect(calls.getRecord).toHaveBeenCalledTimes(1)
  })

  it('shows 未找到该主体 for a code the registry does not hold', async () => {
    calls.lookupSubject.mockRejectedValue(notFound('SUBJECT_NOT_FOUND', '未找到该市场主体'))
    const page = await open(`/public/subjects/${USCC}`, PublicSubjectView)
    expect(page.find('h2').text()).toBe('未找到该主体')
    expect(page.text()).toContain('请求编号 req-404')
  })

  it("shows a penalty's 信用修复告知书 with its download and its verification", async () => {
    const notice = {
      kind: 'repair_notice', kind_label: '信用修复告知书', number: '穗天市监信告〔2026〕8号',
      issued_on: '2026-12-07', verification_code: 'A1B2C3D4E5F6',
    }
    calls.lookupSubject.mockResolvedValue({
      subject: subject(),
      records: [
        record({ id: 'r-1' }),
        record({
          id: 'r-2', record_type: 'penalty_publicity', record_type_label: '行政处罚信息公示',
          listing_reason: null, listing_reason_label: null, listing_date: null, listing_unit_code: null,
          listing_unit_name: null, listing_document_number: null, decision_number: '穗天市监处罚〔2026〕41号',
          decision_date: '2026-12-04', deciding_unit_code: '44010601', documents: [notice],
        }),
      ],
    })
    const page = await open(`/public/subjects/${USCC}`, PublicSubjectView)
    const lists = page.findAll('ul[aria-label="随附文书"]')
    expect(lists).toHaveLength(1)
    expect(lists[0].text()).toContain('信用修复告知书')
    expect(lists[0].text()).toContain('穗天市监信告〔2026〕8号（2026-12-07）')
    expect(lists[0].find('a[href]').attributes('href')).toBe('/api/v1/public/documents/pdf?code=A1B2C3D4E5F6')
    const verify = lists[0].findAll('a').find((a) => a.text() === '核验')!
    await verify.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/verify?code=A1B2C3D4E5F6')
  })

  it('does not ask for a code that cannot be one', async () => {
    const page = await open('/public/subjects/91440106MA5C12345M', PublicSubjectView)
    expect(page.text()).toContain('统一社会信用代码或注册号有误')
    expect(calls.lookupSubject).not.toHaveBeenCalled()
  })
})

describe('文书核验', () => {
  const issued = {
    number: '穗天市监信修〔2026〕3号', kind: 'repair_decision', title: '准予信用修复决定书',
    subject_name: '广州天河测试科技有限公司', subject_code: USCC, issued_on: '2026-01-05', sha256: 'ab',
  }

  it('checks the code from the QR link and says 真实有效 with the document number', async () => {
    calls.verifyByCode.mockResolvedValue(issued)
    const page = await open('/verify?code=1a2b3c4d5e6f', VerifyView)
    expect(calls.verifyByCode).toHaveBeenCalledWith('1A2B3C4D5E6F')
    expect(page.text()).toContain('真实有效')
    expect(page.text()).toContain('穗天市监信修〔2026〕3号')
    expect(page.text()).toContain('2026年1月5日')
  })

  it('says an unknown code is not an issued document', async () => {
    calls.verifyByCode.mockRejectedValue(notFound('DOCUMENT_NOT_FOUND', '未找到与之相符的文书'))
    const page = await open('/verify?code=NOSUCHCODE', VerifyView)
    expect(page.text()).toContain('未查询到该文书')
    expect(page.text()).toContain('无法确认为真实有效的文书')
    expect(page.text()).not.toContain('真实有效。')
  })

  it('takes a typed code into the address, and checks an uploaded file', async () => {
    const page = await open('/verify', VerifyView)
    await page.find('#verify-code').setValue('12')
    await page.find('form').trigger('submit')
    expect(page.text()).toContain('请输入文书上印制的验证码')
    calls.verifyByCode.mockResolvedValue(issued)
    await page.find('#verify-code').setValue('1a2b 3c4d 5e6f')
    expect((page.find('#verify-code').element as HTMLInputElement).value).toBe('1A2B3C4D5E6F')
    await page.find('form').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ code: '1A2B3C4D5E6F' })
    expect(page.text()).toContain('真实有效')

    calls.verifyByFile.mockRejectedValue(notFound('DOCUMENT_NOT_FOUND', '未找到与之相符的文书'))
    const fresh = await open('/verify', VerifyView)
    const input = fresh.find('#verify-file')
    Object.defineProperty(input.element, 'files', { value: [new File(['%PDF-1.4'], '决定书.pdf', { type: 'application/pdf' })] })
    await input.trigger('change')
    await flushPromises()
    expect(calls.verifyByFile).toHaveBeenCalledTimes(1)
    expect(fresh.text()).toContain('没有与该文件完全一致的签发文书')
  })
})
