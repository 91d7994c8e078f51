"""Profiling and recruitment pages: staff only (partner users get 403 everywhere); editors change."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from meute.core.importing.tables import ImportFileError
from meute.core.models import Organization
from meute.lib import exports
from meute.lib.charts import bar_chart, funnel_chart
from meute.lib.views import request_actor, wants_partial

from . import pipeline, profiles
from .choices import Pillar, Stage
from .forms import (
    ActivityForm,
    AttributeDefinitionForm,
    CandidateForm,
    CriterionForm,
    GridForm,
    GroupForm,
    MoveForm,
    OrganizationAttributesForm,
    QuestionForm,
    ScoringProfileForm,
)
from .models import (
    AttributeDefinition,
    Candidate,
    CriteriaGroup,
    Criterion,
    QualificationAnswer,
    QualificationQuestion,
    ScoringProfile,
)
from .scoring import ScoringError


class StaffMixin(LoginRequiredMixin):
    """Operator staff read; administrators and channel managers write; partner users are refused."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if not user.is_staff_member:
                raise PermissionDenied
            if request.method not in ("GET", "HEAD", "OPTIONS") and not user.can_edit_all:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _organization(uuid):
    return get_object_or_404(Organization.objects.filter(is_operator=False), uuid=uuid)


# Profile attributes --------------------------------------------------------------------------------------


class AttributeListView(StaffMixin, TemplateView):
    template_name = "recruitment/attribute_list.html"

    def get_object(self):
        uuid = self.kwargs.get("uuid")
        return get_object_or_404(AttributeDefinition, uuid=uuid) if uuid else None

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AttributeDefinitionForm(instance=self.get_object()))
        definitions = AttributeDefinition.objects.annotate(used=Count("values"))
        return super().get_context_data(definitions=definitions, editing=self.get_object(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = AttributeDefinitionForm(request.POST, instance=self.get_object())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        with request_actor(request):
            form.save()
        messages.success(request, _("Attribute saved."))
        return redirect("recruitment:attribute-list")


class OrganizationAttributesView(StaffMixin, TemplateView):
    template_name = "recruitment/organization_attributes.html"

    def get_context_data(self, **kwargs):
        organization = _organization(self.kwargs["uuid"])
        kwargs.setdefault("form", OrganizationAttributesForm(organization=organization))
        return super().get_context_data(organization=organization, **kwargs)

    def post(self, request, *args, **kwargs):
        organization = _organization(self.kwargs["uuid"])
        form = OrganizationAttributesForm(request.POST, organization=organization)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        with request_actor(request):
            form.save()
        messages.success(request, _("Profile saved."))
        return redirect(organization.get_absolute_url())


# Scoring -------------------------------------------------------------------------------------------------


class ScoringListView(StaffMixin, TemplateView):
    template_name = "recruitment/scoring_list.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", ScoringProfileForm())
        scoring_profiles = ScoringProfile.objects.annotate(group_count=Count("groups"))
        return super().get_context_data(scoring_profiles=scoring_profiles, **kwargs)

    def post(self, request, *args, **kwargs):
        form = ScoringProfileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        with request_actor(request):
            profile = form.save(commit=False)
            profile.created_by = request.user
            profile.save()
            form.save_m2m()
        messages.success(request, _("Scoring profile created: add its groups and criteria."))
        return redirect(profile.get_absolute_url())


def _top(request, default=50) -> int:
    try:
        return max(1, min(int(request.GET.get("top", default)), 500))
    except ValueError:
        return default


class ScoringDetailView(StaffMixin, TemplateView):
    """A profile's criteria and the ranking it gives, with each group's contribution."""

    template_name = "recruitment/scoring_detail.html"

    def get_profile(self):
        return get_object_or_404(ScoringProfile, uuid=self.kwargs["uuid"])

    def get_context_data(self, **kwargs):
        profile = self.get_profile()
        groups = profile.groups.prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("pk"))
        )
        ranking, error = None, None
        try:
            ranking = profiles.rank(profile, top=_top(self.request))
        except ScoringError as exc:
            error = str(exc)
        chart = None
        if ranking and ranking.rows:
            best = ranking.rows[0]
            chart = bar_chart(
                best.contributions,
                title=_("Contributions to the score of %(name)s") % {"name": best.organization.name},
                value_label=_("Points"),
                places=1,
                horizontal=True,
            )
        labels = {key: option.label for key, option in profiles.options().items()}
        kwargs.setdefault("form", ScoringProfileForm(instance=profile))
        kwargs.setdefault("group_form", GroupForm())
        kwargs.setdefault("criterion_form", CriterionForm(profile=profile))
        return super().get_context_data(
            profile=profile,
            groups=[
                (
                    group,
                    [
                        (criterion, labels.get(criterion.attribute, criterion.attribute))
                        for criterion in group.criteria.all()
                    ],
                )
                for group in groups
            ],
            ranking=ranking,
            error=error,
            chart=chart,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        profile = self.get_profile()
        action = request.POST.get("action")
        with request_actor(request):
            if action == "group":
                form = GroupForm(request.POST)
                if not form.is_valid() or profile.groups.filter(name=form.cleaned_data["name"]).exists():
                    if form.is_valid():
                        form.add_error("name", _("This profile already has a group with this name."))
                    return self.render_to_response(self.get_context_data(group_form=form), status=422)
                CriteriaGroup.objects.create(
                    profile=profile, position=profile.groups.count() + 1, **form.cleaned_data
                )
            elif action == "criterion":
                form = CriterionForm(request.POST, profile=profile)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(criterion_form=form), status=422)
                data = form.cleaned_data
                Criterion.objects.create(
                    group=data["group"],
                    attribute=data["attribute"],
                    weight=data["weight"],
                    target=data["target"],
                    scale=data["scale"],
                )
            elif action == "delete-criterion":
                Criterion.objects.filter(group__profile=profile, uuid=request.POST.get("criterion")).delete()
            elif action == "delete-group":
                CriteriaGroup.objects.filter(profile=profile, uuid=request.POST.get("group")).delete()
            else:
                form = ScoringProfileForm(request.POST, instance=profile)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(form=form), status=422)
                form.save()
        messages.success(request, _("Scoring profile saved."))
        return redirect(profile.get_absolute_url())


