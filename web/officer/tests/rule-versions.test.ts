import { describe, expect, it } from 'vitest'
import { ApiFailure } from '@credit/shared'
import {
  cureText, DECIDE_TYPES, termRows, deadlineFieldWords, fieldProblems, otherProblems, versionState, workingDays,
} from '../src/api/admin'

const refusal = (details: Record<string, unknown>, message = '内容不符合要求') =>
  new ApiFailure(422, 'VALIDATION_FAILED', message, 'req1', details)

describe('a version\'s state', () => {
  const inForce = { version: 'b', effective_from: '2026-01-01' }
  it('is 现行, 待生效 or 已被替代', () => {
    expect(versionState(inForce, inForce, '2026-12-07')).toBe('现行')
    expect(versionState({ version: 'c', effective_from: '2027-01-01' }, inForce, '2026-12-07')).toBe('待生效')
    expect(versionState({ version: 'a', effective_from: '2021-01-01' }, inForce, '2026-12-07')).toBe('已被替代')
  })
})

describe('the fields an API refusal names', () => {
  it('reads the gateway\'s {field, type}, with a form\'s own words first', () => {
    const failure = refusal({ fields: [
      { field: 'rules.decide_working_days.penalty_publicity', type: 'greater_than_equal' },
      { field: 'version', type: 'string_too_short' },
      { field: 'rules.extra', type: 'extra_forbidden' },
    ] })
    expect(fieldProblems(failure, deadlineFieldWords)).toEqual({
      'rules.decide_working_days.penalty_publicity': '须为 1 至 60 之间的整数（工作日）',
      version: '不能为空',
      'rules.extra': '不允许的字段',
    })
  })

  it('reads intake\'s and disclosure\'s {field, message}, bare paths, unknown materials and one field', () => {
    expect(fieldProblems(refusal({ errors: [{ field: 'terms.record_types.penalty_publicity.term_years', message: '不得小于 1' }] })))
      .toEqual({ 'terms.record_types.penalty_publicity.term_years': '不得小于 1' })
    expect(fieldProblems(refusal({ fields: ['rules.term_months'], unknown_materials: ['x', 'y'] }))).toEqual({
      'rules.term_months': '不符合要求', materials: '未知的材料类型：x、y',
    })
    expect(fieldProblems(refusal({ field: 'effective_from' }, '新规则版本的生效日期必须晚于今天'))).toEqual({
      effective_from: '新规则版本的生效日期必须晚于今天',
    })
    expect(fieldProblems(null)).toEqual({})
    expect(fieldProblems(new ApiFailure(409, 'RULE_VERSION_EXISTS', '已存在'))).toEqual({})
  })

  it('lists what is not one of the form\'s own fields', () => {
    expect(otherProblems({ version: '不能为空', 'rules.x': '不允许的字段' }, ['version'])).toEqual(['rules.x：不允许的字段'])
  })
})

describe('deadline rules', () => {
  it('states each figure\'s limits, and nothing for fields that are not figures', () => {
    expect(deadlineFieldWords('rules.accept_working_days')).toBe('须为 1 至 20 之间的整数（工作日）')
    expect(deadlineFieldWords('rules.remind_working_days_before')).toBe('须为 0 至 10 之间的整数（工作日）')
    expect(deadlineFieldWords('version')).toBeUndefined()
    expect(deadlineFieldWords('rules.unknown')).toBeUndefined()
  })

  it('takes a typed figure as an integer, anything else as null for the API to name', () => {
    expect(workingDays(' 15 ')).toBe(15)
    expect(workingDays('0')).toBe(0)
    expect(workingDays('1.5')).toBeNull()
    expect(workingDays('')).toBeNull()
    expect(workingDays('十五')).toBeNull()
  })

  it('sets a decision limit for the six record types and the reorganisation', () => {
    expect(DECIDE_TYPES.map((t) => t.value)).toEqual([
      'serious_illegal_list', 'abnormal_operation_list', 'individual_abnormal_status',
      'cooperative_abnormal_list', 'penalty_publicity', 'other_department_penalty', 'bankruptcy_reorganisation',
    ])
    expect(DECIDE_TYPES.at(-1)?.label).toBe('破产重整期间临时信用修复')
  })
})

describe('publicity terms', () => {
  it('says what a term left out means', () => {
    expect(termRows({ term_years: null, escalates_to_serious_after_years: 3 }).map((r) => [r.label, r.value])).toEqual([
      ['公示期（年）', '不设期限，直至移出'],
      ['未履行义务满此年限转入严重违法失信名单', '3'],
    ])
    expect(termRows({ escalates_to_serious_after_years: 3 })[0]).toEqual({
      field: 'term_years', label: '公示期（年）', value: '不设期限，直至移出',
    })
  })

  it('says a cure rule in words', () => {
    expect(cureText({ filing: 'annual_report', record_type: 'abnormal_operation_list', listing_reason: 'annual_report_overdue', removal: 'immediate' }))
      .toBe('补报年度报告：经营异常名录（未按照规定的期限公示年度报告）→ 系统自动移出')
  })
})
