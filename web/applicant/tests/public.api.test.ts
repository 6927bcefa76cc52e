import { beforeEach, describe, expect, it, vi } from 'vitest'
import { ApiFailure } from '@credit/shared'

// the typed client is replaced: these tests check what the module asks and how it answers
const GET = vi.hoisted(() => vi.fn())
vi.mock('../src/api/index', () => ({ api: { GET }, tokens: { accessToken: () => null } }))

import { getRecord, lookupSubject, searchRecords, verifyByCode } from '../src/api/public'
import { DISTRICTS, namedSubjectCode, RECORD_TYPES, recordDate } from '../src/labels'

function ok(data: unknown) {
  return Promise.resolve({ data, response: new Response(JSON.stringify(data), { status: 200 }) })
}

beforeEach(() => GET.mockReset())

describe('public api module', () => {
  it('sends the filters under the gateway names and leaves empty ones out', async () => {
    GET.mockReturnValue(ok({ items: [], next_cursor: null }))
    await searchRecords({ q: '天河 科技', type: 'abnormal_operation_list', district: '', listedFrom: '2025-01-01' }, 'c-1')
    expect(GET).toHaveBeenCalledWith('/api/v1/public/subjects', {
      params: {
        query: {
          q: '天河 科技',
          type: 'abnormal_operation_list',
          district: undefined,
          listed_from: '2025-01-01',
          listed_to: undefined,
          limit: 20,
          cursor: 'c-1',
        },
      },
    })
  })

  it('asks for one subject, one record and one verification code by path and query', async () => {
    GET.mockReturnValue(ok({}))
    await lookupSubject('91440106MA5C12345N')
    await getRecord('r-1')
    await verifyByCode('1A2B3C4D5E6F')
    expect(GET.mock.calls.map((c) => [c[0], c[1].params])).toEqual([
      ['/api/v1/public/subjects/{code}', { path: { code: '91440106MA5C12345N' } }],
      ['/api/v1/public/records/{record_id}', { path: { record_id: 'r-1' } }],
      ['/api/v1/public/documents/verify', { query: { code: '1A2B3C4D5E6F' } }],
    ])
  })

  it('turns a refusal into an ApiFailure with the Chinese message and request id', async () => {
    const body = { code: 'DOCUMENT_NOT_FOUND', message: '未找到与之相符的文书', request_id: 'req-9' }
    GET.mockReturnValue(Promise.resolve({ error: body, response: new Response(JSON.stringify(body), { status: 404 }) }))
    const failure = await verifyByCode('NOSUCHCODE').catch((e) => e)
    expect(failure).toBeInstanceOf(ApiFailure)
    expect(failure.status).toBe(404)
    expect(failure.display).toBe('未找到与之相符的文书（请求编号 req-9）')
  })
})

describe('labels', () => {
  it('names the six record types and the eleven districts in Chinese', () => {
    expect(RECORD_TYPES.map((t) => t.label)).toEqual([
      '严重违法失信名单',
      '经营异常名录',
      '个体工商户经营异常状态',
      '农民专业合作社经营异常名录',
      '行政处罚信息公示',
      '其他部门行政处罚',
    ])
    expect(DISTRICTS).toHaveLength(11)
    expect(DISTRICTS.find((d) => d.code === '440106')?.name).toBe('天河区')
  })

  it('dates a list entry by its listing and a penalty by its decision', () => {
    const base = { listing_date: '2025-03-01', decision_date: '2025-04-02' }
    expect(recordDate({ ...base, record_type: 'abnormal_operation_list' })).toEqual({ label: '列入日期', value: '2025-03-01' })
    expect(recordDate({ ...base, record_type: 'penalty_publicity' })).toEqual({ label: '处罚决定日期', value: '2025-04-02' })
    expect(namedSubjectCode({ uscc: null, registration_number: '440106000000010' })).toEqual({ label: '注册号', value: '440106000000010' })
  })
})
