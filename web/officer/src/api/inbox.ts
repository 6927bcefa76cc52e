// 消息 and the home page's 提醒: the deadline reminders and escalations for the officer and the
// officer's unit (notification `inbox`, `mark_read`; the shapes are in @credit/shared).
import { unwrap, type InboxPage } from '@credit/shared'
import { api } from './index'

export const MESSAGE_KIND_LABELS: Readonly<Record<string, string>> = {
  case_reminder: '到期提醒',
  case_escalation: '超期督办',
}

export function messageKindLabel(kind: string): string {
  return MESSAGE_KIND_LABELS[kind] ?? '通知'
}

/** Whom a message was sent to, as a person reads it. */
export function recipientLabel(recipient: string): string {
  if (recipient.startsWith('officer:')) return '本人'
  if (recipient.startsWith('unit:')) return '本单位'
  return ''
}

/** The acceptance number a message's link points at, for the workbench's case page. */
export function caseNumberOf(link: string | null | undefined): string | null {
  const m = /\/api\/v1\/officer\/cases\/([^/?#]+)$/.exec(link ?? '')
  return m ? decodeURIComponent(m[1]) : null
}

export async function inbox(unreadOnly = false, limit = 50): Promise<InboxPage> {
  return (await unwrap(
    api.GET('/api/v1/officer/inbox', { params: { query: { unread_only: unreadOnly, limit } } }),
  )) as InboxPage
}

export async function markRead(id: string): Promise<{ read: boolean }> {
  return (await unwrap(
    api.POST('/api/v1/officer/inbox/{message_id}/read', { params: { path: { message_id: id } } }),
  )) as { read: boolean }
}
