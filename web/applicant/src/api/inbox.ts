// In-app messages about the applicant's applications (notification service `inbox`,
// `mark_read`; gateway `/api/v1/applicant/inbox`).
import { unwrap, type InboxPage } from '@credit/shared'
import { api } from './index'

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
