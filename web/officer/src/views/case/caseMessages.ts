// What the case page tells an officer about a conflict and about an action just taken.
import { formatDateTime } from '@credit/shared'
import type { CasePage } from '../../api/cases'

/** After 409 STALE_VERSION: what the case is now and who acted last, from the reloaded page. */
export function describeChange(page: CasePage): string {
  const last = page.approval_form[page.approval_form.length - 1]
  let text = `该案件已被其他人员处理，当前状态为“${page.case.status_label}”`
  if (last) {
    const who = [last.unit_name, last.officer_name].filter(Boolean).join(' ')
    const where = last.target_unit_name ? `（转至${last.target_unit_name}）` : ''
    text += `；最近一步：${last.action_label}${where}，${who}，${formatDateTime(last.occurred_at)}`
  }
  return `${text}。页面已重新载入，您填写的意见已保留，请核对后再办理。`
}

/** The actions that issue a numbered document (workflow DOCUMENT_FOR_ACTION). */
export const ISSUES_DOCUMENT: ReadonlySet<string> = new Set(['accept', 'not_accept', 'approve', 'reject', 'close'])
