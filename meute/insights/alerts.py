"""Alerts when a partnership's health drops: after a snapshot, the staff who act on queues hear about
the partnerships that fell by ``snapshots.DROP_POINTS`` or more since their previous snapshot."""

from django.urls import reverse
from django.utils.translation import gettext as _

from meute.notifications.notify import notify_each, staff_reviewers
from meute.partnerships.models import Partnership

from .snapshots import take_snapshots


def snapshot_and_alert(as_of=None, progress=None):
    """Refresh the year's revenue roll-ups (in the main programme's currency), snapshot every
    partnership's health, pre-aggregate the network dashboard's figures, and alert the staff of sharp
    drops."""
    from django.utils import timezone

    from . import aggregates
    from .dashboard import main_program
    from .rollups import refresh_revenue

    as_of = as_of or timezone.localdate()
    program = main_program()
    if program is not None:
        refresh_revenue(as_of.year, program.currency)
    written, drops = take_snapshots(as_of, progress=progress)
    aggregates.store(as_of)
    if drops:
        names = dict(Partnership.objects.filter(pk__in=[d[0] for d in drops]).values_list("pk", "name"))
        uuids = dict(Partnership.objects.filter(pk__in=[d[0] for d in drops]).values_list("pk", "uuid"))
        staff = list(staff_reviewers())
        notify_each(
            (
                (
                    staff,
                    _("Health of %(name)s dropped from %(before)s to %(after)s")
                    % {"name": names[pid], "before": before, "after": after},
                    "",
                    reverse("insights:health", kwargs={"uuid": uuids[pid]}),
                )
                for pid, before, after in drops[:50]
            ),
            kind="health_drop",
        )
    return written, drops
