import { describe, expect, it } from 'vitest'
import { formatChineseDate, formatDate, formatDateTime, formatYuan, todayInShanghai } from '../src/format'

describe('dates as read in mainland China', () => {
  it('shows a timestamp in Beijing time whatever its offset', () => {
    expect(formatDateTime('2026-11-23T10:00:00+08:00')).toBe('2026-11-23 10:00')
    expect(formatDateTime('2026-11-23T18:30:00Z')).toBe('2026-11-24 02:30')
  })

  it('keeps a calendar date as it is and dates a timestamp in Beijing', () => {
    expect(formatDate('2026-11-23')).toBe('2026-11-23')
    expect(formatDate('2026-11-23T17:00:00Z')).toBe('2026-11-24')
    expect(formatChineseDate('2026-01-05')).toBe('2026年1月5日')
    expect(todayInShanghai(new Date('2026-12-06T16:30:00Z'))).toBe('2026-12-07')
  })

  it('leaves what it cannot read as it came and an absent value empty', () => {
    expect(formatDateTime('not a date')).toBe('not a date')
    expect(formatDateTime(null)).toBe('')
  })

  it('writes yuan with thousands separators', () => {
    expect(formatYuan('5000.00')).toBe('5,000.00 元')
    expect(formatYuan('1234567.5')).toBe('1,234,567.50 元')
    expect(formatYuan(undefined)).toBe('')
  })
})
