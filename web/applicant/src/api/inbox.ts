// In-app messages about the applicant's applications (notification service `inbox`,
// `mark_read`; gateway `/api/v1/applicant/inbox`).
import { unwrap } from '@credit/shared'
import { api } from './index'

/** notification `_message_view`. */
export interface InboxMessage {
  id: string
  kind: string
  title: string
  body: string
  /** the API resource the message is about, e.g. `/api/v1/applicant/applications/<id>` */
  link: string | null
  recipient: string
  created_at: string
  read_at: string | null
}

export interface InboxPage {
  items: InboxMessage[]
  /** unread messages in all, not only those in `items` */
  unread: number
  next_cursor: string | null
}

/** The newest messages (the API has no paging beyond its limit of 100). */
export async function inbox(limit = 50, unreadOnly = false): Promise<InboxPage> {
  const answer = await unwrap(
    api.GET('/api/v1/applicant/inbox', { params: { query: { limit, unread_only: unreadOnly } } }),
  )
  return answer as InboxPage
}

export async function markRead(messageId: string): Promise<{ read: boolean }> {
  const answer = await unwrap(
    api.POST('/api/v1/applicant/inbox/{message_id}/read', { params: { path: { message_id: messageId } } }),
  )
  return answer as { read: boolean }
}

/** How many messages the applicant has not read (the home page's badge). */
export async function unreadCount(): Promise<number> {
  const page = await inbox(1, true)
  return page.unread
}
