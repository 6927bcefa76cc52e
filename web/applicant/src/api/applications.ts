// The applicant's application from draft to submission: create, read, change the form,
// materials, preview, e-seal, the legal representative's signing link, submit.
import { fetchBlob, newRequestId, unwrap, uploadWithProgress } from '@credit/shared'
import { api, tokens } from './index'
import type { RecordType } from '../labels'
import type { RegistryRecord } from './public'
import type { ConfirmedSubject } from './subjects'

const BASE = '/api/v1/applicant/applications'

/** intake `application_view`. */
export interface ApplicationSummary {
  id: string
  acceptance_number: string | null
  record_type: RecordType
  record_type_label: string
  subject_uscc: string
  subject_name: string
  district_code: string
  status: string
  status_label: string
  case_id: string | null
  submitted_at: string | null
  created_at: string | null
  updated_at: string | null
  decided_at: string | null
  version: number
  record_ids: string[]
}

/** intake `material_view`. */
export interface Material {
  id: string
  kind: string
  kind_label: string
  file_name: string
  content_type: string
  size_bytes: number
  sha256: string
  uploaded_at: string | null
}

export interface RequiredMaterial {
  kind: string
  label: string
  provided: boolean
}

/** What uploads stand in for the legal representative's own signature (intake `signing_state`). */
export type SignatureAlternative = 'special_circumstances_proof' | 'legal_rep_document'

/** intake `signing_state`: e-seal and signature, each valid only for the content as it is now. */
export interface SigningState {
  required: boolean
  content_hash: string
  e_seal: boolean
  legal_rep_signature: boolean
  signature_alternative: SignatureAlternative | null
  complete: boolean
}

export interface ApplicationForm {
  contact_name?: string | null
  contact_phone?: string | null
  facts_and_reasons?: string | null
}

export interface TimelineEntry {
  occurred_at: string | null
  from_status: string | null
  to_status: string
  to_status_label: string
  actor: string
  note: string | null
}

/** intake `detail_view`. */
export interface ApplicationDetail extends ApplicationSummary {
  subject: ConfirmedSubject | null
  records: RegistryRecord[]
  form: ApplicationForm
  rule_version: string | null
  materials: Material[]
  required_materials: RequiredMaterial[]
  signing: SigningState
  timeline: TimelineEntry[]
  editable: boolean
  /** whether this type's rule version asks for 事实和理由 */
  facts_and_reasons_required: boolean
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

/** intake MATERIAL_KINDS: the Chinese name of every kind of material. */
export const MATERIAL_KIND_LABELS: Readonly<Record<string, string>> = {
  application_form: '信用修复申请书',
  commitment: '信用承诺书',
  fulfilment_proof: '履行法定义务、纠正违法行为的证明材料',
  correction_proof: '已补报年报、更正信息或住所可联系的证明材料',
  other_department_repair_decision: '作出处罚的其他部门出具的信用修复决定',
  legal_rep_document: '法定代表人（负责人）身份证件',
  special_circumstances_proof: '法定代表人无法签名的特殊情况证明材料',
  other: '其他材料',
}

export interface NewApplication {
  subject_code: string
  record_type: RecordType
  record_ids: string[]
}

export async function createApplication(body: NewApplication): Promise<ApplicationSummary> {
  return (await unwrap(api.POST(BASE, { body }))) as ApplicationSummary
}

export async function getApplication(id: string): Promise<ApplicationDetail> {
  return (await unwrap(
    api.GET(`${BASE}/{application_id}`, { params: { path: { application_id: id } } }),
  )) as ApplicationDetail
}

export async function updateApplication(
  id: string,
  version: number,
  form: ApplicationForm,
): Promise<ApplicationSummary> {
  return (await unwrap(
    api.PATCH(`${BASE}/{application_id}`, {
      params: { path: { application_id: id } },
      body: { version, ...form },
    }),
  )) as ApplicationSummary
}

export async function uploadMaterial(
  id: string,
  kind: string,
  file: File,
  onProgress: (percent: number) => void,
): Promise<Material> {
  const form = new FormData()
  form.append('kind', kind)
  form.append('file', file, file.name)
  return (await uploadWithProgress(
    `${BASE}/${encodeURIComponent(id)}/materials`,
    form,
    tokens,
    onProgress,
  )) as Material
}

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
