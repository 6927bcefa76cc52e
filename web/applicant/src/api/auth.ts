// Login by SMS code (the gateway's /auth routes) and what the pages show of the session.
import { unwrap } from '@credit/shared'
import { api, tokens } from './index'

/** gateway `_send_code` (login, earlier phones): the code goes out by SMS; `expires_in` is how long it stays valid (s). */
export interface CodeSent {
  sent: boolean
  expires_in: number
}

/** POST /auth/login (gateway `login_answer`). */
export interface LoginAnswer {
  access_token: string
  token_type: string
  expires_in: number
  refresh_token: string
  refresh_expires_at: string
}

/** The wait before another code may be asked for (intake's login policy resend interval). */
export const RESEND_INTERVAL_S = 60

export async function requestCode(phone: string): Promise<CodeSent> {
  return (await unwrap(api.POST('/api/v1/applicant/auth/code', { body: { phone } }))) as CodeSent
}

export async function logIn(phone: string, code: string): Promise<LoginAnswer> {
  const answer = (await unwrap(
    api.POST('/api/v1/applicant/auth/login', { body: { phone, code } }),
  )) as LoginAnswer
  tokens.save(answer)
  return answer
}

/** Ends the session on the server; the local one goes whatever the server answers. */
export async function logOut(): Promise<void> {
  try {
    await unwrap(api.POST('/api/v1/applicant/auth/logout'))
  } finally {
    tokens.clear()
  }
}

/** GET /me: who is logged in (the access token carries no phone). */
export interface Me {
  id: string
  phone: string
  phone_masked: string
}

export async function me(): Promise<Me> {
  return (await unwrap(api.GET('/api/v1/applicant/me'))) as Me
}

/** `13912345678` → `139****5678`, as the platform masks phones. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return ''
  return phone.length < 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}****${phone.slice(-4)}`
}

/** Only a path inside this app is a place to go after login (never another site). */
export function safeRedirect(value: unknown): string {
  const target = Array.isArray(value) ? value[0] : value
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return '/'
  if (target.startsWith('/login')) return '/'
  return target
}
