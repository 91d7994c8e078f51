from auditlog.registry import auditlog

from .models import Customer, DealParty, DealRegistration

auditlog.register(Customer, exclude_fields=["name_key"])
# The conflict evidence names other partners' deals: it stays out of the history partners can read.
auditlog.register(DealRegistration, m2m_fields={"product_lines"}, exclude_fields=["conflict_evidence"])
auditlog.register(DealParty)
