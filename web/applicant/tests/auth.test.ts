import { describe, expect, it, vi } from 'vitest'

// the typed client is replaced: the test checks what the module asks and how it answers
const GET = vi.hoisted(() => vi.fn())
vi.mock('../src/api/index', () => ({ api: { GET }, tokens: { accessToken: () => 'tok' } }))

import { maskPhone, me, safeRedirect } from '../src/api/auth'

describe('the session as the pages show it', () => {
  it('asks the server who is logged in: the token carries no phone', async () => {
    const who = { id: 'a-1', phone: '13912345678', phone_masked: '139****5678' }
    GET.mockResolvedValue({ data: who, response: new Response(JSON.stringify(who), { status: 200 }) })
    expect(await me()).toEqual(who)
    expect(GET).toHaveBeenCalledWith('/api/v1/applicant/me')
  })

  it('masks a phone as the platform does', () => {
    expect(maskPhone('13912345678')).toBe('139****5678')
    expect(maskPhone('12345')).toBe('*****')
    expect(maskPhone('')).toBe('')
    expect(maskPhone(null)).toBe('')
  })

  it('goes back after login only to a page of this app', () => {
    expect(safeRedirect('/guide/penalty_publicity')).toBe('/guide/penalty_publicity')
    expect(safeRedirect(['/progress'])).toBe('/progress')
    expect(safeRedirect('https://evil.example/')).toBe('/')
    expect(safeRedirect('//evil.example/')).toBe('/')
    expect(safeRedirect('/\\evil.example/')).toBe('/')
    expect(safeRedirect('/login?redirect=/x')).toBe('/')
    expect(safeRedirect(undefined)).toBe('/')
  })
})
