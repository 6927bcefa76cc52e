// Login by phone and SMS code, the officer's own profile, logout.
import { unwrap, type Tokens } from '@credit/shared'
import { api, tokens } from './index'

/** section_head: the district credit section's head, who alone takes 复审 */
export type Role = 'handler' | 'reviewer' | 'section_head' | 'approver' | 'administrator'

/** workflow `me`: who is logged in, their unit and roles. */
export interface OfficerProfile {
  id: string
  name: string
  phone: string
  unit_code: string
  unit_name: string
  roles: Role[]
  active?: boolean
}

export async function requestCode(phone: string): Promise<{ sent: boolean; expires_in: number }> {
  return (await unwrap(api.POST('/api/v1/officer/auth/code', { body: { phone } }))) as {
    sent: boolean
    expires_in: number
  }
}

export async function logIn(phone: string, code: string): Promise<OfficerProfile> {
  const answer = (await unwrap(api.POST('/api/v1/officer/auth/login', { body: { phone, code } }))) as Tokens & {
    officer: OfficerProfile
  }
  tokens.save(answer)
  return answer.officer
}

export async function myProfile(): Promise<OfficerProfile> {
  return (await unwrap(api.GET('/api/v1/officer/me'))) as OfficerProfile
}

export async function logOut(): Promise<void> {
  try {
    await unwrap(api.POST('/api/v1/officer/auth/logout'))
  } finally {
    tokens.clear()
  }
}
