// In-app messages as notification answers them (services/notification/notification/service.py).
import type { Page } from './page'

/** notification `_message_view`. */
export interface InboxMessage {
  id: string
  /** `case_reminder` (到期提醒), `case_escalation` (超期督办) or `application_<status>` */
  kind: string
  title: string
  body: string
  /** the API address of what it is about, e.g. `/api/v1/officer/cases/{number}` or `/api/v1/applicant/applications/{id}` */
  link: string | null
  /** `officer:<id>`, `unit:<code>` (the officer's unit) or `applicant:<id>` */
  recipient: string
  created_at: string
  read_at: string | null
}

/** notification `inbox`: the newest messages (no paging beyond its limit of 100: `next_cursor` is null). */
export interface InboxPage extends Page<InboxMessage> {
  /** unread messages in all, not only those in `items` */
  unread: number
}
