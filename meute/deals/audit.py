from auditlog.registry import auditlog

from .models import Customer, DealParty, DealRegistration, MatcherWeights

auditlog.register(Customer, exclude_fields=["name_key"])
# The conflict evidence names other partners' deals, and the shared customer record may read as another
# partner typed it: both stay out of the history partners can read (the page shows their own words).
auditlog.register(
    DealRegistration,
    m2m_fields={"product_lines"},
    exclude_fields=["conflict_evidence", "customer", "customer_as_registered"],
)
auditlog.register(DealParty)
auditlog.register(MatcherWeights)
