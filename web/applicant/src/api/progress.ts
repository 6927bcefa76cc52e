// My applications and their progress: the list (with the applications of proven earlier
// phones), withdrawal, the official documents, and proving an earlier phone; one
// application's detail and timeline is `getApplication` of ./applications. Shapes read from
// intake (views.py application_view/detail_view) and workflow (views.py document_view), which
// the gateway passes through unchanged.
import { fetchBlob, unwrap, type ApplicationSummary, type Page } from '@credit/shared'
import { api, tokens } from './index'
import type { CodeSent } from './auth'

/** workflow `document_view`: an official document issued for the application. */
export interface OfficialDocument {
  id: string
  kind: string
  title: string
  number: string
  verification_code: string | null
  subject_name: string
  subject_code: string
  issued_on: string | null
  sha256: string
  file_name: string
}

const base = '/api/v1/applicant/applications'

export async function myApplications(cursor?: string | null, limit = 20): Promise<Page<ApplicationSummary>> {
  const answer = await unwrap(
    api.GET('/api/v1/applicant/applications', {
      params: { query: { limit, ...(cursor ? { cursor } : {}) } },
    }),
  )
  return answer as Page<ApplicationSummary>
}

/** Withdraws before a decision; the answer is the application as it is now. */
export async function withdrawApplication(applicationId: string, reason?: string): Promise<ApplicationSummary> {
  const trimmed = reason?.trim()
  const answer = await unwrap(
    api.POST('/api/v1/applicant/applications/{application_id}/withdraw', {
      params: { path: { application_id: applicationId } },
      body: { reason: trimmed ? trimmed : null },
    }),
  )
  return answer as ApplicationSummary
}

export async function applicationDocuments(applicationId: string): Promise<OfficialDocument[]> {
  const answer = await unwrap(
    api.GET('/api/v1/applicant/applications/{application_id}/documents', {
      params: { path: { application_id: applicationId } },
    }),
  )
  return (answer as Page<OfficialDocument>).items
}

/** The document's PDF, fetched with the session (a plain link would carry no token). */
export async function documentPdf(applicationId: string, documentId: string): Promise<Blob> {
  const url = `${base}/${encodeURIComponent(applicationId)}/documents/${encodeURIComponent(documentId)}`
  return fetchBlob(url, tokens)
}

/** An SMS code to an earlier phone, to prove it is the applicant's. */
export async function requestPhoneCode(phone: string): Promise<CodeSent> {
  const answer = await unwrap(api.POST('/api/v1/applicant/phones/code', { body: { phone } }))
  return answer as CodeSent
}

/** Proves the earlier phone with its code: its applications join "my applications". */
export async function provePhone(phone: string, code: string): Promise<{ phones: string[] }> {
  const answer = await unwrap(api.POST('/api/v1/applicant/phones', { body: { phone, code } }))
  return answer as { phones: string[] }
}
