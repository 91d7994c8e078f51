"""Pages of the groupings area: member profiles, suggestions, proposals, packs, groupings, the checklist.

Rows always come from ``visible_to(user)`` (or, for profiles members may browse, ``discoverable_by``): a
row the user may not see is a 404. Actions a user may not take are a 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meute.core.models import Organization
from meute.core.views import history_context
from meute.lib.views import request_actor
from meute.partnerships.models import PartnershipParty

from . import groupings, matching, pillars
from .forms import (
    AddMemberForm,
    CharterForm,
    MemberProfileForm,
    OnBehalfProposalForm,
    PackForm,
    PillarItemForm,
    ProposalForm,
)
from .models import MatchProposal, MemberProfile, PillarItem


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _own_message(field, code) -> bool:
    """Whether the field says this error in its own words (``error_messages=``), not Django's generic ones."""
    defaults = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return code in field.error_messages and str(field.error_messages[code]) != str(defaults.get(code))


def form_errors_text(form) -> str:
    """A form's errors as one message, for pages that redirect and show them away from the fields: Django's
    generic messages ("This field is required.") are prefixed with the field's label."""
    parts = []
    for name, errors in form.errors.as_data().items():
        field = form.fields.get(name)
        for error in errors:
            for text in error.messages:
                if field is None or not field.label or _own_message(field, error.code):
                    parts.append(text)
                else:
                    parts.append(_("%(field)s: %(error)s") % {"field": field.label, "error": text})
    return " ".join(parts)


def _visible_organization(user, uuid) -> Organization:
    """A member organisation the user may act for: their own (partner), any partner (staff)."""
    try:
        return get_object_or_404(Organization.objects.visible_to(user).filter(is_operator=False), uuid=uuid)
    except ValueError as exc:
        raise Http404 from exc


def _can_edit_profile(user, organization) -> bool:
    if user.can_edit_all:
        return True
    return user.is_partner_user and user.organization_id == organization.pk


# --------------------------------------------------------------------------------------------- profiles


class MyProfileView(LoginRequiredMixin, View):
    """ "My profile": a partner user's own member profile; staff go to the list of profiles."""

    def get(self, request):
        if request.user.is_partner_user:
            return redirect("groupings:profile-edit", uuid=request.user.organization.uuid)
        return redirect("groupings:profile-list")


class ProfileListView(LoginRequiredMixin, TemplateView):
    template_name = "groupings/profile_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        profiles = MemberProfile.objects.discoverable_by(user).select_related("organization")
        query = self.request.GET.get("q", "").strip()
        if query:
            profiles = profiles.filter(organization__search_text__contains=matching.fold(query))
        page = Paginator(profiles.order_by("organization__name", "pk"), 25).get_page(
            self.request.GET.get("page")
        )
        kwargs.update(page_obj=page, object_list=page.object_list, query=query)
        return super().get_context_data(**kwargs)


class ProfileDetailView(LoginRequiredMixin, TemplateView):
    template_name = "groupings/profile_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        try:
            profile = get_object_or_404(
                MemberProfile.objects.discoverable_by(user).select_related("organization"),
                uuid=self.kwargs["uuid"],
            )
        except ValueError as exc:
            raise Http404 from exc
        explanation = None
        own = None
        if user.is_partner_user and profile.organization_id != user.organization_id:
            own = MemberProfile.objects.filter(organization_id=user.organization_id).first()
            if own is not None:
                explanation = matching.explain_pair(own, profile)
        kwargs.update(
            object=profile,
            explanation=explanation,
            can_edit=_can_edit_profile(user, profile.organization),
            can_propose=own is not None,
            proposal_form=ProposalForm(),
            behalf_form=OnBehalfProposalForm(proposer=profile.organization, limit=RECIPIENTS_LISTED)
            if user.can_edit_all
            else None,
            sectors=profile.sectors.all(),
            territories=profile.territories.all(),
        )
        return super().get_context_data(**kwargs)


