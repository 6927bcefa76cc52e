// The Chinese words the applicant's pages use for codes the API gives without a label (the
// shared vocabulary is in @credit/shared): the repair items on the home page, a record's
// publicity states and the causes of its changes.
import {
  PENALTY_RECORD_TYPES, RECORD_TYPE_LABELS, RECORD_TYPES, VOCABULARY, isRecordType, type RecordType,
} from '@credit/shared'

export {
  DISTRICTS, DOCUMENT_TYPES, PENALTY_RECORD_TYPES, RECORD_TYPE_LABELS, RECORD_TYPES, districtName,
  documentTypeLabel, isRecordType, type DocumentType, type RecordType,
} from '@credit/shared'

// where an applicant picks what to repair, a penalty of this department is told apart from
// one of another department
const REPAIR_ITEM_LABELS: Record<RecordType, string> = {
  ...RECORD_TYPE_LABELS,
  penalty_publicity: '行政处罚信息公示（本部门）',
}

const REPAIR_ITEM_HINTS: Record<RecordType, string> = {
  serious_illegal_list: '企业信用修复',
  abnormal_operation_list: '企业移出经营异常名录',
  individual_abnormal_status: '恢复正常记载状态',
  cooperative_abnormal_list: '农专社移出经营异常名录',
  penalty_publicity: '市场监管部门作出的行政处罚',
  other_department_penalty: '需先取得作出处罚部门的信用修复文书',
}

/** The six kinds of repair in the order the home page offers them. */
export const REPAIR_ITEMS: ReadonlyArray<{ code: RecordType; label: string; hint: string }> = RECORD_TYPES.map(
  ({ value }) => ({ code: value, label: REPAIR_ITEM_LABELS[value], hint: REPAIR_ITEM_HINTS[value] }),
)

/** The 办理事项 an application is for, as the applicant's pages name it. */
export function recordTypeLabel(code: string): string {
  return isRecordType(code) ? REPAIR_ITEM_LABELS[code] : code
}

export const PUBLICITY_STATE_LABELS: Readonly<Record<string, string>> = VOCABULARY.PublicityState

/** What caused a change of a record's publicity state, as a citizen reads it. */
export const HISTORY_CAUSE_LABELS: Record<string, string> = {
  created: '列入公示',
  import: '列入公示',
  message: '部门推送变更',
  decision: '信用修复决定',
  revocation: '撤销信用修复',
  job: '期满自动处理',
}

// How a subject's code and a record's main date are named for a reader.
interface SubjectCodes {
  uscc: string | null
  registration_number: string | null
}

/** The code a subject is known by: USCC, else the legacy registration number. */
export function subjectCode(subject: SubjectCodes): string {
  return subject.uscc || subject.registration_number || ''
}

/** That code with its name: 统一社会信用代码 or 注册号. */
export function namedSubjectCode(subject: SubjectCodes): { label: string; value: string } {
  return { label: subject.uscc ? '统一社会信用代码' : '注册号', value: subjectCode(subject) }
}

export function isPenalty(record: { record_type: RecordType }): boolean {
  return PENALTY_RECORD_TYPES.includes(record.record_type)
}

/** A list entry is dated by its listing, a penalty by its decision. */
export function recordDate(record: { record_type: RecordType; listing_date: string | null; decision_date: string | null }): {
  label: string
  value: string | null
} {
  if (isPenalty(record)) return { label: '处罚决定日期', value: record.decision_date }
  return { label: '列入日期', value: record.listing_date }
}
