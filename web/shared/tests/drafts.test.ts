import { describe, expect, it, vi } from 'vitest'
import { createApi, createTokenStore, draftApi, type DraftRoot } from '../src'

const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) }) as never

describe('an application draft under either root', () => {
  it.each<DraftRoot>(['/api/v1/applicant/applications', '/api/v1/officer/counter-applications'])(
    'creates, reads and changes it on the routes of %s',
    async (root) => {
      const api = createApi(createTokenStore('applicant'))
      const drafts = draftApi(api, createTokenStore('applicant'), root)
      const post = vi.spyOn(api, 'POST').mockResolvedValue(ok({ id: 'a1', version: 1 }))
      const get = vi.spyOn(api, 'GET').mockResolvedValue(ok({ id: 'a1', version: 1 }))
      const patch = vi.spyOn(api, 'PATCH').mockResolvedValue(ok({ id: 'a1', version: 2 }))
      const body = { subject_code: '91440106MA5C12345N', record_type: 'abnormal_operation_list', record_ids: ['r1'] } as const
      expect(await drafts.create(body)).toEqual({ id: 'a1', version: 1 })
      expect(post).toHaveBeenCalledWith(root, { body })
      expect((await drafts.get('a1')).id).toBe('a1')
      expect(get).toHaveBeenCalledWith(`${root}/{application_id}`, { params: { path: { application_id: 'a1' } } })
      expect((await drafts.change('a1', { version: 1, contact_name: '陈大文' })).version).toBe(2)
      expect(patch).toHaveBeenCalledWith(`${root}/{application_id}`, {
        params: { path: { application_id: 'a1' } },
        body: { version: 1, contact_name: '陈大文' },
      })
    },
  )
})