class ScoringExportView(StaffMixin, View):
    """The ranking as CSV or .xlsx: rank, organisation, score and each group's contribution."""

    def get(self, request, uuid, fmt):
        profile = get_object_or_404(ScoringProfile, uuid=uuid)
        try:
            ranking = profiles.rank(profile, top=_top(request, default=500))
        except ScoringError as exc:
            messages.error(request, str(exc))
            return redirect(profile.get_absolute_url())
        header = [_("Rank"), _("Organisation"), _("Score"), *ranking.groups]
        rows = [
            [index, row.organization.name, row.score, *[points for _name, points in row.contributions]]
            for index, row in enumerate(ranking.rows, start=1)
        ]
        return exports.table_response(
            "xlsx" if fmt == "xlsx" else "csv", f"ranking-{profile.pk}", header, rows
        )


class LookalikeView(StaffMixin, TemplateView):
    template_name = "recruitment/lookalike.html"

    def get_context_data(self, **kwargs):
        organization = _organization(self.kwargs["uuid"])
        ranking = profiles.lookalike(organization, top=_top(self.request, default=20))
        return super().get_context_data(organization=organization, ranking=ranking, **kwargs)


# Pipeline ------------------------------------------------------------------------------------------------


def _board_filters(request) -> dict:
    return {"owner": request.GET.get("owner", ""), "stage": request.GET.get("stage", "")}


