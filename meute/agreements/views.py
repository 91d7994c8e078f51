"""Agreement pages: staff publish versions and see who accepted what; partners read and sign."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.agreements import signing as agreements
from meute.agreements.forms import AcceptForm, GateSettingForm, PublishAgreementForm
from meute.agreements.models import Agreement, AgreementAcceptance, AgreementSetting
from meute.lib import access
from meute.lib.views import VisibleObjectMixin, VisibleQuerysetMixin, add_form_errors, request_actor
from meute.programs.models import Program


class AgreementListView(VisibleQuerysetMixin, TemplateView):
    """Staff: every programme's agreements and acceptances. Partner: what applies to it and its signatures."""

    model = AgreementAcceptance
    template_name = "agreements/agreement_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        acceptances = (
            self.get_visible_queryset()
            .select_related("agreement__program", "organization", "user")
            .order_by("-accepted_at")
        )
        program = _program_from(self.request.GET.get("program")) if user.is_staff_member else None
        if program is not None:
            acceptances = acceptances.filter(agreement__program=program)
        kwargs.update(
            acceptances=list(acceptances[:500]),
            applicable=[]
            if user.is_staff_member
            else agreements.applicable_for_organization(user.organization_id),
            programs=list(Program.objects.visible_to(user)) if user.is_staff_member else [],
            selected_program=program,
        )
        return super().get_context_data(**kwargs)


def _program_from(value):
    """The programme named by a ``?program=<uuid>`` filter; nothing for an empty or malformed value."""
    try:
        return Program.objects.filter(uuid=uuid.UUID(str(value))).first() if value else None
    except ValueError:
        return None


class ProgramAgreementsView(VisibleObjectMixin, TemplateView):
    """A programme's agreement versions per partner type, the gate setting and the publish form (staff)."""

    model = Program
    template_name = "agreements/program_agreements.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        program = self.get_object()
        can_change = access.can_change(self.request.user, program)
        setting = AgreementSetting.objects.filter(program=program).first() or AgreementSetting(
            program=program
        )
        versions = list(Agreement.objects.filter(program=program).order_by("partner_type", "-version"))
        counts = {}
        for agreement_id in AgreementAcceptance.objects.filter(agreement__program=program).values_list(
            "agreement_id", flat=True
        ):
            counts[agreement_id] = counts.get(agreement_id, 0) + 1
        current = {a.pk for a in agreements.current_versions(program).values()}
        for agreement in versions:
            agreement.acceptance_count = counts.get(agreement.pk, 0)
            agreement.is_current = agreement.pk in current
        kwargs.setdefault("publish_form", PublishAgreementForm() if can_change else None)
        kwargs.setdefault("gate_form", GateSettingForm(instance=setting) if can_change else None)
        kwargs.update(versions=versions, setting=setting, can_change=can_change)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        program = self.get_object()
        access.require(access.can_change(request.user, program))
        if "gate_features" in request.POST or request.POST.get("action") == "gate":
            setting = AgreementSetting.objects.filter(program=program).first() or AgreementSetting(
                program=program
            )
            form = GateSettingForm(request.POST, instance=setting)
            if form.is_valid():
                with request_actor(request):
                    form.save()
                messages.success(request, _("Agreement setting saved."))
                return redirect("program-agreements", uuid=program.uuid)
            return self.render_to_response(self.get_context_data(gate_form=form))
        form = PublishAgreementForm(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    agreement = agreements.publish(
                        program,
                        form.cleaned_data["partner_type"],
                        form.cleaned_data["title"],
                        form.cleaned_data["text"],
                        user=request.user,
                    )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(
                    request, _("Version %(version)s published.") % {"version": agreement.version}
                )
                return redirect("program-agreements", uuid=program.uuid)
        return self.render_to_response(self.get_context_data(publish_form=form), status=400)


class AgreementDetailView(VisibleObjectMixin, TemplateView):
    """One version's text; a partner whose organisation must sign it signs here; staff see who signed."""

    model = Agreement
    template_name = "agreements/agreement_detail.html"

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("program")

    def applicable(self):
        user = self.request.user
        if user.is_staff_member:
            return None
        agreement = self.get_object()
        for item in agreements.applicable_for_organization(user.organization_id, agreement.program):
            if item.agreement.pk == agreement.pk:
                return item
        return None

    def get_context_data(self, **kwargs):
        agreement = self.get_object()
        user = self.request.user
        item = self.applicable()
        own = AgreementAcceptance.objects.visible_to(user).filter(agreement=agreement)
        current = agreements.current_versions(agreement.program).get(agreement.partner_type)
        if item is not None and item.accepted is None and "form" not in kwargs:
            kwargs["form"] = AcceptForm(initial={"version": agreement.version})
        kwargs.update(
            acceptances=list(own.select_related("organization", "user")),
            applicable=item,
            current=current,
            is_current=current is not None and current.pk == agreement.pk,
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        agreement = self.get_object()
        form = AcceptForm(request.POST)
        if request.user.is_staff_member:
            raise PermissionDenied
        if form.is_valid():
            try:
                agreements.accept(
                    agreement,
                    request.user,
                    signer_name=form.cleaned_data["signer_name"],
                    signer_title=form.cleaned_data["signer_title"],
                    version=form.cleaned_data["version"],
                    ip_address=agreements.client_ip(request),
                )
            except ValidationError as exc:
                for field, errors in (
                    exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
                ):
                    form.add_error(field if field in ("signer_name", "signer_title") else None, errors)
            else:
                messages.success(request, _("Thank you: the agreement is accepted."))
                return redirect("agreement-detail", uuid=agreement.uuid)
        return self.render_to_response(self.get_context_data(form=form), status=400)
