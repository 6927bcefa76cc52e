// The Chinese words for the platform's shared codes, for both apps: every vocabulary of
// libs/common/credit_common/contracts/vocabulary.py as `make openapi` writes it to
// api/vocabulary.json (a gateway test keeps it current), and the districts of the demo city
// (reference/organisation.py).
import type { components } from './api/schema'
import vocabulary from './api/vocabulary.json'

export type RecordType = components['schemas']['RecordType']
export type DocumentType = components['schemas']['DocumentType']

/** Every vocabulary by its Python class name: code → label, in the order Python declares them. */
export const VOCABULARY = vocabulary

export const RECORD_TYPE_LABELS: Record<RecordType, string> = vocabulary.RecordType

/** A code→label table as a picker's choices, in the table's order. */
export function choices<C extends string>(labels: Record<C, string>): { value: C; label: string }[] {
  return (Object.keys(labels) as C[]).map((value) => ({ value, label: labels[value] }))
}

/** The six types in the order the manuals list them, for a picker. */
export const RECORD_TYPES = choices(RECORD_TYPE_LABELS)

export function isRecordType(value: unknown): value is RecordType {
  return typeof value === 'string' && value in RECORD_TYPE_LABELS
}

/** Penalties carry a decision; the other types are lists a subject is put on. */
export const PENALTY_RECORD_TYPES: readonly RecordType[] = ['penalty_publicity', 'other_department_penalty']

/** DocumentType of the vocabulary with its Chinese label (resident ID first, then non-mainland). */
export const DOCUMENT_TYPE_LABELS: Record<DocumentType, string> = vocabulary.DocumentType

/** The document types in that order, for a picker. */
export const DOCUMENT_TYPES = choices(DOCUMENT_TYPE_LABELS)

export function documentTypeLabel(code: string | null | undefined): string {
  return code && Object.hasOwn(DOCUMENT_TYPE_LABELS, code) ? DOCUMENT_TYPE_LABELS[code as DocumentType] : (code ?? '')
}

/** Guangzhou's 11 districts by division code. */
export const DISTRICTS: { code: string; name: string }[] = [
  { code: '440103', name: '荔湾区' },
  { code: '440104', name: '越秀区' },
  { code: '440105', name: '海珠区' },
  { code: '440106', name: '天河区' },
  { code: '440111', name: '白云区' },
  { code: '440112', name: '黄埔区' },
  { code: '440113', name: '番禺区' },
  { code: '440114', name: '花都区' },
  { code: '440115', name: '南沙区' },
  { code: '440117', name: '从化区' },
  { code: '440118', name: '增城区' },
]

export function districtName(code: string | null | undefined): string {
  return DISTRICTS.find((d) => d.code === code)?.name ?? ''
}

/** The Chinese name of every kind of material an application carries. */
export const MATERIAL_KIND_LABELS: Readonly<Record<string, string>> = vocabulary.MaterialKind