def _board_context(request):
    filters = _board_filters(request)
    filter_errors = []
    try:
        candidates = pipeline.board_candidates(**filters)
    except ValidationError as exc:
        # A filter value the board does not offer: said, and the whole board shown instead.
        filter_errors = exc.messages
        candidates = pipeline.board_candidates()
    by_stage = {stage: [] for stage in pipeline.BOARD_STAGES}
    for candidate in candidates:
        by_stage.setdefault(candidate.stage, []).append(candidate)
    one_stage = filters["stage"] in by_stage and not filter_errors
    shown = [filters["stage"]] if one_stage else pipeline.BOARD_STAGES
    columns = [(stage, Stage(stage).label, by_stage[stage]) for stage in shown]
    reached = [(Stage(stage).label, n) for stage, n in pipeline.funnel()]
    query = {key: value for key, value in filters.items() if value and not filter_errors}
    owners = get_user_model().objects.filter(
        pk__in=Candidate.objects.filter(owner__isnull=False).values("owner_id")
    )
    return {
        "columns": columns,
        "stages": Stage.choices,
        "loads": pipeline.loads(),
        "funnel": funnel_chart(reached, title=_("Recruitment funnel"), value_label=_("Candidates")),
        "exited": Candidate.objects.filter(stage=Stage.EXITED).select_related("organization")[:20],
        "filters": filters,
        "filter_errors": filter_errors,
        "owners": owners.order_by("username"),
        "export_links": [
            (fmt.upper(), f"{reverse('recruitment:pipeline')}?{urlencode({**query, 'export': fmt})}")
            for fmt in exports.FORMATS
        ],
    }


class BoardView(StaffMixin, TemplateView):
    """The kanban board; ``?export=csv`` or ``xlsx`` gives its candidates as a file, with its filters."""

    template_name = "recruitment/board.html"

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in exports.FORMATS:
            return self.export(file_format)
        return super().get(request, *args, **kwargs)

    def export(self, file_format):
        try:
            candidates = pipeline.board_candidates(**_board_filters(self.request))
        except ValidationError as exc:
            return HttpResponse(" ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8")
        return exports.table_response(
            file_format,
            "pipeline",
            [str(header) for header in pipeline.export_headers()],
            pipeline.export_rows(candidates[: exports.MAX_ROWS]),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_board_context(self.request), **kwargs)


class CandidateCreateView(StaffMixin, TemplateView):
    template_name = "recruitment/candidate_form.html"

    def get_context_data(self, **kwargs):
        initial = {"owner": self.request.user.pk}
        organization = self.request.GET.get("organization")
        if organization:
            found = (
                Organization.objects.filter(uuid=organization, is_operator=False).first()
                if _is_uuid(organization)
                else None
            )
            if found:
                initial["organization"] = found.pk
        kwargs.setdefault("form", CandidateForm(initial=initial))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = CandidateForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        with request_actor(request):
            candidate = form.save()
        messages.success(request, _("Candidate added to the pipeline."))
        return redirect(candidate.get_absolute_url())


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _candidate(uuid):
    return get_object_or_404(Candidate.objects.select_related("organization", "owner"), uuid=uuid)


