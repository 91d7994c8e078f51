"""The directory's summary of each organisation's partnerships: one bit per lifecycle stage and status.

``meute.partnerships.summary`` keeps the masks up to date; the directory filters read them here, so that
organisations can be filtered without a join over the partnership tables.
"""

from django.db.models import F

from .choices import LifecycleStage, PartnershipStatus

STAGE_BITS = {value: 1 << index for index, value in enumerate(LifecycleStage.values)}
STATUS_BITS = {value: 1 << index for index, value in enumerate(PartnershipStatus.values)}


def with_stage(queryset, stage: str):
    return queryset.alias(_stage_bit=F("partnership_stages").bitand(STAGE_BITS[stage])).filter(
        _stage_bit__gt=0
    )


def with_status(queryset, status: str):
    return queryset.alias(_status_bit=F("partnership_statuses").bitand(STATUS_BITS[status])).filter(
        _status_bit__gt=0
    )
