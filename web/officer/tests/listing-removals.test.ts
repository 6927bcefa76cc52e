import { describe, expect, it, vi } from 'vitest'
import { api } from '../src/api'
import {
  filingText, listingRemovals, pageCount, removedText, removeListing, type ListingRemoval,
} from '../src/api/listingRemovals'

const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) }) as never

const removal = (over: Partial<ListingRemoval> = {}): ListingRemoval => ({
  id: 'r1', record_id: 'rec1', record_type: 'abnormal_operation_list', record_type_label: '经营异常名录',
  listing_reason: 'false_information', listing_reason_label: '公示企业信息隐瞒真实情况、弄虚作假',
  listing_date: '2026-10-01', listing_unit_code: '44010601', listing_unit_name: '石牌所',
  listing_document_number: null, subject_code: '91440101MA5CXXXX0X', subject_name: '广州某某有限公司',
  filing: { kind: 'instant_info_correction', filed_on: '2026-12-06', report_year: null, agency: 'gd-gsxt', agency_name: '国家企业信用信息公示系统（广东）' },
  rule_version: '2025-12-25', basis: '《企业信息公示暂行条例》', removal: 'officer_confirmation',
  removal_label: '列入机关确认', status: 'pending', status_label: '可移出（待确认）', cured_at: null,
  decided_at: null, decided_by_name: null, document_number: null, version: 1, can_remove: true, ...over,
})

describe('可移出', () => {
  it('says which filing cured the listing, when and who told', () => {
    expect(filingText(removal().filing)).toBe('2026-12-06 更正公示信息（国家企业信用信息公示系统（广东）告知）')
    expect(filingText({ ...removal().filing, kind: 'annual_report', report_year: 2025 })).toContain('补报2025年度报告')
    expect(filingText({ ...removal().filing, kind: 'unknown', agency_name: '' })).toBe('2026-12-06 报送相关信息（gd-gsxt告知）')
  })

  it('names the decision number after a removal, when there is one', () => {
    expect(removedText(removal({ document_number: '穗天市监信移〔2026〕3号' }))).toBe(
      '已将广州某某有限公司移出经营异常名录，移出决定书文号：穗天市监信移〔2026〕3号')
    expect(removedText(removal())).toBe('已将广州某某有限公司移出经营异常名录')
  })

  it('counts a page, saying limit+ when the list goes on', () => {
    expect(pageCount({ items: [1, 2], next_cursor: null }, 100)).toBe('2')
    expect(pageCount({ items: Array(100).fill(0), next_cursor: 'c' }, 100)).toBe('100+')
  })

  it('asks for a status and a page, and removes by id', async () => {
    const get = vi.spyOn(api, 'GET').mockResolvedValue(ok({ items: [], next_cursor: null }))
    await listingRemovals('pending', null)
    expect(get).toHaveBeenLastCalledWith('/api/v1/officer/listing-removals', { params: { query: { limit: 20, status: 'pending' } } })
    await listingRemovals(null, 'c1', 100)
    expect(get).toHaveBeenLastCalledWith('/api/v1/officer/listing-removals', { params: { query: { limit: 100, cursor: 'c1' } } })
    get.mockRestore()
    const post = vi.spyOn(api, 'POST').mockResolvedValue(ok(removal({ status: 'removed' })))
    expect((await removeListing('r1')).status).toBe('removed')
    expect(post).toHaveBeenLastCalledWith('/api/v1/officer/listing-removals/{removal_id}/removal', {
      params: { path: { removal_id: 'r1' } },
    })
    post.mockRestore()
  })
})
