// 办事指南 per record type and the 办理须知 (intake `guide_view`).
import { unwrap } from '@credit/shared'
import { api } from './index'
import type { RecordType } from '../labels'

/** intake `guide_view`: a guide (kind `guide`) or the legal notice (kind `legal_notice`). */
export interface Guide {
  kind: 'guide' | 'legal_notice'
  record_type: RecordType | null
  version: number
  effective_from: string | null
  title: string
  body: string
}

export interface Acknowledged {
  acknowledged: boolean
  version: number
}

export async function getGuide(recordType: RecordType): Promise<Guide> {
  return (await unwrap(
    api.GET('/api/v1/applicant/guides/{record_type}', { params: { path: { record_type: recordType } } }),
  )) as Guide
}

export async function acknowledgeGuide(recordType: RecordType, version: number): Promise<Acknowledged> {
  return (await unwrap(
    api.POST('/api/v1/applicant/guides/{record_type}/acknowledgement', {
      params: { path: { record_type: recordType } },
      body: { version },
    }),
  )) as Acknowledged
}

export async function getLegalNotice(): Promise<Guide> {
  return (await unwrap(api.GET('/api/v1/applicant/legal-notice'))) as Guide
}
