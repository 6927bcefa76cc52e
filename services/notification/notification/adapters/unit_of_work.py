from credit_common.unit_of_work import SqlUnitOfWork

from notification.adapters.repository import InboxRepository, SmsRepository


class NotificationUnitOfWork(SqlUnitOfWork):
    def __init__(self, session, request_id=None, read_only=False):
        super().__init__(session, request_id, read_only)
        self.sms = SmsRepository(session)
        self.inbox = InboxRepository(session)
