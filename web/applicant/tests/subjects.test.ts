import { describe, expect, it } from 'vitest'
import { documentNumberProblem, maskDocument, recordTitle, subjectCodeProblem } from '../src/api/subjects'
import { DOCUMENT_TYPES, documentTypeLabel, isRecordType, RECORD_TYPES, recordTypeLabel, REPAIR_ITEMS, subjectCode } from '../src/labels'

// valid values computed with python-stdnum (as in shared/tests/identity.test.ts)
const USCC = '91440106MA5C12345N'
const REGISTRATION_NUMBER = '440106000000010'

describe('a subject typed in by hand', () => {
  it('refuses a USCC typo as soon as all 18 characters are there', () => {
    expect(subjectCodeProblem(USCC, false)).toBe('')
    expect(subjectCodeProblem('91440106MA5C12345M', false)).toBe('统一社会信用代码或注册号校验位错误，请核对')
    expect(subjectCodeProblem('91440106ma5c12345n', false)).toBe('')
  })

  it('waits while the code is being typed and judges it once the field is left', () => {
    expect(subjectCodeProblem('91440106MA5', false)).toBe('')
    expect(subjectCodeProblem('91440106MA5C123', false)).toBe('') // 15 characters of a USCC
    expect(subjectCodeProblem('91440106MA5', true)).toBe('请输入 18 位统一社会信用代码或 15 位注册号')
    expect(subjectCodeProblem('', true)).toBe('请填写统一社会信用代码或注册号')
  })

  it('accepts the legacy 15-digit registration number', () => {
    expect(subjectCodeProblem(REGISTRATION_NUMBER, true)).toBe('')
    expect(subjectCodeProblem('440106000000011', true)).toBe('统一社会信用代码或注册号校验位错误，请核对')
  })

  it('checks a resident ID and leaves other documents to the registry', () => {
    expect(documentNumberProblem('resident_id', '11010519491231002X', false)).toBe('')
    expect(documentNumberProblem('resident_id', '11010519491231002x', false)).toBe('')
    expect(documentNumberProblem('resident_id', '110105194912310021', false)).toBe('居民身份证号码校验位错误，请核对')
    expect(documentNumberProblem('resident_id', '1101051949', false)).toBe('')
    expect(documentNumberProblem('resident_id', '1101051949', true)).toBe('居民身份证号码应为 18 位')
    expect(documentNumberProblem('passport', 'E12345678', true)).toBe('')
    expect(documentNumberProblem('passport', ' ', true)).toBe('请填写证件号码')
  })

  it('offers every document type of the vocabulary, resident ID first, in Chinese', () => {
    expect(DOCUMENT_TYPES.map((d) => d.value)).toEqual([
      'resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit',
      'hk_macao_taiwan_residence_permit', 'foreign_permanent_residence',
    ])
    expect(DOCUMENT_TYPES.every((d) => /[\u4e00-\u9fff]/.test(d.label))).toBe(true)
    // a code the vocabulary does not know is shown as it came
    expect([documentTypeLabel('passport'), documentTypeLabel('visa'), documentTypeLabel('toString'), documentTypeLabel(null)])
      .toEqual(['护照', 'visa', 'toString', ''])
  })
})

describe('what the pages show of a subject and its records', () => {
  it('masks an ID number as the platform does: first 4 and last 2', () => {
    expect(maskDocument('44010619900101123X')).toBe('4401************3X')
    expect(maskDocument('H1234')).toBe('*****')
    expect(maskDocument(null)).toBe('')
  })

  it('knows a subject by its USCC, else its registration number', () => {
    expect(subjectCode({ uscc: USCC, registration_number: REGISTRATION_NUMBER })).toBe(USCC)
    expect(subjectCode({ uscc: null, registration_number: REGISTRATION_NUMBER })).toBe(REGISTRATION_NUMBER)
  })

  it('names a record by its decision or listing document number', () => {
    expect(recordTitle({ decision_number: '穗天市监处罚〔2025〕1号', listing_document_number: null, record_type_label: '行政处罚信息公示' }))
      .toBe('穗天市监处罚〔2025〕1号')
    expect(recordTitle({ decision_number: null, listing_document_number: '穗天市监异〔2024〕2号', record_type_label: '经营异常名录' }))
      .toBe('穗天市监异〔2024〕2号')
    expect(recordTitle({ decision_number: null, listing_document_number: null, record_type_label: '经营异常名录' }))
      .toBe('经营异常名录')
  })

  it('offers the six record types of the vocabulary', () => {
    expect(RECORD_TYPES.map((t) => t.value).sort()).toEqual([
      'abnormal_operation_list', 'cooperative_abnormal_list', 'individual_abnormal_status',
      'other_department_penalty', 'penalty_publicity', 'serious_illegal_list',
    ])
    expect(isRecordType('penalty_publicity')).toBe(true)
    expect(isRecordType('penalty')).toBe(false)
  })

  it('names a penalty of this department apart from one of another where the applicant picks', () => {
    expect(REPAIR_ITEMS.map((t) => t.code)).toEqual(RECORD_TYPES.map((t) => t.value))
    expect(REPAIR_ITEMS.find((t) => t.code === 'penalty_publicity')?.label).toBe('行政处罚信息公示（本部门）')
    expect(recordTypeLabel('penalty_publicity')).toBe('行政处罚信息公示（本部门）')
    expect(recordTypeLabel('abnormal_operation_list')).toBe('经营异常名录')
    expect(recordTypeLabel('penalty')).toBe('penalty')
  })
})
