import { describe, expect, it, vi } from 'vitest'
import type { ApplicationDetail, RegistryRecord } from '@credit/shared'
import { api } from '../src/api'
import {
  jurisdictionDistrict,
  listingReasonsFor,
  recordQuery,
  searchRecords,
  subjectCode,
  unitOfRecord,
  withdrawalProblems,
} from '../src/api/records'
import {
  changeCounterForm,
  formBody,
  formChanged,
  materialSlots,
  missingBeforeSubmit,
} from '../src/api/counter'
import { caseNumberOf, messageKindLabel, recipientLabel } from '../src/api/inbox'
import { useCursorPages } from '../src/composables/useCursorPages'

function record(overrides: Partial<RegistryRecord> = {}): RegistryRecord {
  return {
    id: 'r1', subject_id: 's1', record_type: 'abnormal_operation_list', record_type_label: '经营异常名录',
    publicity_state: 'active', publicity_state_label: '公示中', district_code: '440106',
    listing_reason: 'annual_report_overdue', listing_reason_label: '未按照规定的期限公示年度报告',
    listing_date: '2026-08-01', listing_unit_code: '44010601', listing_unit_name: '天河石牌所',
    listing_document_number: null, decision_number: null, decision_date: null, publicity_start_date: null,
    publicity_end_date: null, penalty_domain: null, penalty_domain_label: null, penalty_kinds: [],
    penalty_kind_labels: [], fine_amount: null, severe: false, deciding_unit_code: null,
    deciding_unit_name: null, obligations_fulfilled_on: null, source_agency: null, version: 1,
    ...overrides,
  }
}

describe('the per-type menu search', () => {
  it('covers the officer district, or the whole city for the city bureau', () => {
    expect(jurisdictionDistrict('44010601')).toBe('440106')
    expect(jurisdictionDistrict('44010690')).toBe('440106')
    expect(jurisdictionDistrict('440106')).toBe('440106')
    expect(jurisdictionDistrict('440100')).toBeUndefined()
    expect(jurisdictionDistrict(undefined)).toBeUndefined()
  })

  it('sends only what was filled in, codes upper-cased, and the page cursor', () => {
    expect(recordQuery('abnormal_operation_list', { subject_code: ' 91440106ma5c12345n ', name: '  天河 科技 ',
      listing_reason: '', date_from: '2026-01-01', date_to: '' }, '440106', 'c-2')).toEqual({
      record_type: 'abnormal_operation_list', limit: 20, subject_code: '91440106MA5C12345N', name: '天河 科技',
      date_from: '2026-01-01', district_code: '440106', cursor: 'c-2',
    })
    expect(recordQuery('penalty_publicity', {}, undefined, null)).toEqual({ record_type: 'penalty_publicity', limit: 20 })
  })

  it('offers the listing reasons of each list, none for penalties', () => {
    expect(listingReasonsFor('serious_illegal_list').map((r) => r.label)).toEqual([
      '实施严重违法失信行为', '被列入经营异常名录届满3年仍未履行相关义务'])
    expect(listingReasonsFor('cooperative_abnormal_list').map((r) => r.value)).toEqual([
      'annual_report_overdue', 'false_information', 'unreachable_address'])
    expect(listingReasonsFor('penalty_publicity')).toEqual([])
  })

  it('asks the officer records route with the query', async () => {
    const get = vi.spyOn(api, 'GET').mockResolvedValue({
      data: { items: [], next_cursor: null }, response: new Response(null, { status: 200 }),
    } as never)
    await searchRecords({ record_type: 'abnormal_operation_list', name: '天河' })
    expect(get).toHaveBeenCalledWith('/api/v1/officer/records', {
      params: { query: { record_type: 'abnormal_operation_list', name: '天河' } },
    })
    get.mockRestore()
  })

  it('knows which unit files a counter application for a record, as intake does', () => {
    const subject = { district_code: '440106' }
    expect(unitOfRecord(record(), subject)).toBe('44010601')
    expect(unitOfRecord(record({ record_type: 'penalty_publicity', listing_unit_code: null,
      deciding_unit_code: '44010602' }), subject)).toBe('44010602')
    expect(unitOfRecord(record({ record_type: 'other_department_penalty', listing_unit_code: null,
      deciding_unit_code: null }), subject)).toBe('44010690')
    // listed by the district bureau: its credit section decides, as workflow routes the case
    expect(unitOfRecord(record({ record_type: 'serious_illegal_list', listing_unit_code: '440106' }),
      subject)).toBe('44010690')
    expect(unitOfRecord(record({ record_type: 'penalty_publicity', listing_unit_code: null,
      deciding_unit_code: null, district_code: '440104' }), subject)).toBe('44010490')
    expect(subjectCode({ uscc: null, registration_number: '440106000012345' })).toBe('440106000012345')
  })
})

function detail(overrides: Partial<ApplicationDetail> = {}): ApplicationDetail {
  return {
    id: 'a1', acceptance_number: null, record_type: 'abnormal_operation_list', record_type_label: '经营异常名录',
    subject_uscc: '91440106MA5C12345N', subject_name: '广州测试有限公司', district_code: '440106',
    status: 'draft', status_label: '草稿', case_id: null, submitted_at: null, created_at: null, updated_at: null,
    decided_at: null, version: 2, record_ids: ['r1'], subject: null, records: [], form: {}, rule_version: '2021.1',
    materials: [], timeline: [], editable: true, facts_and_reasons_required: false,
    required_materials: [
      { kind: 'application_form', label: '信用修复申请书', provided: true },
      { kind: 'commitment', label: '信用承诺书', provided: false },
    ],
    signing: { required: false, content_hash: 'h', e_seal: false, legal_rep_signature: false,
      signature_alternative: null, complete: true },
    ...overrides,
  }
}

