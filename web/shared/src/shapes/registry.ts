// The public registry as disclosure answers it (services/disclosure/disclosure/views.py and
// service.py): subjects and their listing or penalty records.
import type { components } from '../api/schema'
import type { DocumentType, RecordType } from '../vocabulary'

export type ListingReason = components['schemas']['ListingReason']

/**
 * disclosure `subject_view`: for the public the personal data arrives masked (ID: first 4 and
 * last 2 characters, phones 138****1234); for the applicant's own subjects and an officer of the
 * subject's district it comes in full.
 */
export interface RegistrySubject {
  id: string
  uscc: string | null
  registration_number: string | null
  name: string
  kind: string
  kind_label: string
  district_code: string
  registration_unit_code: string
  registration_unit_name: string | null
  address: string
  registration_status: string
  registration_status_label: string
  legal_representative: {
    name: string
    document_type: DocumentType
    document_type_label: string | null
    document_number: string
    phone: string
  }
  liaison_phone: string
  proof_material_mode: boolean
  /** whether the personal data above is masked */
  personal_data_masked: boolean
}

/**
 * An official document issued with a record and shown on the public record (today the
 * 信用修复告知书 of a penalty of our own units, `repair_notice`), verifiable by its code.
 */
export interface RecordDocument {
  kind: string
  kind_label: string
  number: string
  issued_on: string
  verification_code: string
}

/** disclosure `record_view`: one listing or penalty publicity entry. */
export interface RegistryRecord {
  id: string
  subject_id: string
  record_type: RecordType
  record_type_label: string
  publicity_state: string
  publicity_state_label: string | null
  district_code: string
  listing_reason: ListingReason | null
  listing_reason_label: string | null
  listing_date: string | null
  listing_unit_code: string | null
  listing_unit_name: string | null
  listing_document_number: string | null
  decision_number: string | null
  decision_date: string | null
  publicity_start_date: string | null
  publicity_end_date: string | null
  penalty_domain: string | null
  penalty_domain_label: string | null
  penalty_kinds: string[]
  penalty_kind_labels: string[]
  /** yuan, decimal string */
  fine_amount: string | null
  severe: boolean
  deciding_unit_code: string | null
  /** the deciding unit's name, or the other department's as it sent it */
  deciding_unit_name: string | null
  obligations_fulfilled_on: string | null
  source_agency: string | null
  version: number
  /** absent in a snapshot an application kept before documents were shown */
  documents?: RecordDocument[]
}

/** disclosure `search_records`: one record found, with its subject. */
export interface RecordHit {
  record: RegistryRecord
  subject: RegistrySubject
}

/** disclosure `lookup_subject`: a subject with all its records. */
export interface SubjectWithRecords {
  subject: RegistrySubject
  records: RegistryRecord[]
}
