from credit_common.unit_of_work import SqlUnitOfWork

from intake.adapters.repository import ApplicationRepository


class IntakeUnitOfWork(SqlUnitOfWork):
    def __init__(self, session, request_id=None, read_only=False):
        super().__init__(session, request_id, read_only)
        self.applications = ApplicationRepository(session)
