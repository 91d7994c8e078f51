"""The public partner locator (no login), its enquiry form, and the signed-in pages around it: a partner's
enquiries and its locator profile."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.core.models import Organization
from meute.lib import access
from meute.lib.pagination import CappedCountPaginator
from meute.lib.views import VisibleObjectMixin, VisibleQuerysetMixin, request_actor

from . import locator
from .forms_locator import EnquiryForm, EnquiryStatusForm, LocatorProfileForm, LocatorSearchForm
from .models import Enquiry, EnquiryStatus, LocatorProfile


class LocatorView(TemplateView):
    """Public: search listed partners."""

    template_name = "programs/locator/locator.html"

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

    template_name = "programs/locator/entry.html"

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
    template_name = "programs/locator/sent.html"

    def get_context_data(self, **kwargs):
        organization = get_object_or_404(locator.listed_organizations(), uuid=self.kwargs["uuid"])
        kwargs.update(organization=organization)
        return super().get_context_data(**kwargs)


class EnquiryListView(VisibleQuerysetMixin, TemplateView):
    model = Enquiry
    template_name = "programs/locator/enquiry_list.html"

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
    template_name = "programs/locator/enquiry_detail.html"

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

    template_name = "programs/locator/profile.html"

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
