"""One calendar of every marketing activity a user may see: campaign actions, fund requests (approved or
waiting) and the actions of marketing plans, filtered by partner, type and territory; and its iCalendar
export (RFC 5545, through the ``icalendar`` library)."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from icalendar import Calendar, Event

from meute.funds.choices import RequestStatus
from meute.funds.models import FundRequest
from meute.partnerships.models import PartnershipParty

from .models import CampaignAction, CampaignParticipant, PlanAction

SOURCES = {
    "campaign": _("Joint campaign or event"),
    "fund": _("Funded activity"),
    "plan": _("Marketing plan action"),
}


@dataclass
class Item:
    uid: str
    source: str
    kind: str
    title: str
    start: datetime.date
    end: datetime.date
    url: str
    where: str = ""

    @property
    def source_label(self):
        return SOURCES[self.source]


def items_for(
    user, start: datetime.date, end: datetime.date, *, source="", organization=None, territory=None
):
    """Activities overlapping [start, end] that ``user`` may see, by start date."""
    items = []
    if source in ("", "campaign"):
        actions = CampaignAction.objects.visible_to(user).filter(start_date__lte=end, end_date__gte=start)
        if organization is not None:
            actions = actions.filter(
                Exists(
                    CampaignParticipant.objects.filter(
                        campaign_id=OuterRef("campaign_id"), organization=organization
                    )
                )
            )
        if territory is not None:
            actions = actions.filter(campaign__territory=territory)
        for a in actions.select_related("campaign"):
            items.append(
                Item(
                    f"action-{a.uuid}",
                    "campaign",
                    a.get_kind_display(),
                    f"{a.campaign.name}: {a.title}",
                    a.start_date,
                    a.end_date,
                    a.campaign.get_absolute_url(),
                    a.location,
                )
            )
    if source in ("", "fund"):
        requests = FundRequest.objects.visible_to(user).filter(
            status__in=[RequestStatus.APPROVED, RequestStatus.SUBMITTED],
            start_date__lte=end,
            end_date__gte=start,
        )
        if organization is not None:
            requests = requests.filter(
                Exists(
                    PartnershipParty.objects.filter(
                        partnership_id=OuterRef("allocation__partnership_id"), organization=organization
                    )
                )
            )
        if territory is not None:
            requests = requests.filter(territory=territory)
        for r in requests.select_related("allocation__partnership"):
            items.append(
                Item(
                    f"fund-{r.uuid}",
                    "fund",
                    r.get_activity_type_display(),
                    f"{r.allocation.partnership.name}: {r.title}",
                    r.start_date,
                    r.end_date,
                    r.get_absolute_url(),
                )
            )
    if source in ("", "plan") and territory is None:
        actions = PlanAction.objects.visible_to(user).filter(start_date__lte=end, end_date__gte=start)
        if organization is not None:
            actions = actions.filter(sub_plan__cooperation__members=organization)
        for a in actions.select_related("sub_plan__cooperation").distinct():
            items.append(
                Item(
                    f"plan-{a.uuid}",
                    "plan",
                    a.sub_plan.get_kind_display(),
                    f"{a.sub_plan.cooperation.name}: {a.title}",
                    a.start_date,
                    a.end_date,
                    a.sub_plan.cooperation.get_absolute_url(),
                )
            )
    return sorted(items, key=lambda i: (i.start, i.title))


def to_ical(items, base_url: str, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Meute//Marketing calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = datetime.datetime.now(datetime.UTC)
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@meute")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end + datetime.timedelta(days=1))  # DTEND of an all-day event is exclusive
        event.add("summary", item.title)
        event.add("categories", [str(item.source_label), str(item.kind)])
        event.add("url", base_url + item.url)
        if item.where:
            event.add("location", item.where)
        calendar.add_component(event)
    return calendar.to_ical()
