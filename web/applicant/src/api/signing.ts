// The legal representative's signing link (public: the link is the credential).
import { unwrap } from '@credit/shared'
import { api } from './index'
import type { RecordType } from '../labels'

/** intake `signature_request`: what is being signed, and nothing personal beyond that. */
export interface SignatureRequest {
  acceptance_number: string | null
  record_type: RecordType
  subject_name: string
  legal_rep_name: string | null
  content_hash: string
  expires_at: string
  records: Array<{ id: string; decision_number: string | null; listing_document_number: string | null }>
}

export interface Signed {
  signed: boolean
  content_hash: string
}

/**
 * The rule intake applies on signing (SIGNER_MISMATCH), said at the field once the signer has
 * left it: the name typed is the registered legal representative's, exactly.
 */
export function signerProblem(typed: string, registered: string | null, left: boolean): string {
  if (!left) return ''
  const name = typed.trim()
  if (!name) return '请输入法定代表人姓名'
  return registered && name !== registered ? '与登记的法定代表人姓名不一致，请核对' : ''
}

export async function getSignatureRequest(token: string): Promise<SignatureRequest> {
  return (await unwrap(
    api.GET('/api/v1/public/signatures/{token}', { params: { path: { token } } }),
  )) as SignatureRequest
}

export async function signApplication(token: string, signerName: string): Promise<Signed> {
  return (await unwrap(
    api.POST('/api/v1/public/signatures/{token}', {
      params: { path: { token } },
      body: { signer_name: signerName, agree: true },
    }),
  )) as Signed
}
