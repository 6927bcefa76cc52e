from credit_common.unit_of_work import SqlUnitOfWork

from workflow.adapters.listing_removals import ListingRemovalRepository
from workflow.adapters.repository import (CalendarRepository, CaseRepository,
                                          DocumentRepository, OfficerRepository)


class WorkflowUnitOfWork(SqlUnitOfWork):
    def __init__(self, session, request_id=None, read_only=False):
        super().__init__(session, request_id, read_only)
        self.cases = self.collect_events_of(CaseRepository(session, request_id))
        self.officers = OfficerRepository(session)
        self.calendar = CalendarRepository(session)
        self.documents = DocumentRepository(session)
        self.listing_removals = self.collect_events_of(ListingRemovalRepository(session))
