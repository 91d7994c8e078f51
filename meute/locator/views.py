"""The public partner locator (no login), its enquiry form, and the signed-in pages around it: a partner's
enquiries and its locator profile."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meute.core.models import Organization
from meute.lib import access
from meute.lib.pagination import CappedCountPaginator
from meute.lib.views import VisibleObjectMixin, VisibleQuerysetMixin, add_form_errors, request_actor
from meute.locator import labels
from meute.locator import listing as locator
from meute.locator.choices import EnquiryStatus, LabelKind
from meute.locator.forms import (
    AwardForm,
    EnquiryForm,
    EnquiryStatusForm,
    LabelForm,
    LocatorProfileForm,
    LocatorSearchForm,
)
from meute.locator.models import Enquiry, Label, LabelAward, LocatorProfile


class LocatorView(TemplateView):
    """Public: search listed partners."""

    template_name = "locator/locator.html"

    def get_context_data(self, **kwargs):
        form = LocatorSearchForm(self.request.GET or None, tiers=list(locator.listed_tiers()))
        invalid = form.is_bound and not form.is_valid()
        # An unknown filter value matches nothing (the form says which value it did not know).
        results = (
            locator.search(form.cleaned_data if form.is_bound else {})
            if not invalid
            else locator.listed_organizations().none()
        )
        paginator = CappedCountPaginator(results, 20)
        page = paginator.get_page(self.request.GET.get("page"))
        kwargs.update(
            form=form,
            page_obj=page,
            paginator=paginator,
            entries=locator.public_entries(page.object_list),
            invalid=invalid,
        )
        return super().get_context_data(**kwargs)


class LocatorEntryView(TemplateView):
    """Public: one listed partner's card and the enquiry form."""

    template_name = "locator/entry.html"

    def get_organization(self):
        try:
            return locator.listed_organizations().get(uuid=self.kwargs["uuid"])
        except (Organization.DoesNotExist, ValidationError, ValueError) as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        organization = self.get_organization()
        kwargs.setdefault("form", EnquiryForm())
        kwargs.update(entry=locator.public_entries([organization])[0])
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        organization = self.get_organization()
        form = EnquiryForm(request.POST)
        if form.is_robot:
            # Say nothing to robots: the enquiry is simply not stored.
            return redirect("locator-enquiry-sent", uuid=organization.uuid)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not locator.enquiry_allowed(request):
            form.add_error(None, _("Too many enquiries from your address: please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            locator.create_enquiry(
                organization,
                ip_address=request.META.get("REMOTE_ADDR") or None,
                **{k: form.cleaned_data[k] for k in ("name", "company", "email", "phone", "message")},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        return redirect("locator-enquiry-sent", uuid=organization.uuid)


class EnquirySentView(TemplateView):
    template_name = "locator/sent.html"

    def get_context_data(self, **kwargs):
        organization = get_object_or_404(locator.listed_organizations(), uuid=self.kwargs["uuid"])
        kwargs.update(organization=organization)
        return super().get_context_data(**kwargs)


class EnquiryListView(VisibleQuerysetMixin, TemplateView):
    model = Enquiry
    template_name = "locator/enquiry_list.html"

    def get_context_data(self, **kwargs):
        queryset = self.get_visible_queryset().select_related("organization")
        status = self.request.GET.get("status")
        if status in EnquiryStatus.values:
            queryset = queryset.filter(status=status)
        paginator = CappedCountPaginator(queryset, 25)
        page = paginator.get_page(self.request.GET.get("page"))
        kwargs.update(
            page_obj=page,
            paginator=paginator,
            enquiries=page.object_list,
            statuses=EnquiryStatus.choices,
            status=status,
        )
        return super().get_context_data(**kwargs)


class EnquiryDetailView(VisibleObjectMixin, TemplateView):
    model = Enquiry
    template_name = "locator/enquiry_detail.html"

    def get_context_data(self, **kwargs):
        enquiry = self.get_object()
        if access.can_change(self.request.user, enquiry):
            kwargs.setdefault("status_form", EnquiryStatusForm(initial={"status": enquiry.status}))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        enquiry = self.get_object()
        access.require(access.can_change(request.user, enquiry))
        form = EnquiryStatusForm(request.POST)
        if form.is_valid():
            enquiry.status = form.cleaned_data["status"]
            with request_actor(request):
                enquiry.save(update_fields=["status", "updated_at"])
            messages.success(request, _("Enquiry updated."))
            return redirect(enquiry.get_absolute_url())
        return self.render_to_response(self.get_context_data(status_form=form), status=400)


class LocatorProfileView(LoginRequiredMixin, TemplateView):
    """A partner's consent to be listed (its own organisation; staff name the organisation)."""

    template_name = "locator/profile.html"

    def get_organization(self):
        user = self.request.user
        if user.is_partner_user:
            return user.organization
        uuid = self.request.GET.get("organization") or self.request.POST.get("organization")
        if not uuid:
            raise Http404
        try:
            return get_object_or_404(Organization.objects.partners(), uuid=uuid)
        except (ValidationError, ValueError) as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        organization = self.get_organization()
        profile = LocatorProfile.objects.filter(organization=organization).first()
        kwargs.setdefault("form", LocatorProfileForm(instance=profile))
        kwargs.update(
            organization=organization,
            listed=locator.is_listed(organization),
            tier_allows=locator.listing_seats().filter(organization=organization).exists(),
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        organization = self.get_organization()
        user = request.user
        if not (user.is_partner_user or user.can_edit_all):
            raise PermissionDenied
        profile = LocatorProfile.objects.filter(organization=organization).first()
        form = LocatorProfileForm(request.POST, instance=profile or LocatorProfile(organization=organization))
        if form.is_valid():
            with request_actor(request):
                form.save()
            messages.success(request, _("Locator profile saved."))
            suffix = "" if user.is_partner_user else f"?organization={organization.uuid}"
            return redirect(f"{request.path}{suffix}")
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _require_editor(user):
    if not (user.is_staff_member and user.can_edit_all):
        raise PermissionDenied


class LabelListView(VisibleQuerysetMixin, TemplateView):
    model = Label
    template_name = "locator/labels/label_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        catalogue = self.get_visible_queryset().select_related("program", "min_tier")
        if user.is_staff_member:
            catalogue = catalogue.annotate(holders=Count("awards"))
        kwargs.update(
            catalogue=list(catalogue),
            own_awards=[] if user.is_staff_member else list(labels.current_awards([user.organization_id])),
            can_create=access.can_create(user, Label),
        )
        return super().get_context_data(**kwargs)


class LabelDetailView(VisibleObjectMixin, TemplateView):
    model = Label
    template_name = "locator/labels/label_detail.html"

    def get_context_data(self, **kwargs):
        label = self.get_object()
        awards = (
            LabelAward.objects.visible_to(self.request.user)
            .filter(label=label)
            .select_related("organization", "awarded_by")
        )
        can_award = label.kind == LabelKind.MANUAL and access.can_change(self.request.user, label)
        kwargs.setdefault("award_form", AwardForm() if can_award else None)
        kwargs.update(awards=list(awards[:500]), award_total=awards.count())
        return super().get_context_data(**kwargs)


class LabelFormView(VisibleQuerysetMixin, TemplateView):
    model = Label
    template_name = "locator/labels/label_form.html"

    def get_label(self):
        if "uuid" not in self.kwargs:
            access.require(access.can_create(self.request.user, Label))
            return None
        label = get_object_or_404(self.get_visible_queryset(), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, label))
        return label

    def get(self, request, *args, **kwargs):
        label = self.get_label()
        return self.render_to_response(self.get_context_data(form=LabelForm(instance=label), object=label))

    def post(self, request, *args, **kwargs):
        label = self.get_label()
        form = LabelForm(request.POST, instance=label)
        if form.is_valid():
            with request_actor(request):
                label = form.save()
            messages.success(request, _("Label saved."))
            return redirect(label.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, object=label), status=400)


class LabelEvaluateView(VisibleQuerysetMixin, View):
    """Evaluate every rule label (or the one named by ``label``) over all partners now."""

    model = Label

    def post(self, request, *args, **kwargs):
        _require_editor(request.user)
        queryset = Label.objects.filter(kind=LabelKind.RULE)
        if request.POST.get("label"):
            queryset = queryset.filter(uuid=request.POST["label"])
        with request_actor(request):
            for label in queryset:
                try:
                    run = labels.evaluate_label(label)
                except ValidationError as exc:
                    messages.error(request, f"{label.name}: {' '.join(exc.messages)}")
                    continue
                messages.success(
                    request,
                    _("%(label)s: %(holders)s holders (%(new)s new, %(removed)s removed).")
                    % {
                        "label": label.name,
                        "holders": run.holders,
                        "new": run.awarded,
                        "removed": run.removed,
                    },
                )
        target = request.POST.get("next") or ""
        return redirect(target if target.startswith("/locator/labels/") else "label-list")


class LabelAwardView(LabelDetailView):
    def post(self, request, *args, **kwargs):
        label = self.get_object()
        _require_editor(request.user)
        form = AwardForm(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    labels.award_by_hand(
                        label,
                        form.cleaned_data["organization"],
                        request.user,
                        reason=form.cleaned_data["reason"],
                        valid_until=form.cleaned_data["valid_until"],
                    )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Label awarded."))
                return redirect(label.get_absolute_url())
        return self.render_to_response(self.get_context_data(award_form=form), status=400)


class LabelRevokeView(VisibleQuerysetMixin, View):
    model = LabelAward

    def post(self, request, *args, **kwargs):
        _require_editor(request.user)
        award = get_object_or_404(LabelAward.objects.select_related("label"), uuid=kwargs["uuid"])
        with request_actor(request):
            award.delete()
        messages.success(request, _("Label removed from %(partner)s.") % {"partner": award.organization})
        return redirect(award.label.get_absolute_url())
