// Checks an applicant's typed identifiers the way the registry does, so a typo is caught as
// it is typed: USCC (GB 32100-2015), the legacy 15-digit registration number (ISO 7064
// MOD 11,10) and the 18-digit resident ID (GB 11643-1999).
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function isUscc(value: string): boolean {
  const code = value.trim().toUpperCase()
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(code[i]) * USCC_WEIGHTS[i]
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] === code[17]
}

export function isRegistrationNumber(value: string): boolean {
  const code = value.trim()
  if (!/^\d{15}$/.test(code)) return false
  let check = 5
  for (const digit of code) {
    check = (((check || 10) * 2) % 11 + Number(digit)) % 10
  }
  return check === 1
}

export function isSubjectCode(value: string): boolean {
  return isUscc(value) || isRegistrationNumber(value)
}

const RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const RIC_CHECK = '10X98765432'

export function isResidentId(value: string): boolean {
  const id = value.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(id)) return false
  const birth = id.slice(6, 14)
  const y = Number(birth.slice(0, 4)), m = Number(birth.slice(4, 6)), d = Number(birth.slice(6, 8))
  const date = new Date(Date.UTC(y, m - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * RIC_WEIGHTS[i]
  return RIC_CHECK[sum % 11] === id[17]
}

export function isMobilePhone(value: string): boolean {
  return /^1[3-9]\d{9}$/.test(value.trim())
}
