import { describe, expect, it, vi } from 'vitest'
import { api } from '../src/api'
import {
  DAY_SOURCE_LABELS,
  isFutureDate,
  listOfficers,
  roleLabels,
  ruleRows,
  ruleWord,
  setProofMaterialMode,
  versionInForce,
  weekdayOf,
  type RuleVersionEntry,
} from '../src/api/admin'

const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) }) as never

describe('officers', () => {
  it('names the roles in Chinese', () => {
    expect(roleLabels(['handler', 'reviewer', 'administrator'])).toBe('承办人、审核人、管理员')
  })

  it('asks for a page of the officers in scope, the search left out when empty', async () => {
    const get = vi.spyOn(api, 'GET').mockResolvedValue(ok({ items: [], next_cursor: null }))
    await listOfficers('  ', null)
    expect(get).toHaveBeenLastCalledWith('/api/v1/admin/officers', { params: { query: { limit: 20 } } })
    await listOfficers(' 黄 ', 'c1', 50)
    expect(get).toHaveBeenLastCalledWith('/api/v1/admin/officers', {
      params: { query: { q: '黄', cursor: 'c1', limit: 50 } },
    })
    get.mockRestore()
  })
})

const version = (v: string, effective_from: string): RuleVersionEntry => ({
  version: v, effective_from, source: 's', rules: { record_types: {} }, created_at: '', created_by: null,
})

describe('rule versions', () => {
  it('takes effect only after today (Beijing)', () => {
    expect(isFutureDate('2026-12-08', '2026-12-07')).toBe(true)
    expect(isFutureDate('2026-12-07', '2026-12-07')).toBe(false)
    expect(isFutureDate('2020-01-01', '2026-12-07')).toBe(false)
    expect(isFutureDate('', '2026-12-07')).toBe(false)
    expect(isFutureDate('2027-1-1', '2026-12-07')).toBe(false)
  })

  it('finds the version in force on a day', () => {
    const versions = [version('2026.1', '2026-04-01'), version('2021.1', '2021-07-30'), version('2027.1', '2027-01-01')]
    expect(versionInForce(versions, '2026-12-07')?.version).toBe('2026.1')
    expect(versionInForce(versions, '2026-03-31')?.version).toBe('2021.1')
    expect(versionInForce(versions, '2020-01-01')).toBeUndefined()
  })

  it('reads a type rule as rows of Chinese words', () => {
    const rows = ruleRows({
      article: '第十三条',
      min_publicity_months: 6,
      min_publicity_months_by_domain: { food: 12, drugs: 12 },
      not_repairable_penalty_kinds: ['suspension', 'licence_revocation'],
      repairable_reasons: ['annual_report_overdue'],
      materials: ['application_form', 'commitment'],
      facts_and_reasons_required: true,
      something_new: 'x',
    })
    expect(rows.map((r) => [r.label, r.value])).toEqual([
      ['依据条款', '第十三条'],
      ['最短公示期（月）', '6'],
      ['分领域最短公示期（月）', '食品：12；药品：12'],
      ['不予修复的处罚种类', '责令停产停业、吊销许可证件'],
      ['可修复的列入原因', '未按照规定的期限公示年度报告'],
      ['所需材料', '信用修复申请书、信用承诺书'],
      ['须填写事实和理由', '是'],
      ['something_new', 'x'],
    ])
    expect(ruleWord('unknown_code')).toBe('unknown_code')
    // a reorganisation rule's court papers, named as the services name them
    expect(ruleWord('plan_confirmation_ruling')).toBe('批准重整计划的民事裁定书')
    // the subject's conditions of a penalty rule
    expect(ruleRows({
      repairable: true, obligations_fulfilled: 'proof_when_unknown',
      not_listed_now: ['abnormal_operation_list', 'serious_illegal_list'], no_same_kind_penalty_since: true,
    }).map((r) => [r.label, r.value])).toEqual([
      ['可申请修复', '是'],
      ['履行行政处罚决定规定的义务', '须已履行；登记未载明的，凭履行义务的证明材料申请'],
      ['申请时不得在列的名单', '经营异常名录、严重违法失信名单'],
      ['须此后未再受到同一类别的行政处罚', '是'],
    ])
    // the listing reasons a reorganisation rule takes, per record type
    expect(ruleRows({ listing_reasons: { serious_illegal_list: ['abnormal_three_years'] } })).toEqual([{
      field: 'listing_reasons', label: '适用的列入原因',
      value: '严重违法失信名单：被列入经营异常名录届满3年仍未履行相关义务',
    }])
  })
})

describe('calendar and proof-material mode', () => {
  it('names the weekday of a calendar date and where an answer comes from', () => {
    expect(weekdayOf('2026-10-01')).toBe('星期四')
    expect(weekdayOf('2026-12-06')).toBe('星期日')
    expect(weekdayOf('bad')).toBe('')
    expect(DAY_SOURCE_LABELS.override).toBe('工作日调整表')
  })

  it('switches the mode for the code as typed, upper-cased', async () => {
    const post = vi.spyOn(api, 'POST').mockResolvedValue(ok({ proof_material_mode: true }))
    await setProofMaterialMode(' 91440106ma5c12345n ', true)
    expect(post).toHaveBeenCalledWith('/api/v1/admin/subjects/{code}/proof-material-mode', {
      params: { path: { code: '91440106MA5C12345N' }, query: { enabled: true } },
    })
    post.mockRestore()
  })
})