const file = (kind: string) => ({ id: kind, kind, kind_label: '', file_name: `${kind}.pdf`, content_type: 'application/pdf',
  size_bytes: 10, sha256: 'x', uploaded_at: null })

describe('the counter application page', () => {
  it('offers each required material, then 其他材料, with what is uploaded for it', () => {
    const slots = materialSlots(detail({ materials: [file('application_form'), file('other')] }))
    expect(slots.map((s) => [s.kind, s.required, s.files.length])).toEqual([
      ['application_form', true, 1], ['commitment', true, 0], ['other', false, 1]])
  })

  it('lists what still stands between the draft and 提交', () => {
    expect(missingBeforeSubmit(detail({ materials: [file('application_form')] }), {})).toEqual([
      '联系人', '联系电话', '信用承诺书'])
    const complete = detail({ materials: [file('application_form'), file('commitment')] })
    expect(missingBeforeSubmit(complete, { contact_name: '陈大文', contact_phone: '13900000000' })).toEqual([])
    expect(missingBeforeSubmit({ ...complete, facts_and_reasons_required: true },
      { contact_name: '陈大文', contact_phone: '13900000000', facts_and_reasons: '  ' })).toEqual(['事实和理由'])
  })

  it('sends the contact details trimmed, an empty one as null, with the version', async () => {
    expect(formBody({ contact_name: ' 陈大文 ', contact_phone: '', facts_and_reasons: undefined })).toEqual({
      contact_name: '陈大文', contact_phone: null, facts_and_reasons: null })
    expect(formChanged({ contact_name: '陈大文' }, { contact_name: '陈大文 ', contact_phone: '' })).toBe(false)
    expect(formChanged({}, { contact_phone: '13900000000' })).toBe(true)
    const patch = vi.spyOn(api, 'PATCH').mockResolvedValue({
      data: { id: 'a1', version: 3 }, response: new Response(null, { status: 200 }),
    } as never)
    await changeCounterForm('a1', { contact_name: '陈大文', contact_phone: '13900000000' }, 2)
    expect(patch).toHaveBeenCalledWith('/api/v1/officer/counter-applications/{application_id}', {
      params: { path: { application_id: 'a1' } },
      body: { contact_name: '陈大文', contact_phone: '13900000000', facts_and_reasons: null, version: 2 },
    })
    patch.mockRestore()
  })
})

describe('消息', () => {
  it('links a message to the case page by its acceptance number', () => {
    expect(caseNumberOf('/api/v1/officer/cases/XF-440106-20261123-000123')).toBe('XF-440106-20261123-000123')
    expect(caseNumberOf('/api/v1/applicant/applications/a1')).toBeNull()
    expect(caseNumberOf(null)).toBeNull()
    expect(messageKindLabel('case_escalation')).toBe('超期督办')
    expect(messageKindLabel('case_reminder')).toBe('到期提醒')
    expect(recipientLabel('unit:44010601')).toBe('本单位')
    expect(recipientLabel('officer:x')).toBe('本人')
  })
})

describe('paging by cursor', () => {
  it('goes forward with next_cursor and back with the cursors it kept', async () => {
    const answers: Record<string, { items: number[]; next_cursor: string | null }> = {
      start: { items: [1, 2], next_cursor: 'c2' },
      c2: { items: [3, 4], next_cursor: 'c3' },
      c3: { items: [5], next_cursor: null },
    }
    const asked: (string | null)[] = []
    const pages = useCursorPages<number>(async (cursor) => {
      asked.push(cursor)
      return answers[cursor ?? 'start']
    })
    await pages.first()
    await pages.nextPage()
    await pages.nextPage()
    expect(pages.items.value).toEqual([5])
    expect([pages.page.value, pages.hasNext.value, pages.hasPrevious.value]).toEqual([3, false, true])
    await pages.previousPage()
    expect(pages.items.value).toEqual([3, 4])
    await pages.first()
    expect(pages.page.value).toBe(1)
    expect(asked).toEqual([null, 'c2', 'c3', 'c2', null])
  })

  it('stays on the page when a load fails', async () => {
    let fail = false
    const pages = useCursorPages<number>(async () => (fail ? undefined : { items: [1], next_cursor: 'n' }))
    await pages.first()
    fail = true
    expect(await pages.nextPage()).toBe(false)
    expect([pages.page.value, pages.items.value]).toEqual([1, [1]])
  })
})

describe('withdrawing a penalty of ours', () => {
  const form = { ruling_kind: 'court_judgment' as const, ruling_number: '（2026）粤0106行初55号',
    ruling_date: '2026-12-01', reason: '判决撤销' }
  const file = new File(['%PDF-'], '判决书.pdf', { type: 'application/pdf' })

  it('sends a complete form with its file', () => {
    expect(withdrawalProblems(form, file, '2026-12-07')).toEqual([])
  })

  it('names every missing field and a ruling dated after today', () => {
    expect(withdrawalProblems({ ruling_kind: '', ruling_number: ' ', ruling_date: '', reason: '' }, null, '2026-12-07'))
      .toEqual(['请选择撤销依据', '请填写决定书或判决书文号', '请选择决定或判决日期', '请填写撤销理由', '请上传依据文书'])
    expect(withdrawalProblems({ ...form, ruling_date: '2026-12-08' }, file, '2026-12-07'))
      .toEqual(['决定或判决日期不能晚于今天'])
  })
})
