// The applicant's application from draft to submission: create, read, change the form,
// materials, preview, e-seal, the legal representative's signing link, submit.
import {
  draftApi, fetchBlob, MATERIAL_KIND_LABELS, newRequestId, unwrap,
  type ApplicationDetail as IntakeApplicationDetail, type ApplicationForm, type ApplicationSummary,
  type NewDraft, type SigningState,
} from '@credit/shared'
import { api, tokens } from './index'

const BASE = '/api/v1/applicant/applications'
const drafts = draftApi(api, tokens, BASE)

/** intake `detail_view` as the applicant's route answers it: with the case's deadlines. */
export interface ApplicationDetail extends IntakeApplicationDetail {
  /** the working-day deadlines of the case (null until workflow has opened it) */
  deadlines: Deadlines | null
}

/** gateway: the case's 受理时限 and 办理时限, `YYYY-MM-DD`. */
export interface Deadlines {
  accept_due: string | null
  decide_due: string | null
}

/** POST …/signature-link: the page the QR code opens, its API address, expiry and the QR as SVG. */
export interface SignatureLink {
  url: string
  api_url: string
  expires_at: string
  qr_svg: string
}

export type NewApplication = NewDraft<typeof BASE>

export const createApplication = drafts.create

export async function getApplication(id: string): Promise<ApplicationDetail> {
  return (await drafts.get(id)) as ApplicationDetail
}

export async function updateApplication(id: string, version: number, form: ApplicationForm): Promise<ApplicationSummary> {
  return drafts.change(id, { version, ...form })
}

export const uploadMaterial = drafts.uploadMaterial

export async function removeMaterial(id: string, materialId: string): Promise<void> {
  await unwrap(
    api.DELETE(`${BASE}/{application_id}/materials/{material_id}`, {
      params: { path: { application_id: id, material_id: materialId } },
    }),
  )
}

/** The application as the officer will read it, as a PDF. */
export function previewPdf(id: string): Promise<Blob> {
  return fetchBlob(`${BASE}/${encodeURIComponent(id)}/preview.pdf`, tokens)
}

export async function seal(id: string): Promise<SigningState> {
  return (await unwrap(
    api.POST(`${BASE}/{application_id}/seal`, { params: { path: { application_id: id } } }),
  )) as SigningState
}

export async function signatureLink(id: string): Promise<SignatureLink> {
  return (await unwrap(
    api.POST(`${BASE}/{application_id}/signature-link`, { params: { path: { application_id: id } } }),
  )) as SignatureLink
}

export async function submitApplication(id: string, idempotencyKey: string): Promise<ApplicationSummary> {
  return (await unwrap(
    api.POST(`${BASE}/{application_id}/submit`, {
      params: { path: { application_id: id }, header: { 'Idempotency-Key': idempotencyKey } },
    }),
  )) as ApplicationSummary
}

/**
 * The Idempotency-Key for submitting one version of a draft: made once and kept (for the
 * tab's life), so a retry after a lost answer submits once; a changed draft gets a new key.
 */
export function submissionKey(id: string, version: number, storage: Storage = sessionStorage): string {
  const name = `credit-repair.submit.${id}.${version}`
  let key = storage.getItem(name)
  if (!key) {
    key = newRequestId()
    storage.setItem(name, key)
  }
  return key
}

/** The material kinds the page offers, in order: required ones, the signature's stand-in, 其他材料. */
export function materialSlots(detail: Pick<ApplicationDetail, 'required_materials' | 'signing'>) {
  const slots = detail.required_materials.map((m) => ({ kind: m.kind, label: m.label, required: true }))
  const alternative = detail.signing.required ? detail.signing.signature_alternative : null
  if (alternative && !slots.some((s) => s.kind === alternative)) {
    slots.push({ kind: alternative, label: MATERIAL_KIND_LABELS[alternative], required: true })
  }
  if (!slots.some((s) => s.kind === 'other')) {
    slots.push({ kind: 'other', label: MATERIAL_KIND_LABELS.other, required: false })
  }
  return slots
}


/**
 * Whether the page asks for 事实和理由. The API does not say per type, so: the penalty types
 * (the Zhejiang flow, where the rules require it) and any application that already has some.
 */
export function asksFactsAndReasons(
  detail: Pick<ApplicationDetail, 'facts_and_reasons_required' | 'form'>,
): boolean {
  // text typed before the rule changed stays editable
  return detail.facts_and_reasons_required || !!detail.form.facts_and_reasons
}

/** What still stands between the draft and 提交, as a person reads it (the API decides). */
export function missingSteps(detail: ApplicationDetail, factsAsked: boolean): string[] {
  const missing: string[] = []
  if (!detail.form.contact_name || !detail.form.contact_phone) missing.push('填写联系人和联系电话')
  if (factsAsked && !detail.form.facts_and_reasons) missing.push('填写事实和理由')
  const absent = detail.required_materials.filter((m) => !m.provided).map((m) => m.label)
  if (absent.length) missing.push('上传' + absent.join('、'))
  const signing = detail.signing
  if (signing.required && !signing.complete) {
    const kinds = new Set(detail.materials.map((m) => m.kind))
    if (signing.signature_alternative && !kinds.has(signing.signature_alternative)) {
      missing.push('上传' + MATERIAL_KIND_LABELS[signing.signature_alternative])
    }
    if (!signing.e_seal) missing.push('完成电子签章')
    if (!signing.signature_alternative && !signing.legal_rep_signature) missing.push('法定代表人扫码签名')
  }
  return missing
}
