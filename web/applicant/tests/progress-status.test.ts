import { describe, expect, it } from 'vitest'
import {
  actorLabel,
  decidedAtLabel,
  canEdit,
  canWithdraw,
  documentFileName,
  messageRoute,
  returnReason,
  statusLabel,
  statusTone,
} from '../src/views/progress/statuses'
import type { TimelineEntry } from '@credit/shared'

const step = (to_status: string, note: string | null = null): TimelineEntry => ({
  occurred_at: '2026-11-23T02:00:00+00:00', from_status: null, to_status, to_status_label: '', actor: 'officer', note,
})

describe('an application state as the applicant reads it', () => {
  it("uses the API's label first, then DOMAIN.md's applicant-facing label", () => {
    expect(statusLabel('accepted', '已受理/核实中')).toBe('已受理/核实中')
    expect(statusLabel('accepted', '')).toBe('已受理/核实中')
    expect(statusLabel('pending_acceptance')).toBe('待受理')
    expect(statusLabel('returned', null)).toBe('退回')
    expect(statusLabel('repaired')).toBe('予以修复')
    expect(statusLabel('rejected')).toBe('不予修复')
    expect(statusLabel('not_accepted')).toBe('不予受理')
    expect(statusLabel('withdrawn')).toBe('已撤回')
    expect(statusLabel('something_new')).toBe('something_new')
  })

  it('knows every state intake gives, the temporary repairs of a reorganisation included', () => {
    expect(statusLabel('temporarily_repaired')).toBe('临时修复')
    expect(statusTone('temporarily_repaired')).toBe('success')
    expect(statusLabel('temporary_repair_ended')).toBe('临时修复已终止')
    expect(statusTone('temporary_repair_ended')).toBe('closed')
    // decided: nothing left to withdraw
    expect(canWithdraw('temporarily_repaired')).toBe(false)
    expect(canWithdraw('temporary_repair_ended')).toBe(false)
  })

  it('colours waiting, needs-action, success, refusal and closed states apart', () => {
    expect(statusTone('pending_acceptance')).toBe('waiting')
    expect(statusTone('accepted')).toBe('waiting')
    expect(statusTone('returned')).toBe('action')
    expect(statusTone('draft')).toBe('action')
    expect(statusTone('repaired')).toBe('success')
    expect(statusTone('rejected')).toBe('danger')
    expect(statusTone('not_accepted')).toBe('danger')
    expect(statusTone('repair_revoked')).toBe('danger')
    expect(statusTone('withdrawn')).toBe('closed')
    expect(statusTone('unknown')).toBe('closed')
  })

  it('allows withdrawal until a decision, and editing only of drafts and returned ones', () => {
    for (const open of ['submitted', 'pending_acceptance', 'accepted', 'returned']) {
      expect(canWithdraw(open)).toBe(true)
    }
    for (const closed of ['draft', 'not_accepted', 'repaired', 'rejected', 'withdrawn', 'repair_revoked',
      'no_repair_needed']) {
      expect(canWithdraw(closed)).toBe(false)
    }
    expect(canEdit('returned')).toBe(true)
    expect(canEdit('draft')).toBe(true)
    expect(canEdit('accepted')).toBe(false)
  })

  it('calls the time of a withdrawal its own name, not 办结', () => {
    expect(decidedAtLabel('withdrawn')).toBe('撤回时间')
    expect(decidedAtLabel('repaired')).toBe('办结时间')
  })
})

describe("the officer's reason for a return", () => {
  it('is the note of the latest step into returned, without intake\'s prefix', () => {
    const timeline = [step('submitted'), step('returned', '退回补正：请补充年报截图'), step('submitted'),
      step('returned', '退回补正：请补充 2025 年度报告公示截图')]
    expect(returnReason('returned', timeline)).toBe('请补充 2025 年度报告公示截图')
  })

  it('is none when the application is not returned or no reason was given', () => {
    expect(returnReason('accepted', [step('returned', '退回补正：x')])).toBeNull()
    expect(returnReason('returned', [step('returned', '退回补正')])).toBeNull()
    expect(returnReason('returned', [])).toBeNull()
  })
})

describe('small readings of API answers', () => {
  it("turns an inbox message's API link into the page of its application", () => {
    const id = '3f1c2a9e-1b2c-4d5e-8f90-123456789abc'
    expect(messageRoute(`/api/v1/applicant/applications/${id}`)).toBe(`/applications/${id}`)
    expect(messageRoute(`/applications/${id}`)).toBe(`/applications/${id}`)
    expect(messageRoute('https://evil.example/applications/x')).toBeNull()
    expect(messageRoute(null)).toBeNull()
    expect(messageRoute('/api/v1/officer/cases/XF-1')).toBeNull()
  })

  it("names a downloaded document after its number", () => {
    expect(documentFileName('穗天市监信修〔2026〕12号')).toBe('穗天市监信修〔2026〕12号.pdf')
    expect(documentFileName('a/b:c')).toBe('a_b_c.pdf')
    expect(documentFileName('')).toBe('文书.pdf')
  })

  it('names who took a step', () => {
    expect(actorLabel('officer')).toBe('办理机关')
    expect(actorLabel('applicant')).toBe('申请人')
    expect(actorLabel('x')).toBe('')
  })
})
