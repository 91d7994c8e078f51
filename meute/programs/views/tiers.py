"""A tier's page for the operator's staff: its rules in force, the history of its rule versions, and the
versions scheduled for later (schedule, change, simulate, delete). Thin: the rules live in
``rule_versions``. Partner users are refused every page here."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.core.views import history_context
from meute.lib import access
from meute.lib.views import add_form_errors, request_actor
from meute.programs import rule_versions
from meute.programs.forms import TierRuleVersionForm
from meute.programs.models import Program, TierRuleVersion


class TierStaffMixin(LoginRequiredMixin):
    """The programme and tier of the URL, for the operator's staff only (partner users: 403)."""

    needs_change = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_tier(self):
        if not hasattr(self, "_tier"):
            program = get_object_or_404(
                Program.objects.visible_to(self.request.user), uuid=self.kwargs["uuid"]
            )
            tier = get_object_or_404(program.tiers.select_related("program"), uuid=self.kwargs["tier_uuid"])
            if self.needs_change:
                access.require(access.can_change(self.request.user, tier))
            self._tier = tier
        return self._tier

    def get_version(self):
        return get_object_or_404(
            TierRuleVersion.objects.visible_to(self.request.user).filter(tier=self.get_tier()),
            uuid=self.kwargs["version_uuid"],
        )


class TierDetailView(TierStaffMixin, TemplateView):
    template_name = "programs/tier_detail.html"

    def get_context_data(self, **kwargs):
        tier = self.get_tier()
        rows = rule_versions.history(tier)
        kwargs.update(
            program=tier.program,
            tier=tier,
            rows=rows,
            in_force=next((r for r in rows if r.status == rule_versions.CURRENT), None),
            scheduled=[r for r in rows if r.is_scheduled],
            holders=tier.holders.count(),
            can_change=access.can_change(self.request.user, tier),
            history=history_context(tier),
        )
        return super().get_context_data(**kwargs)


class TierVersionFormView(TierStaffMixin, TemplateView):
    """Schedule a new version (no ``version_uuid``) or change a scheduled one; "simulate" shows what the
    rules would do with today's figures, nothing saved."""

    template_name = "programs/tier_version_form.html"
    needs_change = True

    def get_objects(self):
        tier = self.get_tier()
        version = self.get_version() if "version_uuid" in self.kwargs else None
        return tier, version

    def start_values(self, tier, version):
        if version is not None:
            return version.rule_values(), version.effective_from
        rows = list(tier.versions.order_by("effective_from"))
        latest = rows[-1] if rows else None  # a new version starts from the latest rules, scheduled or not
        values = latest.rule_values() if latest else {n: getattr(tier, n) for n in rule_versions.RULE_FIELDS}
        return values, None

    def refuse_if_not_scheduled(self, request, tier, version):
        if version is None:
            return None
        try:
            rule_versions.require_scheduled(version)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("program-tier-detail", uuid=tier.program.uuid, tier_uuid=tier.uuid)
        return None

    def get(self, request, *args, **kwargs):
        tier, version = self.get_objects()
        refused = self.refuse_if_not_scheduled(request, tier, version)
        if refused:
            return refused
        values, effective_from = self.start_values(tier, version)
        form = TierRuleVersionForm(values=values, effective_from=effective_from)
        return self.render_to_response(self.get_context_data(tier=tier, version=version, form=form))

    def post(self, request, *args, **kwargs):
        tier, version = self.get_objects()
        refused = self.refuse_if_not_scheduled(request, tier, version)
        if refused:
            return refused
        values, _start = self.start_values(tier, version)
        form = TierRuleVersionForm(request.POST, values=values)
        simulation = None
        if form.is_valid():
            effective_from = form.cleaned_data["effective_from"]
            try:
                if "simulate" in request.POST:
                    simulation = rule_versions.simulate_version(
                        tier, effective_from, form.rule_values(), version=version
                    )
                else:
                    with request_actor(self.request):
                        if version is None:
                            version = rule_versions.schedule_version(tier, effective_from, form.rule_values())
                        else:
                            version = rule_versions.update_scheduled_version(
                                version, effective_from, form.rule_values()
                            )
                    messages.success(
                        request,
                        _("The new rules of %(tier)s apply from %(date)s.")
                        % {"tier": tier.name, "date": date_format(version.effective_from)},
                    )
                    return redirect(version)
            except ValidationError as exc:
                if getattr(exc, "code", None) in ("version_in_force", "version_past"):
                    messages.error(request, " ".join(exc.messages))
                    return redirect("program-tier-detail", uuid=tier.program.uuid, tier_uuid=tier.uuid)
                add_form_errors(form, exc)
        context = self.get_context_data(tier=tier, version=version, form=form, simulation=simulation)
        return self.render_to_response(context, status=200 if simulation else 422)

    def get_context_data(self, **kwargs):
        kwargs.update(program=self.get_tier().program, today=timezone.localdate())
        return super().get_context_data(**kwargs)


class TierVersionDeleteView(TierStaffMixin, TemplateView):
    http_method_names = ["post"]
    needs_change = True

    def post(self, request, *args, **kwargs):
        tier = self.get_tier()
        version = self.get_version()
        try:
            with request_actor(self.request):
                rule_versions.delete_scheduled_version(version)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The version of %(tier)s scheduled from %(date)s is deleted.")
                % {"tier": tier.name, "date": date_format(version.effective_from)},
            )
        return redirect("program-tier-detail", uuid=tier.program.uuid, tier_uuid=tier.uuid)
