// How the progress pages show an application's state: the applicant-facing labels of
// DOMAIN.md 'States', the tag colour of each, which states still allow withdrawal or editing,
// and the small readings of API answers the pages need (the officer's reason for a return,
// the page an inbox message points to, the file name of an official document).
import { VOCABULARY, type TimelineEntry } from '@credit/shared'

/** Every state intake gives an application (credit_common vocabulary). */
export type ApplicationStatus = keyof typeof VOCABULARY.ApplicationStatus

/** The labels intake sends as `status_label` (credit_common vocabulary); used only when absent. */
export const STATUS_LABELS: Readonly<Record<ApplicationStatus, string>> = VOCABULARY.ApplicationStatus

/** What a tag's colour says: still waiting, needs the applicant, done well, refused, or over. */
export type StatusTone = 'waiting' | 'action' | 'success' | 'danger' | 'closed'

const TONES: Record<ApplicationStatus, StatusTone> = {
  draft: 'action',
  submitted: 'waiting',
  pending_acceptance: 'waiting',
  accepted: 'waiting',
  not_accepted: 'danger',
  returned: 'action',
  repaired: 'success',
  rejected: 'danger',
  withdrawn: 'closed',
  repair_revoked: 'danger',
  // bankruptcy reorganisation: the records are hidden until the court rules on the plan
  temporarily_repaired: 'success',
  temporary_repair_ended: 'closed',
  // the penalty itself was withdrawn: nothing is left to repair
  no_repair_needed: 'closed',
}

/** A decision has been made or nothing can happen any more (intake's FINAL). */
const FINAL: ReadonlySet<ApplicationStatus> = new Set<ApplicationStatus>([
  'not_accepted', 'repaired', 'rejected', 'withdrawn', 'repair_revoked', 'temporarily_repaired',
  'temporary_repair_ended', 'no_repair_needed',
])

function known(status: string): status is ApplicationStatus {
  return Object.prototype.hasOwnProperty.call(STATUS_LABELS, status)
}

/** The API's label when it gives one, else the vocabulary's, else the code itself. */
export function statusLabel(status: string, label?: string | null): string {
  if (label) return label
  return known(status) ? STATUS_LABELS[status] : status
}

export function statusTone(status: string): StatusTone {
  return known(status) ? TONES[status] : 'closed'
}

/** Intake lets the applicant withdraw until a decision (Application.withdraw). */
export function canWithdraw(status: string): boolean {
  return status !== 'draft' && !(known(status) && FINAL.has(status))
}

/** A draft or a returned application is changed on the form page (intake's EDITABLE). */
export function canEdit(status: string): boolean {
  return status === 'draft' || status === 'returned'
}

/** What the time intake keeps as `decided_at` means for this state. */
export function decidedAtLabel(status: string): string {
  return status === 'withdrawn' ? '撤回时间' : '办结时间'
}

/** Intake writes a return as `退回补正：<the officer's opinion>` on the step into `returned`. */
const RETURN_PREFIX = /^退回补正[：:]?\s*/

/** The officer's reason for the latest return, or null when the application is not returned. */
export function returnReason(status: string, timeline: readonly Pick<TimelineEntry, 'to_status' | 'note'>[]): string | null {
  if (status !== 'returned') return null
  for (let i = timeline.length - 1; i >= 0; i--) {
    const step = timeline[i]
    if (step.to_status === 'returned') {
      const reason = (step.note ?? '').replace(RETURN_PREFIX, '').trim()
      return reason || null
    }
  }
  return null
}

/** Who took a step, as the applicant reads it. */
export function actorLabel(actor: string): string {
  if (actor === 'applicant') return '申请人'
  if (actor === 'officer') return '办理机关'
  if (actor === 'system') return '系统'
  return ''
}

/** The H5 page an inbox message's link names (notification links to the API resource). */
export function messageRoute(link: string | null | undefined): string | null {
  if (!link) return null
  const match = /^(?:\/api\/v1\/applicant)?\/applications\/([0-9a-fA-F-]{8,36})\/?$/.exec(link.trim())
  return match ? `/applications/${match[1]}` : null
}

/** The name a downloaded document gets: its number, without characters file systems refuse. */
export function documentFileName(number: string | null | undefined, fallback = '文书'): string {
  const base = (number ?? '').replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^_+|_+$/g, '') || fallback
  return `${base}.pdf`
}
