"""Which lifecycle stages and statuses each organisation's partnerships are in, kept on the organisation.

The directory filters organisations by "has a partnership in stage X / with status Y". Answering that
through the partnership tables costs a join over every matching partnership on each request (hundreds of
milliseconds at 100,000 partners); a bitmask per organisation turns it into a test on one column read in
the same pass as the other filters. ``refresh_partnership_summary`` recomputes the masks in one set-based
UPDATE; model signals call it when a partnership or a party changes, bulk writers call it themselves.
"""

from django.db import connection

from meute.core.directory import STAGE_BITS, STATUS_BITS


def _mask_sql(column: str, bits: dict) -> str:
    cases = " ".join(f"WHEN '{value}' THEN {bit}" for value, bit in bits.items())
    # Each value has its own bit, so the sum of the distinct bits is their bitwise OR.
    return (
        f"COALESCE((SELECT SUM(DISTINCT CASE p.{column} {cases} ELSE 0 END) "
        "FROM partnerships_partnershipparty s JOIN partnerships_partnership p ON p.id = s.partnership_id "
        "WHERE s.organization_id = core_organization.id), 0)"
    )


def refresh_partnership_summary(organization_ids=None) -> None:
    """Recompute the masks of these organisations (all of them when ``organization_ids`` is None)."""
    sql = (
        "UPDATE core_organization SET "  # noqa: S608  (names and values are ours, ids are parameters)
        f"partnership_stages = {_mask_sql('stage', STAGE_BITS)}, "
        f"partnership_statuses = {_mask_sql('status', STATUS_BITS)}"
    )
    params = []
    if organization_ids is not None:
        ids = sorted(set(organization_ids))
        if not ids:
            return
        sql += f" WHERE id IN ({', '.join(['%s'] * len(ids))})"
        params = ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
