"""The home page of whoever signs in, answering "what needs me now".

A partner sees its deals and their protections, the leads waiting for its answer, its tier progress, the
agreements it has to sign and its portal cards; a member of a grouping also sees the proposals to answer,
the grouping's open checklist items, the playbook items it owns and its payouts. A channel manager sees the
review queue, the tier changes to approve, the leads back in the queue and the protections ending soon. An
administrator (and read-only staff) sees the network overview.
"""

from auditlog.models import LogEntry
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from meute.core.choices import UserRole
from meute.core.models import Organization, Person
from meute.deals.models import DealRegistration
from meute.lib import access
from meute.partnerships.choices import LifecycleStage, PartnershipStatus
from meute.partnerships.models import Partnership, PartnershipParty

from . import needs, partner360


def partnerships_with_parties(queryset):
    return queryset.prefetch_related(
        Prefetch("parties", queryset=PartnershipParty.objects.select_related("organization"))
    )


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "home/dashboard.html"

    @staticmethod
    def _counts(found, choices):
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
            try:
                for pk, public_id in model.objects.filter(pk__in=pks).values_list("pk", "uuid"):
                    urls[(content_type_id, str(pk))] = model(pk=pk, uuid=public_id).get_absolute_url()
            except ObjectDoesNotExist:
                # The address names a related record (a lead offer's is its lead's): read the rows whole
                # with the records they point to, in one query for the type rather than two per entry.
                for row in model.objects.select_related().filter(pk__in=pks):
                    urls[(content_type_id, str(row.pk))] = row.get_absolute_url()
        for entry in entries:
            entry.url = urls.get((entry.content_type_id, entry.object_pk))
        return entries

    def get_template_names(self):
        user = self.request.user
        if user.is_partner_user:
            return ["home/partner.html"]
        if user.role == UserRole.CHANNEL_MANAGER and not user.is_superuser:
            return ["home/manager.html"]
        return ["home/dashboard.html"]

    def get_context_data(self, **kwargs):
        user = self.request.user
        if user.is_partner_user:
            kwargs.update(self._partner_context(user))
        elif user.role == UserRole.CHANNEL_MANAGER and not user.is_superuser:
            kwargs.update(
                queue=needs.review_queue(user),
                follow_ups=needs.manager_follow_ups(user),
                recent_changes=self._recent_changes(),
            )
        else:
            kwargs.update(self._overview_context(user))
        return super().get_context_data(**kwargs)

    def _partner_context(self, user):
        context = {
            "deals": needs.partner_deals(user),
            "offers": needs.partner_offers(user),
            "agreements": needs.agreements_to_sign(user),
            "my_partnerships": list(
                partnerships_with_parties(Partnership.objects.visible_to(user).order_by("name"))[:8]
            ),
            "can_create_deal": access.can_create(user, DealRegistration),
        }
        member = needs.member_needs(user)
        if member is not None:
            context["member"] = member
        return context

    def _overview_context(self, user):
        partnerships = Partnership.objects.visible_to(user)
        # Both charts from one pass over the partnerships: counts by status and stage together.
        statuses, stages = {}, {}
        for status, stage, n in (
            partnerships.order_by().values_list("status", "stage").annotate(n=Count("pk"))
        ):
            statuses[status] = statuses.get(status, 0) + n
            stages[stage] = stages.get(stage, 0) + n
        by_status = self._counts(statuses, PartnershipStatus.choices)
        context = dict(
            organization_count=Organization.objects.visible_to(user).count(),
            person_count=Person.objects.visible_to(user).count(),
            partnership_count=sum(row["count"] for row in by_status),
            by_status=by_status,
            by_stage=self._counts(stages, LifecycleStage.choices),
            recent_changes=self._recent_changes(),
            my_partnerships=list(partnerships_with_parties(partnerships.order_by("-updated_at"))[:8]),
            can_create_organization=access.can_create(user, Organization),
            can_create_partnership=access.can_create(user, Partnership),
        )
        if user.can_edit_all:
            context["queue"] = needs.review_queue(user)
            context["follow_ups"] = needs.manager_follow_ups(user)
        return context


class Partner360View(LoginRequiredMixin, TemplateView):
    """One partner organisation's whole story (``partner360.partner_story``). Staff open any partner; a
    partner user only its own organisation (any other answers 404, as if it did not exist)."""

    template_name = "home/partner360.html"

    def get_context_data(self, **kwargs):
        organization = get_object_or_404(
            Organization.objects.visible_to(self.request.user).filter(is_operator=False), uuid=kwargs["uuid"]
        )
        kwargs.update(organization=organization, **partner360.partner_story(self.request.user, organization))
        return super().get_context_data(**kwargs)
