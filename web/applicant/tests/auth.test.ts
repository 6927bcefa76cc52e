import { describe, expect, it } from 'vitest'
import { maskPhone, phoneOfToken, safeRedirect } from '../src/api/auth'

function token(claims: object): string {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return `${part({ alg: 'HS256' })}.${part(claims)}.signature`
}

describe('the session as the pages show it', () => {
  it('reads the phone the gateway signed into the access token', () => {
    expect(phoneOfToken(token({ sub: 'a', phone: '13912345678' }))).toBe('13912345678')
    expect(phoneOfToken(token({ sub: 'a' }))).toBe('')
    expect(phoneOfToken('not-a-token')).toBe('')
    expect(phoneOfToken(null)).toBe('')
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
