"""The home page: counters, charts and the latest changes, for whoever signs in."""

from auditlog.models import LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch
from django.views.generic import TemplateView

from meute.core.models import Organization, Person
from meute.lib import access
from meute.partnerships.choices import LifecycleStage, PartnershipStatus
from meute.partnerships.models import Partnership, PartnershipParty


def partnerships_with_parties(queryset):
    return queryset.prefetch_related(
        Prefetch("parties", queryset=PartnershipParty.objects.select_related("organization"))
    )


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "home/dashboard.html"

    @staticmethod
    def _counts(queryset, field, choices):
        found = dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))
        rows = [{"value": value, "label": label, "count": found.get(value, 0)} for value, label in choices]
        top = max((r["count"] for r in rows), default=0)
        for index, row in enumerate(rows):
            row["percent"] = round(100 * row["count"] / top) if top else 0
            # Geometry of the inline SVG column chart (600 x 230, baseline at y=190).
            row["h"] = round(160 * row["count"] / top) if top else 0
            row["x"] = 15 + index * 100
            row["cx"] = row["x"] + 35
            row["y"] = 190 - row["h"]
            row["label_y"] = row["y"] - 6
        return rows

    def _recent_changes(self):
        entries = list(LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")[:12])
        pks_by_type = {}
        for entry in entries:
            pks_by_type.setdefault(entry.content_type_id, set()).add(entry.object_pk)
        urls = {}
        for content_type_id, pks in pks_by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None or not hasattr(model, "get_absolute_url") or not hasattr(model, "uuid"):
                continue
            for pk, public_id in model.objects.filter(pk__in=pks).values_list("pk", "uuid"):
                try:
                    url = model(pk=pk, uuid=public_id).get_absolute_url()
                except ObjectDoesNotExist:  # the address names a related record: read the whole row
                    url = model.objects.get(pk=pk).get_absolute_url()
                urls[(content_type_id, str(pk))] = url
        for entry in entries:
            entry.url = urls.get((entry.content_type_id, entry.object_pk))
        return entries

    def get_context_data(self, **kwargs):
        user = self.request.user
        partnerships = Partnership.objects.visible_to(user)
        by_status = self._counts(partnerships, "status", PartnershipStatus.choices)
        kwargs.update(
            organization_count=Organization.objects.visible_to(user).count(),
            person_count=Person.objects.visible_to(user).count(),
            partnership_count=sum(row["count"] for row in by_status),
            by_status=by_status,
            by_stage=self._counts(partnerships, "stage", LifecycleStage.choices),
            recent_changes=self._recent_changes() if user.is_staff_member else [],
            my_partnerships=list(
                partnerships_with_parties(
                    partnerships.order_by("name")
                    if user.is_partner_user
                    else partnerships.order_by("-updated_at")
                )[:8]
            ),
            can_create_organization=access.can_create(user, Organization),
            can_create_partnership=access.can_create(user, Partnership),
        )
        return super().get_context_data(**kwargs)
