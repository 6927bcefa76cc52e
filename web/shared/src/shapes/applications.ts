// Applications as intake answers them (services/intake/intake/views.py, handlers.py), to the
// applicant for their own and to an officer for a counter application or a case.
import type { DocumentType, RecordType } from '../vocabulary'
import type { RegistryRecord } from './registry'

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

/** intake `application_detail` `required_materials`: what the type's rule version asks to upload. */
export interface RequiredMaterial {
  kind: string
  label: string
  provided: boolean
}

/** intake `timeline_view`: one change of the application's status. */
export interface TimelineEntry {
  occurred_at: string | null
  from_status: string | null
  to_status: string
  to_status_label: string
  actor: string
  note: string | null
}

/** What uploads stand in for the legal representative's own signature (intake `signing_state`). */
export type SignatureAlternative = 'special_circumstances_proof' | 'legal_rep_document'

/**
 * intake `signing_state`: e-seal and signature, each valid only for the content as it is now
 * (at the counter the identity is checked in person: `required` false).
 */
export interface SigningState {
  required: boolean
  content_hash: string
  e_seal: boolean
  legal_rep_signature: boolean
  signature_alternative: SignatureAlternative | null
  complete: boolean
}

/** The application's form (contact details and 事实和理由), as intake keeps it and takes a change. */
export interface ApplicationForm {
  contact_name?: string | null
  contact_phone?: string | null
  facts_and_reasons?: string | null
}

/** gateway `subject_snapshot`: what intake keeps of the subject the application is for. */
export interface ApplicationSubject {
  code: string
  id: string
  uscc: string | null
  registration_number: string | null
  name: string
  kind: string
  district_code: string
  registration_unit_code: string
  address: string
  legal_rep_name: string
  legal_rep_document_type: DocumentType
  legal_rep_document_number: string
  proof_material_mode: boolean
}

/** intake `detail_view`. */
export interface ApplicationDetail extends ApplicationSummary {
  subject: ApplicationSubject | null
  /** the registry's records as the application took them */
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
}

/** intake eligibility `Answer.as_dict`: whether a record may be repaired, and under which rule. */
export interface Eligibility {
  record_id: string
  eligible: boolean
  reason_code: string | null
  reason: string
  rule_version: string
  article: string
  earliest_eligible_date: string | null
}
