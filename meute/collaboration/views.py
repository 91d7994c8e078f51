"""Advice pages of a grouping: the assessment, the recommendation and the model choice, the playbook and
the term sheet. A grouping the user may not see is a 404; an action the user may not take is a 403.
Every change goes through ``assessments`` and ``playbooks``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.collaboration import assessments as workflow
from meute.collaboration import playbooks, roles, termsheet
from meute.collaboration.advisor import AXES, AXIS_LABELS, QUESTIONS
from meute.collaboration.forms import AdoptForm, AssessmentForm, DocumentForm, PlaybookItemForm
from meute.collaboration.models import AssessmentResponse, ModelDecision, PlaybookDocument, PlaybookItem
from meute.core.models import Person
from meute.groupings.views import GroupingMixin as BaseGroupingMixin
from meute.groupings.views import form_errors_text


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def item_choices(grouping):
    """The grouping's member organisations and their people: the possible owners of its items."""
    members = [seat.organization for seat in roles.members(grouping)]
    people = list(
        Person.objects.filter(organization__in=members)
        .select_related("organization")
        .order_by("last_name", "first_name")
    )
    return members, people


class GroupingMixin(BaseGroupingMixin):
    """The grouping of the URL among the groupings the user may see (else 404), loaded before anything."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.get_grouping()
        return super().dispatch(request, *args, **kwargs)

    def advice_url(self):
        return reverse("groupings:advice", kwargs={"uuid": self.get_grouping().uuid})


class AdviceView(GroupingMixin, TemplateView):
    template_name = "collaboration/advice/advice.html"

    def get_context_data(self, **kwargs):
        grouping = self.get_grouping()
        user = self.request.user
        status = workflow.advice_status(grouping)
        responses = []
        if status.round is not None:
            responses = list(
                AssessmentResponse.objects.visible_to(user)
                .filter(round=status.round)
                .select_related("organization")
            )
        answer_rows = [
            (
                question,
                [
                    (
                        r.organization,
                        question.option_label(r.answers.get(question.key, ""))
                        if r.answers.get(question.key)
                        else "—",
                    )
                    for r in responses
                ],
            )
            for question in QUESTIONS
        ]
        items = playbooks.items_for(grouping)
        kwargs.update(
            grouping=grouping,
            status=status,
            recommendation=status.recommendation,
            responses=responses,
            answer_rows=answer_rows,
            axis_labels=[AXIS_LABELS[a] for a in AXES],
            can_answer=bool(workflow.answerable_organizations(user, grouping)),
            is_lead=roles.is_lead(user, grouping),
            sees_all=roles.sees_all_answers(user, grouping),
            adopt_form=kwargs.get("adopt_form") or AdoptForm(),
            decisions=list(
                ModelDecision.objects.filter(partnership=grouping).select_related("decided_by")[:5]
            ),
            progress=playbooks.progress(items),
            has_playbook=bool(items),
        )
        return super().get_context_data(**kwargs)


class AssessmentView(GroupingMixin, TemplateView):
    """A member answers for their own organisation; staff editors choose the member with ``?member=``."""

    template_name = "collaboration/advice/assessment.html"

    def get_organization(self):
        grouping = self.get_grouping()
        allowed = workflow.answerable_organizations(self.request.user, grouping)
        if not allowed:
            raise PermissionDenied
        wanted = self.request.GET.get("member") or self.request.POST.get("member")
        if not wanted:
            return allowed[0]
        for organization in allowed:
            if str(organization.uuid) == wanted:
                return organization
        raise Http404

    def _context(self, form, organization):
        return self.get_context_data(
            grouping=self.get_grouping(),
            form=form,
            organization=organization,
            choices=workflow.answerable_organizations(self.request.user, self.get_grouping()),
        )

    def get(self, request, *args, **kwargs):
        organization = self.get_organization()
        current = workflow.current_round(self.get_grouping())
        existing = None
        if current is not None:
            existing = AssessmentResponse.objects.filter(round=current, organization=organization).first()
        form = AssessmentForm(initial_answers=existing.answers if existing else None)
        return self.render_to_response(self._context(form, organization))

    def post(self, request, *args, **kwargs):
        organization = self.get_organization()
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                workflow.submit_assessment(request.user, self.get_grouping(), organization, form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Answers saved for %(member)s.") % {"member": organization.name})
                return redirect(self.advice_url())
        else:
            messages.error(request, _("Every question needs an answer: see the questions marked below."))
        return self.render_to_response(self._context(form, organization), status=422)


class AdoptView(GroupingMixin, View):
    def post(self, request, *args, **kwargs):
        grouping = self.get_grouping()
        if not roles.is_lead(request.user, grouping):
            raise PermissionDenied
        form = AdoptForm(request.POST)
        if form.is_valid():
            try:
                decision = workflow.adopt_model(
                    request.user, grouping, form.cleaned_data["model"], form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("Model adopted: %(model)s.") % {"model": decision.get_chosen_model_display()}
                )
                return redirect("groupings:playbook", uuid=grouping.uuid)
        else:
            messages.error(request, form_errors_text(form))
        return redirect(self.advice_url())


class NewRoundView(GroupingMixin, View):
    def post(self, request, *args, **kwargs):
        grouping = self.get_grouping()
        if not roles.is_lead(request.user, grouping):
            raise PermissionDenied
        assessment_round = workflow.open_new_round(request.user, grouping)
        messages.success(
            request,
            _("Round %(number)s opened: every member answers again.") % {"number": assessment_round.number},
        )
        return redirect(self.advice_url())


class PlaybookView(GroupingMixin, TemplateView):
    template_name = "collaboration/advice/playbook.html"

    def get_context_data(self, **kwargs):
        grouping = self.get_grouping()
        user = self.request.user
        items = playbooks.items_for(grouping)
        failed = kwargs.pop("failed_form", None)
        rows = []
        lead = roles.is_lead(user, grouping)
        members, people = item_choices(grouping)
        for item in items:
            editable = playbooks.can_change_item(user, item, lead=lead)
            form = None
            if editable:
                form = failed if failed is not None and failed.instance.pk == item.pk else None
                form = form or PlaybookItemForm(
                    instance=item, members=members, people=people, prefix=f"item-{item.pk}"
                )
            rows.append(
                {
                    "item": item,
                    "entry": item.entry,
                    "form": form,
                    "documents": playbooks.document_versions(item.documents.all()),
                    "document_form": DocumentForm(prefix=f"doc-{item.pk}") if editable else None,
                }
            )
        kwargs.update(grouping=grouping, rows=rows, progress=playbooks.progress(items))
        return super().get_context_data(**kwargs)


class PlaybookItemView(GroupingMixin, View):
    def get_item(self):
        return get_object_or_404(
            PlaybookItem.objects.filter(partnership=self.get_grouping()), uuid=self.kwargs["item"]
        )

    def post(self, request, *args, **kwargs):
        grouping = self.get_grouping()
        item = self.get_item()
        if not playbooks.can_change_item(request.user, item):
            raise PermissionDenied
        members, people = item_choices(grouping)
        form = PlaybookItemForm(
            request.POST, instance=item, members=members, people=people, prefix=f"item-{item.pk}"
        )
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.fields}
            try:
                playbooks.update_item(request.user, PlaybookItem.objects.get(pk=item.pk), **changes)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Item saved: %(title)s.") % {"title": item.title})
                return redirect(
                    reverse("groupings:playbook", kwargs={"uuid": grouping.uuid}) + f"#item-{item.uuid}"
                )
        messages.error(request, _("The item was not saved: %(title)s.") % {"title": item.title})
        view = PlaybookView(request=request, kwargs=kwargs)
        view._grouping = grouping
        return view.render_to_response(view.get_context_data(failed_form=form), status=422)


class PlaybookDocumentView(PlaybookItemView):
    def post(self, request, *args, **kwargs):
        grouping = self.get_grouping()
        item = self.get_item()
        if not playbooks.can_change_item(request.user, item):
            raise PermissionDenied
        form = DocumentForm(request.POST, request.FILES, prefix=f"doc-{item.pk}")
        if form.is_valid():
            try:
                playbooks.add_document(
                    request.user,
                    item,
                    form.cleaned_data["title"],
                    form.cleaned_data["url"],
                    form.cleaned_data["file"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Document added."))
        else:
            messages.error(request, form_errors_text(form))
        return redirect(reverse("groupings:playbook", kwargs={"uuid": grouping.uuid}) + f"#item-{item.uuid}")


class PlaybookDocumentDownloadView(GroupingMixin, View):
    """An uploaded document, for the people who may see the grouping (files are never public)."""

    def get(self, request, *args, **kwargs):
        grouping = self.get_grouping()
        document = get_object_or_404(
            PlaybookDocument.objects.visible_to(request.user).exclude(file=""),
            uuid=kwargs["document"],
            item__partnership=grouping,
        )
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
        )


class TermSheetView(GroupingMixin, View):
    """The term sheet as a download, in the language of the URL (not the page's)."""

    def get(self, request, *args, **kwargs):
        language, fmt = kwargs["language"], kwargs["fmt"]
        if language not in termsheet.LANGUAGES or fmt not in termsheet.FORMATS:
            raise Http404
        content, content_type, filename = termsheet.render(self.get_grouping(), language, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
