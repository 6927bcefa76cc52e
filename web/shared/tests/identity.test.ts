import { describe, expect, it } from 'vitest'
import { isMobilePhone, isRegistrationNumber, isResidentId, isSubjectCode, isUscc } from '../src/identity'

// valid values computed with python-stdnum (stdnum.cn.uscc, stdnum.iso7064.mod_11_10, stdnum.cn.ric)
describe('identifiers typed by an applicant', () => {
  it('accepts a USCC with its GB 32100 check character and refuses a typo', () => {
    expect(isUscc('91440106MA5C12345N')).toBe(true)
    expect(isUscc('91440106ma5c12345n')).toBe(true)
    expect(isUscc('91440106MA5C12345M')).toBe(false)
    expect(isUscc('91440106MA5C1234')).toBe(false)
    expect(isUscc('91440106MA5C1234IN')).toBe(false) // I is not in the alphabet
  })

  it('accepts a legacy 15-digit registration number (ISO 7064 MOD 11,10)', () => {
    expect(isRegistrationNumber('440106000000010')).toBe(true)
    expect(isRegistrationNumber('440106000000011')).toBe(false)
    expect(isSubjectCode('440106000000010')).toBe(true)
    expect(isSubjectCode('91440106MA5C12345N')).toBe(true)
    expect(isSubjectCode('12345')).toBe(false)
  })

  it('checks an 18-digit resident ID: birth date and check digit', () => {
    expect(isResidentId('11010519491231002X')).toBe(true)
    expect(isResidentId('110105194912310021')).toBe(false)
    expect(isResidentId('110105194902300023')).toBe(false) // 30 February
  })

  it('knows a mainland mobile number', () => {
    expect(isMobilePhone('13800000001')).toBe(true)
    expect(isMobilePhone('12800000001')).toBe(false)
  })
})
