"""Personal data in recruitment: the contact of a public application, kept in the candidacy's activities.

Registered with ``meute.core.privacy`` from the app's ``ready()``. The candidacy and its activities stay;
every personal value of the subject in an activity's summary is replaced by the tombstone.
"""

from django.db.models import Q

from meute.core.privacy import Source, register_source, scrub

from .models import Activity


def _activities(subject):
    values = subject.personal_values()
    if not values:
        return Activity.objects.none(), values
    quoted = Q()
    for value in values:
        quoted |= Q(summary__icontains=value)
    return Activity.objects.filter(quoted), values


def export_activities(subject):
    activities, _values = _activities(subject)
    return [
        {
            "organization": activity.candidate.organization.name,
            "date": activity.happened_on,
            "kind": activity.kind,
            "summary": activity.summary,
        }
        for activity in activities.select_related("candidate__organization").order_by("happened_on", "pk")
    ]


def erase_activities(subject):
    activities, values = _activities(subject)
    changed = 0
    for activity in activities:
        activity.summary = scrub(activity.summary, values)
        activity.save(update_fields=["summary"])
        changed += 1
    return changed


def register():
    register_source(Source("recruitment_activities", export_activities, erase_activities))
