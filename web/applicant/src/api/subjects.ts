// 我的市场主体, confirming the subject to act for, and its records with eligibility answers.
import {
  isResidentId, isSubjectCode, unwrap,
  type ApplicationSubject, type Eligibility, type Page, type RegistryRecord, type RegistrySubject,
} from '@credit/shared'
import { api } from './index'
import type { DocumentType, RecordType } from '../labels'

export interface SubjectConfirmation {
  subject: ApplicationSubject
  method: 'phone' | 'manual'
}

export interface AssessedRecord {
  record: RegistryRecord
  eligibility: Eligibility
}

export interface SubjectChoice {
  subject_code: string
  legal_notice_version: number
  name?: string
  legal_rep_name?: string
  document_type?: DocumentType
  document_number?: string
}

export async function mySubjects(): Promise<RegistrySubject[]> {
  return ((await unwrap(api.GET('/api/v1/applicant/subjects'))) as Page<RegistrySubject>).items
}

export async function confirmSubject(choice: SubjectChoice): Promise<SubjectConfirmation> {
  return (await unwrap(api.POST('/api/v1/applicant/subjects', { body: choice }))) as SubjectConfirmation
}

export async function recordsOf(code: string, type: RecordType): Promise<AssessedRecord[]> {
  return (
    (await unwrap(
      api.GET('/api/v1/applicant/subjects/{code}/records', { params: { path: { code }, query: { type } } }),
    )) as Page<AssessedRecord>
  ).items
}

/** An ID number as the platform shows it where it need not be read in full: first 4, last 2. */
export function maskDocument(number: string | null | undefined): string {
  const value = (number ?? '').trim()
  if (value.length <= 6) return '*'.repeat(value.length)
  return value.slice(0, 4) + '*'.repeat(value.length - 6) + value.slice(-2)
}

/** What is wrong with a typed 统一社会信用代码/注册号, or '' (`complete` once the person left the field). */
export function subjectCodeProblem(value: string, complete: boolean): string {
  const code = value.trim().toUpperCase()
  if (!code) return complete ? '请填写统一社会信用代码或注册号' : ''
  if (code.length !== 18 && code.length !== 15) {
    return complete || code.length > 18 ? '请输入 18 位统一社会信用代码或 15 位注册号' : ''
  }
  // 15 characters may be a USCC half typed: judge them once the person has left the field
  if (code.length === 15 && !complete) return ''
  return isSubjectCode(code) ? '' : '统一社会信用代码或注册号校验位错误，请核对'
}

/** What is wrong with a typed ID number, or '' (other documents are checked by the registry). */
export function documentNumberProblem(type: DocumentType, value: string, complete: boolean): string {
  const number = value.trim().toUpperCase()
  if (!number) return complete ? '请填写证件号码' : ''
  if (type !== 'resident_id') return ''
  if (number.length < 18) return complete ? '居民身份证号码应为 18 位' : ''
  return isResidentId(number) ? '' : '居民身份证号码校验位错误，请核对'
}

/** The number a person recognises a record by: its decision or listing document number. */
export function recordTitle(record: Pick<RegistryRecord, 'decision_number' | 'listing_document_number' | 'record_type_label'>): string {
  return record.decision_number || record.listing_document_number || record.record_type_label
}