class ProfileEditView(LoginRequiredMixin, TemplateView):
    """Create or change the member profile of one organisation (its own users, or staff editors)."""

    template_name = "groupings/profile_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organization = _visible_organization(request.user, kwargs["uuid"])
            if not _can_edit_profile(request.user, self.organization):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_profile(self):
        return MemberProfile.objects.filter(organization=self.organization).first() or MemberProfile(
            organization=self.organization
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", MemberProfileForm(instance=self.get_profile()))
        kwargs["organization"] = self.organization
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = MemberProfileForm(request.POST, instance=self.get_profile())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        with request_actor(request), transaction.atomic():
            profile = form.save()
        messages.success(request, _("Profile saved."))
        return redirect("groupings:profile-detail", uuid=profile.uuid)


# ------------------------------------------------------------------------------------------ suggestions


class SuggestionsView(LoginRequiredMixin, TemplateView):
    """Members proposed to one member, each with its score and reasons."""

    template_name = "groupings/suggestions.html"

    def get(self, request, *args, **kwargs):
        if "uuid" not in kwargs:
            if request.user.is_partner_user:
                return redirect("groupings:suggestion-list", uuid=request.user.organization.uuid)
            return redirect("groupings:profile-list")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        organization = _visible_organization(self.request.user, self.kwargs["uuid"])
        profile = MemberProfile.objects.filter(organization=organization).first()
        suggestions = matching.suggestions_for(profile, limit=20) if profile else []
        kwargs.update(
            organization=organization,
            profile=profile,
            suggestions=suggestions,
            can_propose=self.request.user.is_partner_user,
            # Staff editors propose on behalf of the member whose suggestions these are.
            propose_on_behalf=self.request.user.can_edit_all,
            proposal_form=ProposalForm(),
        )
        return super().get_context_data(**kwargs)


# -------------------------------------------------------------------------------------------- proposals


class ProposeView(LoginRequiredMixin, View):
    """A member proposes to another (whose profile is opted in to matchmaking)."""

    def post(self, request, uuid):
        profile = get_object_or_404(MemberProfile.objects.discoverable_by(request.user), uuid=uuid)
        form = ProposalForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect("groupings:profile-detail", uuid=profile.uuid)
        try:
            with request_actor(request):
                groupings.propose(request.user, profile.organization, form.cleaned_data["message"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("groupings:profile-detail", uuid=profile.uuid)
        messages.success(request, _("Proposal sent to %(name)s.") % {"name": profile.organization.name})
        return redirect("groupings:proposal-list")


RECIPIENTS_LISTED = 500  # members offered in the "propose on behalf" list of a profile page


class ProposeOnBehalfView(LoginRequiredMixin, View):
    """Staff editors propose on behalf of a member (the URL's) to another member, with a message.

    The same rules as a member's own proposal (``groupings.propose``): one pending proposal per pair, a
    profile on both sides, no proposal to oneself. The proposal records the staff user who made it.
    Partner users propose for their own organisation only, from the profile pages (403 here).
    """

    def post(self, request, uuid):
        proposer = _visible_organization(request.user, uuid)
        if not request.user.can_edit_all:
            raise PermissionDenied
        back = self._back(request, proposer)
        form = OnBehalfProposalForm(request.POST, proposer=proposer)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return back
        recipient = form.cleaned_data["recipient"]
        try:
            with request_actor(request):
                groupings.propose(request.user, recipient, form.cleaned_data["message"], proposer)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return back
        messages.success(
            request,
            _("Proposal sent to %(recipient)s on behalf of %(proposer)s.")
            % {"recipient": recipient.name, "proposer": proposer.name},
        )
        return redirect("groupings:proposal-list")

    @staticmethod
    def _back(request, proposer):
        """Back to the page the form was on: the member's suggestions or its profile."""
        if request.POST.get("back") == "suggestions":
            return redirect("groupings:suggestion-list", uuid=proposer.uuid)
        profile = MemberProfile.objects.filter(organization=proposer).first()
        if profile is None:
            return redirect("groupings:profile-list")
        return redirect("groupings:profile-detail", uuid=profile.uuid)


class ProposalListView(LoginRequiredMixin, TemplateView):
    template_name = "groupings/proposal_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        proposals = MatchProposal.objects.visible_to(user).select_related(
            "proposer", "recipient", "proposed_by"
        )
        context = {"proposals": proposals[:200]}
        if user.is_partner_user:
            org_id = user.organization_id
            context.update(
                incoming=[p for p in proposals.filter(recipient_id=org_id)[:100]],
                outgoing=[p for p in proposals.filter(proposer_id=org_id)[:100]],
                pack_form=kwargs.pop("pack_form", None)
                or PackForm(contacts=groupings.contacts_of(user.organization)),
            )
        kwargs.update(context)
        return super().get_context_data(**kwargs)


PROPOSAL_ACTIONS = {"accept": groupings.accept, "decline": groupings.decline, "withdraw": groupings.withdraw}


class ProposalActionView(LoginRequiredMixin, View):
    def post(self, request, uuid, action):
        if action not in PROPOSAL_ACTIONS:
            raise Http404
        proposal = get_object_or_404(MatchProposal.objects.visible_to(request.user), uuid=uuid)
        try:
            with request_actor(request):
                proposal = PROPOSAL_ACTIONS[action](proposal, request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, _("Proposal %(status)s.") % {"status": proposal.get_status_display().lower()}
            )
        return redirect("groupings:proposal-list")


class PackCreateView(LoginRequiredMixin, View):
    """Form a pack with accepted contacts (partner users, for their own organisation)."""

    def post(self, request):
        if not request.user.is_partner_user:
            raise PermissionDenied
        form = PackForm(request.POST, contacts=groupings.contacts_of(request.user.organization))
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect("groupings:proposal-list")
        try:
            with request_actor(request):
                partnership = groupings.form_pack(
                    request.user, list(form.cleaned_data["contacts"]), form.cleaned_data["name"]
                )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("groupings:proposal-list")
        messages.success(request, _("Pack formed."))
        return redirect("groupings:grouping-detail", uuid=partnership.uuid)


# -------------------------------------------------------------------------------------------- groupings


class GroupingListView(LoginRequiredMixin, TemplateView):
    template_name = "groupings/grouping_list.html"

    def get_context_data(self, **kwargs):
        queryset = groupings.groupings_for(self.request.user).prefetch_related("parties__organization")
        level = self.request.GET.get("level", "")
        if level:
            queryset = queryset.filter(grouping_level=level)
        page = Paginator(queryset.order_by("name", "pk"), 25).get_page(self.request.GET.get("page"))
        kwargs.update(page_obj=page, object_list=page.object_list, level=level)
        return super().get_context_data(**kwargs)


def _addable(user):
    return groupings.addable_by(user)


class GroupingMixin(LoginRequiredMixin):
    """The grouping of the URL among the groupings the user may see (else 404)."""

    def get_grouping(self):
        if not hasattr(self, "_grouping"):
            try:
                self._grouping = get_object_or_404(
                    groupings.groupings_for(self.request.user), uuid=self.kwargs["uuid"]
                )
            except ValueError as exc:
                raise Http404 from exc
        return self._grouping


class GroupingDetailView(GroupingMixin, TemplateView):
    template_name = "groupings/grouping_detail.html"

    def get_context_data(self, **kwargs):
        grouping = self.get_grouping()
        user = self.request.user
        items = pillars.checklist(grouping)
        criteria = groupings.evaluate_level(grouping)
        can_steer = groupings.can_steer(user, grouping)
        seats = grouping.parties.select_related("organization").order_by("role", "organization__name")
        candidates = _addable(user).exclude(pk__in=[s.organization_id for s in seats]).order_by("name")
        kwargs.update(
            object=grouping,
            grouping=grouping,
            charter=groupings.charter_of(grouping),
            seats=seats,
            items=items,
            summary=pillars.summarize(items),
            criteria=criteria,
            next_level=groupings.NEXT_LEVEL.get(grouping.grouping_level),
            can_move_up=can_steer and bool(criteria) and all(c.met for c in criteria),
            can_steer=can_steer,
            add_member_form=AddMemberForm(organizations=candidates[:500]) if can_steer else None,
            history=history_context(grouping),
        )
        return super().get_context_data(**kwargs)


class CharterEditView(GroupingMixin, TemplateView):
    template_name = "groupings/charter_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            groupings.require_steer(request.user, self.get_grouping())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        grouping = self.get_grouping()
        charter = groupings.charter_of(grouping)
        model = grouping.collaboration_model if grouping.collaboration_model != "channel_agreement" else ""
        kwargs.setdefault(
            "form",
            CharterForm(
                initial={
                    "shared_ambition": charter.shared_ambition,
                    "common_project": charter.common_project,
                    "identified_need": charter.identified_need,
                    "objectives": grouping.objectives,
                    "collaboration_model": model,
                }
            ),
        )
        kwargs["grouping"] = grouping
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = CharterForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        grouping = self.get_grouping()
        try:
            with request_actor(request):
                groupings.update_charter(grouping, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Charter saved."))
        return redirect("groupings:grouping-detail", uuid=grouping.uuid)


class MemberAddView(GroupingMixin, View):
    def post(self, request, uuid):
        grouping = self.get_grouping()
        groupings.require_steer(request.user, grouping)
        form = AddMemberForm(request.POST, organizations=_addable(request.user))
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
        else:
            try:
                with request_actor(request):
                    groupings.add_member(
                        grouping, request.user, form.cleaned_data["organization"], form.cleaned_data["role"]
                    )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Member added."))
        return redirect("groupings:grouping-detail", uuid=grouping.uuid)


class MemberRemoveView(GroupingMixin, View):
    def post(self, request, uuid, seat):
        grouping = self.get_grouping()
        groupings.require_steer(request.user, grouping)
        seat = get_object_or_404(PartnershipParty.objects.filter(partnership=grouping), uuid=seat)
        try:
            with request_actor(request):
                groupings.remove_member(grouping, request.user, seat)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Member removed."))
        return redirect("groupings:grouping-detail", uuid=grouping.uuid)


class MoveUpView(GroupingMixin, View):
    def post(self, request, uuid):
        grouping = self.get_grouping()
        groupings.require_steer(request.user, grouping)
        try:
            with request_actor(request):
                grouping = groupings.move_up(grouping, request.user)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _("The grouping is now a %(level)s.") % {"level": grouping.get_grouping_level_display()},
            )
        return redirect("groupings:grouping-detail", uuid=grouping.uuid)


class PillarEditView(GroupingMixin, TemplateView):
    template_name = "groupings/pillar_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            grouping = self.get_grouping()
            self.item = get_object_or_404(
                PillarItem.objects.filter(partnership=grouping), uuid=kwargs["item"]
            )
            groupings.require_steer(request.user, grouping)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form", PillarItemForm(initial={"status": self.item.status, "evidence": self.item.evidence})
        )
        kwargs.update(grouping=self.get_grouping(), item=self.item)
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = PillarItemForm(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    pillars.assess(
                        self.item, request.user, form.cleaned_data["status"], form.cleaned_data["evidence"]
                    )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Checklist updated."))
                return redirect(
                    reverse("groupings:grouping-detail", kwargs={"uuid": self.get_grouping().uuid})
                    + "#pillars"
                )
        return self.render_to_response(self.get_context_data(form=form))
