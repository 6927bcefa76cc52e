from credit_common.unit_of_work import SqlUnitOfWork

from intake.adapters.reorganisation import ReorganisationRuleRepository
from intake.adapters.repository import (ApplicantRepository, ApplicationRepository,
                                        GuideRepository, MaterialRepository, RuleRepository,
                                        SignatureRepository)


class IntakeUnitOfWork(SqlUnitOfWork):
    def __init__(self, session, request_id=None, read_only=False):
        super().__init__(session, request_id, read_only)
        # the applications' events reach the outbox at commit: no handler publishes by hand
        self.applications = self.collect_events_of(ApplicationRepository(session))
        self.applicants = ApplicantRepository(session)
        self.guides = GuideRepository(session)
        self.rules = RuleRepository(session)
        self.reorganisation_rules = ReorganisationRuleRepository(session)
        self.materials = MaterialRepository(session)
        self.signatures = SignatureRepository(session)
