import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { SigningState } from '@credit/shared'
import { api } from '../src/api'

import {
  asksFactsAndReasons,
  materialSlots,
  missingSteps,
  submissionKey,
  submitApplication,
  type ApplicationDetail,
} from '../src/api/applications'

const unsigned: SigningState = {
  required: true, content_hash: 'h', e_seal: false, legal_rep_signature: false,
  signature_alternative: null, complete: false,
}

function detail(overrides: Partial<ApplicationDetail> = {}): ApplicationDetail {
  return {
    id: 'a1', acceptance_number: null, record_type: 'penalty_publicity', record_type_label: '行政处罚信息公示',
    subject_uscc: '91440106MA5C12345N', subject_name: '广州测试有限公司', district_code: '440106',
    status: 'draft', status_label: '草稿', case_id: null, submitted_at: null, created_at: null,
    updated_at: null, decided_at: null, version: 1, record_ids: ['r1'], subject: null, records: [],
    form: {}, rule_version: '2021.1', materials: [], timeline: [], editable: true,
    facts_and_reasons_required: true, deadlines: null,
    required_materials: [
      { kind: 'application_form', label: '信用修复申请书', provided: true },
      { kind: 'commitment', label: '信用承诺书', provided: false },
    ],
    signing: unsigned,
    ...overrides,
  }
}

describe('submitting once', () => {
  beforeEach(() => sessionStorage.clear())

  it('keeps one Idempotency-Key per version of a draft, so a retry submits once', () => {
    const first = submissionKey('a1', 3)
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    expect(submissionKey('a1', 3)).toBe(first)
    expect(submissionKey('a1', 4)).not.toBe(first)
    expect(submissionKey('a2', 3)).not.toBe(first)
  })

  it('sends the key with the submission', async () => {
    const post = vi.spyOn(api, 'POST').mockResolvedValue({
      data: { id: 'a1', acceptance_number: 'XF-440106-20261123-000001' },
      response: new Response(null, { status: 200 }),
    } as never)
    const answer = await submitApplication('a1', 'key-1')
    expect(answer.acceptance_number).toBe('XF-440106-20261123-000001')
    expect(post).toHaveBeenCalledWith('/api/v1/applicant/applications/{application_id}/submit', {
      params: { path: { application_id: 'a1' }, header: { 'Idempotency-Key': 'key-1' } },
    })
    post.mockRestore()
  })
})

describe('what the application page asks for', () => {
  it('offers the required materials, then the stand-in for the signature, then 其他材料', () => {
    expect(materialSlots(detail()).map((s) => s.kind)).toEqual(['application_form', 'commitment', 'other'])
    const abroad = detail({ signing: { ...unsigned, signature_alternative: 'legal_rep_document' } })
    expect(materialSlots(abroad).map((s) => [s.kind, s.label])).toEqual([
      ['application_form', '信用修复申请书'],
      ['commitment', '信用承诺书'],
      ['legal_rep_document', '法定代表人（负责人）身份证件'],
      ['other', '其他材料'],
    ])
  })

  it('asks for 事实和理由 where the rule version does, and keeps text typed before', () => {
    expect(asksFactsAndReasons(detail())).toBe(true)
    const list = { facts_and_reasons_required: false, form: {} }
    expect(asksFactsAndReasons(list)).toBe(false)
    expect(asksFactsAndReasons({ ...list, form: { facts_and_reasons: '已补报' } })).toBe(true)
  })

  it('lists what still stands between the draft and 提交', () => {
    expect(missingSteps(detail(), true)).toEqual([
      '填写联系人和联系电话', '填写事实和理由', '上传信用承诺书', '完成电子签章', '法定代表人扫码签名',
    ])
    const ready = detail({
      form: { contact_name: '陈大文', contact_phone: '13912345678', facts_and_reasons: '已缴清' },
      required_materials: [{ kind: 'commitment', label: '信用承诺书', provided: true }],
      signing: { ...unsigned, e_seal: true, legal_rep_signature: true, complete: true },
    })
    expect(missingSteps(ready, true)).toEqual([])
    const proof = detail({
      form: ready.form,
      required_materials: ready.required_materials,
      signing: { ...unsigned, e_seal: true, signature_alternative: 'special_circumstances_proof' },
    })
    expect(missingSteps(proof, true)).toEqual(['上传法定代表人无法签名的特殊情况证明材料'])
  })
})