class CandidateDetailView(StaffMixin, TemplateView):
    template_name = "recruitment/candidate_detail.html"

    def get_context_data(self, **kwargs):
        candidate = _candidate(self.kwargs["uuid"])
        questions = list(QualificationQuestion.objects.filter(is_active=True))
        answers = list(candidate.answers.all())
        kwargs.setdefault("move_form", MoveForm(initial={"stage": candidate.stage}))
        kwargs.setdefault("activity_form", ActivityForm())
        kwargs.setdefault("edit_form", CandidateForm(instance=candidate))
        kwargs.setdefault("grid_form", GridForm(questions=questions, answers=answers))
        return super().get_context_data(
            candidate=candidate,
            grid=pipeline.grid_score(answers, questions),
            pillars=Pillar.choices,
            clock=pipeline.letter_to_contract(candidate),
            activities=candidate.activities.select_related("author"),
            changes=candidate.stage_changes.select_related("by"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        candidate = _candidate(self.kwargs["uuid"])
        form = CandidateForm(request.POST, instance=candidate)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(edit_form=form), status=422)
        with request_actor(request):
            form.save()
        messages.success(request, _("Candidate saved."))
        return redirect(candidate.get_absolute_url())


class CandidateMoveView(StaffMixin, View):
    """Move a candidate (board drag-and-drop or the detail page's form); the capacity guard warns."""

    def post(self, request, uuid):
        candidate = _candidate(uuid)
        form = MoveForm(request.POST)
        error, warnings = None, []
        if not form.is_valid():
            error = _("Choose a stage.")
        else:
            try:
                with request_actor(request):
                    warnings = pipeline.move(
                        candidate,
                        form.cleaned_data["stage"],
                        request.user,
                        reason=form.cleaned_data["reason"],
                    )
            except ValidationError as exc:
                error = " ".join(exc.messages)
        if wants_partial(request):
            context = _board_context(request)
            context.update(error=error, warnings=warnings)
            return render(request, "recruitment/partials/board.html", context, status=422 if error else 200)
        if error:
            messages.error(request, error)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Candidate moved."))
        return redirect(
            request.POST.get("next") == "board"
            and reverse("recruitment:pipeline")
            or candidate.get_absolute_url()
        )


class ActivityAddView(StaffMixin, View):
    def post(self, request, uuid):
        candidate = _candidate(uuid)
        form = ActivityForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect(candidate.get_absolute_url())
        with request_actor(request):
            activity = form.save(commit=False)
            activity.candidate = candidate
            activity.author = request.user
            activity.save()
        messages.success(request, _("Activity recorded."))
        return redirect(candidate.get_absolute_url())


class GridSaveView(StaffMixin, View):
    def post(self, request, uuid):
        candidate = _candidate(uuid)
        questions = list(QualificationQuestion.objects.filter(is_active=True))
        form = GridForm(request.POST, questions=questions, answers=list(candidate.answers.all()))
        if not form.is_valid():
            messages.error(request, _("Ratings go from 0 to 4."))
            return redirect(candidate.get_absolute_url())
        with request_actor(request):
            pipeline.save_grid(candidate, form.ratings(), form.comments())
        messages.success(request, _("Qualification grid saved."))
        return redirect(candidate.get_absolute_url() + "#grid")


class QualificationView(StaffMixin, TemplateView):
    """The grid's questions (editors add them) and the candidates compared pillar by pillar."""

    template_name = "recruitment/qualification.html"

    def get_context_data(self, **kwargs):
        questions = list(QualificationQuestion.objects.all())
        active = [question for question in questions if question.is_active]
        answers = {}
        for answer in QualificationAnswer.objects.filter(question__is_active=True):
            answers.setdefault(answer.candidate_id, []).append(answer)
        candidates = Candidate.objects.filter(pk__in=answers).select_related("organization")
        compared = sorted(
            ((candidate, pipeline.grid_score(answers[candidate.pk], active)) for candidate in candidates),
            key=lambda pair: -(pair[1].total or 0),
        )
        kwargs.setdefault("form", QuestionForm())
        return super().get_context_data(
            questions=questions, compared=compared, pillars=Pillar.choices, **kwargs
        )

    def post(self, request, *args, **kwargs):
        form = QuestionForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        with request_actor(request):
            form.save()
        messages.success(request, _("Question added."))
        return redirect("recruitment:qualification")


# Channel ranking, capacity and benchmarking ---------------------------------------------------------------


class ChannelView(StaffMixin, TemplateView):
    """Revenue potential per partner and product line, the channel capacity and the programmes' gaps."""

    template_name = "recruitment/channel.html"

    def get_context_data(self, **kwargs):
        from . import potential
        from .forms import ChannelSettingsForm
        from .models import ChannelSettings

        settings = ChannelSettings.current()
        scope = self.request.GET.get("scope", "network")
        if scope == "candidates":
            organizations = Organization.objects.filter(
                pk__in=Candidate.objects.filter(stage__in=pipeline.OPEN_STAGES).values("organization_id")
            )
        else:
            scope, organizations = "network", None
        rows = potential.potentials(organizations, settings)
        capacity = potential.channel_capacity(rows)
        lines = [line for line, _amount in capacity.by_product]
        kwargs.setdefault("form", ChannelSettingsForm(instance=settings))
        return super().get_context_data(
            scope=scope,
            rows=[(row, [row.by_product.get(line) for line in lines]) for row in rows[:100]],
            lines=lines,
            capacity=capacity,
            gaps=potential.programme_gaps(rows) if scope == "network" else [],
            chart=bar_chart(
                [(line.name, amount) for line, amount in capacity.by_product],
                title=_("Channel capacity by product line (EUR per year)"),
                value_label=_("EUR"),
                places=0,
                horizontal=True,
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        from .forms import ChannelSettingsForm
        from .models import ChannelSettings

        form = ChannelSettingsForm(request.POST, instance=ChannelSettings.current())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        with request_actor(request):
            form.save()
        messages.success(request, _("Formula saved."))
        return redirect("recruitment:channel")


class CoverageView(StaffMixin, TemplateView):
    """The network's coverage of segments × territories against competitors' networks; competitors' data."""

    template_name = "recruitment/coverage.html"

    def get_context_data(self, **kwargs):
        from . import benchmarking
        from .forms import CompetitorForm, CompetitorImportForm, CompetitorPartnershipForm
        from .models import CompetitorPartnership

        kwargs.setdefault("competitor_form", CompetitorForm())
        kwargs.setdefault("link_form", CompetitorPartnershipForm())
        kwargs.setdefault("import_form", CompetitorImportForm())
        return super().get_context_data(
            coverage=benchmarking.coverage(),
            links=CompetitorPartnership.objects.select_related("competitor", "organization").order_by(
                "competitor__name", "organization__name"
            )[:200],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        from .forms import CompetitorForm, CompetitorImportForm, CompetitorPartnershipForm
        from .importing import ImportErrors, import_competitor_partnerships

        action = request.POST.get("action")
        with request_actor(request):
            if action == "import":
                form = CompetitorImportForm(request.POST, request.FILES)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(import_form=form), status=422)
                upload = form.cleaned_data["file"]
                try:
                    count = import_competitor_partnerships(upload, upload.name)
                except ImportErrors as exc:
                    form.add_error("file", list(exc.errors))
                    return self.render_to_response(self.get_context_data(import_form=form), status=422)
                except ImportFileError as exc:
                    form.add_error("file", str(exc))
                    return self.render_to_response(self.get_context_data(import_form=form), status=422)
                messages.success(
                    request, _("%(count)s competitor partnership(s) imported.") % {"count": count}
                )
            elif action == "link":
                form = CompetitorPartnershipForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(link_form=form), status=422)
                form.save()
                messages.success(request, _("Competitor partnership recorded."))
            else:
                form = CompetitorForm(request.POST)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(competitor_form=form), status=422)
                form.save()
                messages.success(request, _("Competitor recorded."))
        return redirect("recruitment:coverage")


class ApplyView(TemplateView):
    """The public partner application form (no sign-in)."""

    template_name = "recruitment/apply.html"

    def get_context_data(self, **kwargs):
        from .forms import ApplicationForm

        kwargs.setdefault("form", ApplicationForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        from . import applications
        from .forms import ApplicationForm

        form = ApplicationForm(request.POST)
        if form.is_robot:
            return self.render_to_response(self.get_context_data(sent=True))
        if not applications.application_allowed(request):
            form.add_error(None, _("Too many applications from your address: please try again later."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=422)
        data = {key: value for key, value in form.cleaned_data.items() if key != "nickname"}
        try:
            applications.apply(**data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=422)
        return self.render_to_response(self.get_context_data(sent=True))
