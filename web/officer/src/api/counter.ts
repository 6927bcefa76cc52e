// 窗口代办: a handler files an application at the counter for a subject whose records the
// handler's unit made — create the draft, complete the contact details, upload the materials
// the applicant brought, submit into the same workflow. The application's shapes are intake's
// (in @credit/shared); what the page checks before 提交 follows services/intake/intake/handlers.py.
import {
  draftApi, MATERIAL_KIND_LABELS, unwrap,
  type ApplicationDetail, type ApplicationForm, type ApplicationSummary, type Material, type NewDraft,
} from '@credit/shared'
import { api, tokens } from './index'

const BASE = '/api/v1/officer/counter-applications'
const drafts = draftApi(api, tokens, BASE)

export type NewCounterApplication = NewDraft<typeof BASE>

export const createCounterApplication = drafts.create

export const counterApplication = drafts.get

/** The contact details as the API takes them: trimmed, an empty field sent as null. */
export function formBody(form: ApplicationForm): Required<ApplicationForm> {
  const clean = (v: string | null | undefined) => (v ?? '').trim() || null
  return {
    contact_name: clean(form.contact_name),
    contact_phone: clean(form.contact_phone),
    facts_and_reasons: clean(form.facts_and_reasons),
  }
}

export async function changeCounterForm(id: string, form: ApplicationForm, version: number): Promise<ApplicationSummary> {
  return drafts.change(id, { ...formBody(form), version })
}

/** One file the applicant brought, with upload progress. */
export const uploadCounterMaterial = drafts.uploadMaterial

export async function submitCounterApplication(id: string): Promise<ApplicationSummary> {
  return (await unwrap(
    api.POST(`${BASE}/{application_id}/submit`, { params: { path: { application_id: id } } }),
  )) as ApplicationSummary
}

/** The upload slots of the page: each required material, then 其他材料. */
export function materialSlots(detail: Pick<ApplicationDetail, 'required_materials' | 'materials'>): {
  kind: string
  label: string
  required: boolean
  files: Material[]
}[] {
  const slots = detail.required_materials.map((m) => ({ kind: m.kind, label: m.label, required: true }))
  if (!slots.some((s) => s.kind === 'other')) slots.push({ kind: 'other', label: MATERIAL_KIND_LABELS.other, required: false })
  return slots.map((s) => ({ ...s, files: detail.materials.filter((m) => m.kind === s.kind) }))
}

/** What still stands between the draft and 提交, as a person reads it (the API checks again). */
export function missingBeforeSubmit(detail: ApplicationDetail, form: ApplicationForm): string[] {
  const missing: string[] = []
  const clean = formBody(form)
  if (!clean.contact_name) missing.push('联系人')
  if (!clean.contact_phone) missing.push('联系电话')
  if (detail.facts_and_reasons_required && !clean.facts_and_reasons) missing.push('事实和理由')
  for (const m of detail.required_materials) {
    if (!detail.materials.some((f) => f.kind === m.kind)) missing.push(m.label)
  }
  return missing
}

/** Whether the form differs from what the draft holds (so 提交 saves it first). */
export function formChanged(saved: ApplicationForm, form: ApplicationForm): boolean {
  const a = formBody(saved)
  const b = formBody(form)
  return a.contact_name !== b.contact_name || a.contact_phone !== b.contact_phone || a.facts_and_reasons !== b.facts_and_reasons
}
