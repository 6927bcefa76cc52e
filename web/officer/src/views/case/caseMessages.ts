// What the case page tells an officer about a conflict and about an action just taken.
import { formatDateTime } from '@credit/shared'
import type { CasePage, CaseSummary } from '../../api/cases'

/** 退回补正 stops the clock: how long the case has waited for corrections, and while it waits
 *  the decision working days it keeps. */
export function pauseText(c: Pick<CaseSummary, 'paused' | 'paused_since' | 'paused_working_days'
  | 'paused_working_days_left' | 'pause_count'>): string {
  const parts = [`退回补正 ${c.pause_count} 次，共暂停 ${c.paused_working_days} 个工作日`]
  if (c.paused && c.paused_since) {
    parts.push(`自 ${formatDateTime(c.paused_since)} 起等待申请人补正`)
    if (c.paused_working_days_left !== null) parts.push(`重新提交后剩余 ${c.paused_working_days_left} 个工作日`)
  }
  return parts.join('；')
}

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
