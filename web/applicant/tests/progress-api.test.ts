import { afterEach, describe, expect, it, vi } from 'vitest'
import { documentPdf } from '../src/api/progress'
import { tokens } from '../src/api'

afterEach(() => {
  vi.unstubAllGlobals()
  tokens.clear()
})

describe('an official document PDF', () => {
  it('is fetched with the session, and a refusal carries the API message and request id', async () => {
    const seen: Array<{ url: string; auth: string | null }> = []
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('Authorization') })
      if (url.endsWith('/doc-1')) return new Response('%PDF-1.4', { status: 200 })
      return new Response(JSON.stringify({ code: 'APPLICATION_NOT_ACCESSIBLE', message: '无权访问该申请',
        request_id: 'req-9' }), { status: 403, headers: { 'Content-Type': 'application/json' } })
    }))
    tokens.save({ access_token: 'tok', refresh_token: 'r', expires_in: 900 })
    const blob = await documentPdf('app-1', 'doc-1')
    expect(await blob.text()).toBe('%PDF-1.4')
    expect(seen[0]).toEqual({ url: '/api/v1/applicant/applications/app-1/documents/doc-1', auth: 'Bearer tok' })
    await expect(documentPdf('app-1', 'doc-2')).rejects.toMatchObject({
      code: 'APPLICATION_NOT_ACCESSIBLE', display: '无权访问该申请（请求编号 req-9）',
    })
  })
})
