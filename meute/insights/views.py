"""Insight pages: the network dashboard (staff), a partnership's health, governance, integration and
scorecard (anyone who may see the partnership: a partner sees its own), surveys (staff) and the public
answer page of a survey link (no login, the token is the key)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from meute.core.models import Person
from meute.lib import access, exports, formatting
from meute.lib.charts import bar_chart, funnel_chart, line_chart
from meute.lib.pagination import CappedCountPaginator
from meute.lib.views import (
    VisibleObjectMixin,
    VisibleQuerysetMixin,
    add_form_errors,
    request_actor,
    require_staff,
)
from meute.partnerships.choices import PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership

from . import aggregates, governance, integration, surveys
from .choices import IntegrationDepartment, QuestionKind
from .forms import InteractionForm, MeetingForm, QuestionForm, SurveyForm
from .health import CHECK_LABELS
from .models import GovernanceMeeting, Interaction, Survey, SurveyAnswer
from .scorecard import pdf_filename, scorecard, to_pdf
from .snapshots import partnership_health, trend


class StaffMixin(VisibleQuerysetMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_staff(request.user)
        return super().dispatch(request, *args, **kwargs)


class DashboardView(StaffMixin, TemplateView):
    model = Partnership
    template_name = "insights/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        figures = aggregates.network_figures(today)
        currency = figures["currency"]
        charts = {}
        revenue = figures["revenue"]
        if revenue:
            titles = {
                "tier": _("Revenue by tier against objectives"),
                "type": _("Revenue by partner type against objectives"),
                "territory": _("Revenue by territory against objectives"),
            }
            for name, rows in revenue["rows"].items():
                labels = [str(label) for label, _r, _o in rows]
                if name == "type":
                    from meute.core.choices import PartnerType

                    labels = [
                        str(PartnerType(label).label) if label in PartnerType.values else label
                        for label in labels
                    ]
                charts[name] = _grouped_bars(labels, rows, titles[name], currency)
        charts["pipeline"] = bar_chart(
            [(label, amount) for label, _n, amount in figures["pipeline"]],
            title=_("Pipeline of registered deals (%(currency)s)") % {"currency": currency},
            value_label=currency,
        )
        charts["coverage"] = bar_chart(
            [
                (label, round(100 * covered / total) if total else 0)
                for label, total, covered in figures["coverage"]
            ],
            title=_("Partners with at least one certified person (%)"),
            value_label="%",
        )
        journeys = figures["journeys"]
        if journeys["with_journey"]:
            charts["journeys"] = bar_chart(
                [(label, value) for _key, label, value in journey_states(journeys)],
                title=_("Onboarding journeys of active partnerships"),
                value_label=_("Partnerships"),
            )
        charts["health"] = bar_chart(
            figures["health"]["bands"], title=_("Partnerships by health score"), value_label=_("Partnerships")
        )
        satisfaction = figures["satisfaction"]
        if satisfaction:
            charts["nps"] = bar_chart(
                [(str(tier), nps.score or 0) for tier, nps in satisfaction["per_tier"]],
                title=_("Satisfaction (NPS) by tier"),
                value_label=_("NPS"),
            )
        if figures["funnel"]:
            charts["funnel"] = funnel_chart(
                figures["funnel"], title=_("Recruitment funnel"), value_label=_("Candidates")
            )
        if figures["roi"]:
            items, cost, won = [], _("cost"), _("revenue won")
            for kind, roi_currency, value in figures["roi"]:
                items.append((f"{kind} ({roi_currency}) · {cost}", value.cost, "chart__series--2"))
                items.append((f"{kind} ({roi_currency}) · {won}", value.revenue, "chart__series--1"))
            charts["roi"] = bar_chart(
                items,
                title=_("Market development funds: cost and revenue won"),
                value_label=_("Amount"),
                horizontal=True,
            )
        for snapshot in figures["health"]["low"]:
            snapshot.weak = [
                str(CHECK_LABELS[key])
                for key, value in snapshot.components.items()
                if key in CHECK_LABELS and value < 1
            ]
        kwargs.update(figures=figures, charts=charts)
        return super().get_context_data(**kwargs)


def journey_states(journeys) -> list[tuple[str, str, int]]:
    """``[(key, label, partnerships)]``: where the active partnerships stand in their onboarding journey,
    those without one last."""
    labels = {
        "not_started": _("Not started"),
        "in_progress": _("In progress"),
        "completed": _("Completed"),
    }
    rows = [(key, labels[key], journeys[key]) for key in ("not_started", "in_progress", "completed")]
    return [*rows, ("none", _("No journey"), journeys["partnerships"] - journeys["with_journey"])]


def figure_tables(figures) -> dict:
    """Every dashboard figure as ``{name: (headers, rows)}``, the numbers unformatted: the exports."""
    from meute.core.choices import PartnerType

    currency = figures["currency"]
    tables = {}
    revenue = figures["revenue"]
    for name, heading in (("tier", _("Tier")), ("type", _("Partner type")), ("territory", _("Territory"))):
        rows = revenue["rows"][name] if revenue else []
        if name == "type":
            rows = [
                (PartnerType(label).label if label in PartnerType.values else label, r, o)
                for label, r, o in rows
            ]
        tables[name] = (
            [
                heading,
                _("Revenue (%(currency)s)") % {"currency": currency},
                _("Objective (%(currency)s)") % {"currency": currency},
            ],
            [(str(label), r, o) for label, r, o in rows],
        )
    tables["pipeline"] = (
        [_("Stage"), _("Deals"), _("Amount (%(currency)s)") % {"currency": currency}],
        [(str(label), n, amount) for label, n, amount in figures["pipeline"]],
    )
    tables["coverage"] = (
        [_("Tier"), _("Partners"), _("With a certified person")],
        [(str(label), total, covered) for label, total, covered in figures["coverage"]],
    )
    journeys = figures["journeys"]
    tables["journeys"] = (
        [_("Onboarding journey"), _("Partnerships")],
        [
            (str(_("Active partnerships")), journeys["partnerships"]),
            (str(_("With a journey")), journeys["with_journey"]),
            *[(str(label), value) for _key, label, value in journey_states(journeys)],
            (str(_("Overdue")), journeys["overdue"]),
            (str(_("Median completion (%)")), journeys["median_percent"]),
        ],
    )
    tables["health"] = ([_("Health score"), _("Partnerships")], list(figures["health"]["bands"]))
    tables["funnel"] = ([_("Stage"), _("Candidates")], [(str(label), n) for label, n in figures["funnel"]])
    tables["roi"] = (
        [
            _("Activity type"),
            _("Currency"),
            _("Cost"),
            _("Deals attributed"),
            _("Deals won"),
            _("Revenue won"),
            _("Revenue per unit spent"),
        ],
        [
            (str(kind), roi_currency, v.cost, v.leads, v.won, v.revenue, v.revenue_per_euro)
            for kind, roi_currency, v in figures["roi"]
        ],
    )
    return tables


class DashboardExportView(StaffMixin, TemplateView):
    """One dashboard figure as CSV or .xlsx (staff only, as the page)."""

    model = Partnership

    def get(self, request, *args, **kwargs):
        tables = figure_tables(aggregates.network_figures(timezone.localdate()))
        if kwargs["figure"] not in tables or kwargs["fmt"] not in ("csv", "xlsx"):
            raise Http404
        headers, rows = tables[kwargs["figure"]]
        return exports.table_response(
            kwargs["fmt"], f"network-{kwargs['figure']}", [str(h) for h in headers], rows
        )


def _grouped_bars(labels, rows, title, currency):
    """Revenue and objective side by side for each group, as one bar chart (revenue, then objective)."""
    items, actual, target = [], _("actual"), _("objective")
    for label, (_l, revenue, objective) in zip(labels, rows, strict=True):
        items.append((f"{label} · {actual}", revenue, "chart__series--1"))
        items.append((f"{label} · {target}", objective, "chart__series--2"))
    return bar_chart(items, title=title, value_label=currency, horizontal=True)


class PartnershipMixin(VisibleObjectMixin):
    """A page about one partnership the user may see (another partner's is a 404)."""

    model = Partnership

    def partnership(self):
        return self.get_object()


class HealthView(PartnershipMixin, TemplateView):
    template_name = "insights/health.html"

    def get_context_data(self, **kwargs):
        partnership = self.partnership()
        history = trend(partnership, limit=24)
        kwargs.update(
            result=partnership_health(partnership),
            trend_chart=line_chart(
                [formatting.date(day) for day, _s in history],
                {_("Health score"): [value for _d, value in history]},
                title=_("Health score over time"),
                value_label=_("Score"),
            ),
            history=history,
        )
        return super().get_context_data(**kwargs)


class GovernanceView(PartnershipMixin, TemplateView):
    template_name = "insights/governance.html"

    def form(self, data=None):
        return MeetingForm(data, people=governance.eligible_attendees(self.partnership()), prefix="meeting")

    def get_context_data(self, **kwargs):
        partnership = self.partnership()
        user = self.request.user
        can_record = access.can_change(user, partnership) and user.is_staff_member
        kwargs.setdefault("form", self.form() if can_record else None)
        kwargs.update(
            can_record=can_record,
            cadence=governance.cadence(partnership, timezone.localdate()),
            timing_warning=governance.executive_timing_warning(partnership),
            meetings=GovernanceMeeting.objects.visible_to(user)
            .filter(partnership=partnership)
            .prefetch_related(Prefetch("attendees", queryset=Person.objects.select_related("organization")))[
                :50
            ],
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        partnership = self.partnership()
        access.require(access.can_change(request.user, partnership) and request.user.is_staff_member)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    governance.record_meeting(partnership, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Meeting recorded."))
                return redirect("insights:governance", uuid=partnership.uuid)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class IntegrationDetailView(PartnershipMixin, TemplateView):
    template_name = "insights/integration_detail.html"

    def form(self, data=None):
        partnership = self.partnership()
        seats = partnership.parties.all()
        people = Person.objects.filter(is_active=True).order_by("last_name", "first_name")
        return InteractionForm(
            data,
            partner_people=people.filter(
                organization_id__in=seats.exclude(role=PartyRole.OPERATOR).values("organization_id")
            ),
            vendor_people=people.filter(
                organization_id__in=seats.filter(role=PartyRole.OPERATOR).values("organization_id")
            ),
            prefix="exchange",
        )

    def get_context_data(self, **kwargs):
        partnership = self.partnership()
        user = self.request.user
        can_record = access.can_change(user, partnership) and user.is_staff_member
        today = timezone.localdate()
        kwargs.setdefault("form", self.form() if can_record else None)
        kwargs.update(
            can_record=can_record,
            index=integration.index_for(Partnership.objects.filter(pk=partnership.pk), today)[partnership.pk],
            interactions=Interaction.objects.visible_to(user)
            .filter(partnership=partnership)
            .select_related("partner_contact", "vendor_contact")[:50],
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        partnership = self.partnership()
        access.require(access.can_change(request.user, partnership) and request.user.is_staff_member)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    integration.record_interaction(partnership, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Exchange recorded."))
                return redirect("insights:integration-detail", uuid=partnership.uuid)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class IntegrationListView(StaffMixin, TemplateView):
    """The integration index of every active partnership, one page at a time (one GROUP BY per page)."""

    model = Partnership
    template_name = "insights/integration_list.html"

    def get_context_data(self, **kwargs):
        partnerships = (
            Partnership.objects.visible_to(self.request.user)
            .filter(status=PartnershipStatus.ACTIVE)
            .order_by("name")
        )
        page = CappedCountPaginator(partnerships, 25).get_page(self.request.GET.get("page"))
        ids = [p.pk for p in page.object_list]
        index = integration.index_for(Partnership.objects.filter(pk__in=ids), timezone.localdate())
        rows = [(p, index[p.pk]) for p in page.object_list]
        kwargs.update(rows=rows, page_obj=page, departments=IntegrationDepartment)
        return super().get_context_data(**kwargs)


class ScorecardView(PartnershipMixin, TemplateView):
    template_name = "insights/scorecard.html"

    def get_context_data(self, **kwargs):
        card = scorecard(self.partnership(), timezone.localdate())
        history = card["trend"]
        kwargs.update(
            card=card,
            trend_chart=line_chart(
                [formatting.date(day) for day, _s in history],
                {_("Health score"): [value for _d, value in history]},
                title=_("Health score over time"),
                value_label=_("Score"),
            ),
        )
        return super().get_context_data(**kwargs)


class ScorecardPdfView(PartnershipMixin, TemplateView):
    """The scorecard as a PDF for a quarterly business review: staff, and the partner itself only (another
    partner's partnership is a 404, as on the page)."""

    def get(self, request, *args, **kwargs):
        partnership = self.partnership()
        today = timezone.localdate()
        response = HttpResponse(to_pdf(scorecard(partnership, today), today), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(partnership, today)}"'
        return response


class MyScorecardView(VisibleQuerysetMixin, TemplateView):
    """A partner's way in: the scorecard of its (first active) partnership; staff go to the dashboard."""

    model = Partnership

    def get(self, request, *args, **kwargs):
        if request.user.is_staff_member:
            return redirect("insights:network")
        partnership = (
            Partnership.objects.visible_to(request.user)
            .filter(status=PartnershipStatus.ACTIVE)
            .order_by("name")
            .first()
            or Partnership.objects.visible_to(request.user).order_by("name").first()
        )
        if partnership is None:
            raise Http404
        return redirect("insights:scorecard", uuid=partnership.uuid)


class SurveyListView(StaffMixin, TemplateView):
    model = Survey
    template_name = "insights/survey_list.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form", SurveyForm(prefix="survey") if access.can_create(self.request.user, Survey) else None
        )
        kwargs["surveys"] = Survey.objects.visible_to(self.request.user)[:50]
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        access.require(access.can_create(request.user, Survey))
        form = SurveyForm(request.POST, prefix="survey")
        if form.is_valid():
            try:
                with request_actor(request):
                    survey = surveys.create_survey(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Survey created with the default questions."))
                return redirect(survey)
        return self.render_to_response(self.get_context_data(form=form), status=422)


class SurveyDetailView(StaffMixin, VisibleObjectMixin, TemplateView):
    model = Survey
    template_name = "insights/survey_detail.html"

    def get_context_data(self, **kwargs):
        survey = self.get_object()
        result = surveys.results(survey)
        charts = {
            "tiers": bar_chart(
                [(str(tier), nps.score or 0) for tier, nps in result["per_tier"]],
                title=_("NPS by tier"),
                value_label=_("NPS"),
            ),
            "questions": bar_chart(
                [
                    (row["question"].text, row["average"] or 0)
                    for row in result["questions"]
                    if row["question"].kind != QuestionKind.TEXT
                ],
                title=_("Average score per question (0–10)"),
                value_label=_("Average"),
                horizontal=True,
            ),
            "partners": bar_chart(
                [(name, nps.score or 0) for name, nps in result["per_partner"][:30]],
                title=_("NPS by partner"),
                value_label=_("NPS"),
                horizontal=True,
            ),
        }
        editable = survey.status == "draft" and access.can_change(self.request.user, survey)
        kwargs.setdefault("question_form", QuestionForm(prefix="question") if editable else None)
        kwargs.update(result=result, charts=charts, questions=survey.questions.order_by("position"))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        survey = self.get_object()
        access.require(access.can_change(request.user, survey))
        action = request.POST.get("action")
        base_url = request.build_absolute_uri("/")
        try:
            with request_actor(request):
                if action == "send":
                    count = surveys.send_survey(survey, base_url=base_url)
                    messages.success(request, _("%(count)s contacts invited.") % {"count": count})
                elif action == "remind":
                    count = surveys.remind(survey, base_url=base_url)
                    messages.success(request, _("%(count)s reminders sent.") % {"count": count})
                elif action == "close":
                    surveys.close_survey(survey)
                    messages.success(request, _("Survey closed."))
                elif action == "question":
                    form = QuestionForm(request.POST, prefix="question")
                    if not form.is_valid():
                        return self.render_to_response(self.get_context_data(question_form=form), status=422)
                    surveys.add_question(survey, **form.cleaned_data)
                    messages.success(request, _("Question added."))
                else:
                    return HttpResponse(status=400)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(survey)
        return redirect(survey)


class SurveyExportView(StaffMixin, VisibleObjectMixin, TemplateView):
    """Every answer of a survey as CSV: partner, contact, question, score, text."""

    model = Survey

    def get(self, request, *args, **kwargs):
        survey = self.get_object()
        header = [_("Partnership"), _("Contact"), _("Question"), _("Score"), _("Answer")]
        answers = (
            SurveyAnswer.objects.visible_to(request.user)
            .filter(question__survey=survey)
            .select_related("invitation__partnership", "invitation__person", "question")
            .order_by("invitation__partnership__name", "invitation_id", "question__position")
        )
        rows = (
            [
                answer.invitation.partnership.name,
                answer.invitation.person.full_name,
                answer.question.text,
                answer.score,
                answer.text,
            ]
            for answer in answers.iterator(chunk_size=2000)
        )
        return exports.table_response("csv", f"survey-{survey.uuid}", header, rows)


class SurveyAnswerView(TemplateView):
    """The page behind a survey link: no login; the token decides, and says nothing about other links."""

    template_name = "insights/survey_answer.html"

    def _invitation(self):
        try:
            return surveys.open_invitation(self.kwargs["token"]), None
        except surveys.SurveyLinkError as exc:
            return None, exc

    def get(self, request, *args, **kwargs):
        invitation, error = self._invitation()
        if error:
            return self.render_to_response({"error": error}, status=404 if error.code == "unknown" else 410)
        return self.render_to_response(self._context(invitation))

    def _context(self, invitation, errors=None, values=None):
        return {
            "invitation": invitation,
            "survey": invitation.survey,
            "questions": invitation.survey.questions.order_by("position"),
            "errors": errors or {},
            "values": values or {},
            "scores": range(11),
        }

    def post(self, request, *args, **kwargs):
        answers = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
        try:
            surveys.submit_answers(self.kwargs["token"], answers)
        except surveys.SurveyLinkError as exc:
            return self.render_to_response({"error": exc}, status=404 if exc.code == "unknown" else 410)
        except ValidationError as exc:
            invitation, _error = self._invitation()
            return self.render_to_response(self._context(invitation, exc.message_dict, answers), status=422)
        return self.render_to_response({"thanks": True})
