"""The pipeline: moves and their rules, the capacity guard, the letter-of-intent clock, the grid."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meute.core.factories import OrganizationFactory
from meute.recruitment import pipeline
from meute.recruitment.choices import Stage
from meute.recruitment.models import Candidate, QualificationAnswer, RecruiterCapacity, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(world):
    return Candidate.objects.create(organization=OrganizationFactory(name="Zeta"), owner=world.manager)


def test_move_records_history_and_dates(candidate, world):
    pipeline.move(candidate, Stage.LETTER_OF_INTENT, world.manager, today=date(2026, 1, 10))
    pipeline.move(candidate, Stage.CONTRACT, world.manager, today=date(2026, 3, 20))
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CONTRACT
    assert (candidate.letter_of_intent_on, candidate.contract_on) == (date(2026, 1, 10), date(2026, 3, 20))
    clock = pipeline.letter_to_contract(candidate)
    assert (clock.days, clock.running, clock.late) == (69, False, True)
    assert list(StageChange.objects.values_list("from_stage", "to_stage")) == [
        ("letter_of_intent", "contract"),
        ("identified", "letter_of_intent"),
    ]


def test_clock_runs_until_the_contract(candidate, world):
    pipeline.move(candidate, Stage.LETTER_OF_INTENT, world.manager, today=date(2026, 1, 10))
    candidate.refresh_from_db()
    clock = pipeline.letter_to_contract(candidate, today=date(2026, 3, 1))
    assert (clock.days, clock.running, clock.late) == (50, True, False)
    pipeline.move(candidate, Stage.TRIAL, world.manager, today=date(2026, 3, 1))
    candidate.refresh_from_db()
    assert candidate.contract_on is None  # a trial period is a relationship without a contract


@pytest.mark.parametrize(
    "start, stage, reason, message",
    [
        (Stage.IDENTIFIED, Stage.IDENTIFIED, "", "already at this stage"),
        (Stage.IDENTIFIED, Stage.LOST, "", "Say why"),
        (Stage.IDENTIFIED, Stage.EXITED, "gone", "Only an active partner"),
        (Stage.ACTIVE, Stage.LOST, "gone", "exits rather"),
        (Stage.LOST, Stage.MEETING, "", "reopened"),
        (Stage.IDENTIFIED, "nowhere", "", "Unknown stage"),
    ],
)
def test_refused_moves_change_nothing(candidate, world, start, stage, reason, message):
    Candidate.objects.filter(pk=candidate.pk).update(stage=start)
    candidate.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        pipeline.move(candidate, stage, world.manager, reason=reason)
    candidate.refresh_from_db()
    assert candidate.stage == start and not StageChange.objects.exists()


def test_lost_then_reopened_and_exit_of_an_active_partner(candidate, world):
    pipeline.move(candidate, Stage.LOST, world.manager, reason="No sales team")
    candidate.refresh_from_db()
    assert candidate.outcome_reason == "No sales team"
    # A new candidacy for the same organisation is possible once the first is closed, not twice open.
    Candidate.objects.create(organization=candidate.organization)
    with pytest.raises(ValidationError, match="already in the recruitment pipeline"):
        pipeline.move(candidate, Stage.IDENTIFIED, world.manager)
    other = Candidate.objects.create(organization=OrganizationFactory(name="Eta"), stage=Stage.ACTIVE)
    pipeline.move(other, Stage.EXITED, world.manager, reason="Retired")
    other.refresh_from_db()
    assert other.stage == Stage.EXITED


def test_capacity_guard_warns_beyond_capacity(world):
    RecruiterCapacity.objects.create(user=world.manager, capacity=2)
    one, two, three = (
        Candidate.objects.create(
            organization=OrganizationFactory(name=name), owner=world.manager, stage=Stage.QUALIFIED
        )
        for name in ("One", "Two", "Three")
    )
    assert pipeline.move(one, Stage.TRIAL, world.manager) == []
    assert pipeline.move(two, Stage.CONTRACT, world.manager) == []
    warnings = pipeline.move(three, Stage.TRIAL, world.manager)
    assert len(warnings) == 1 and "2 partners for a capacity of 2" in warnings[0]
    three.refresh_from_db()
    assert three.stage == Stage.TRIAL  # the guard warns, the manager decides
    load = next(row for row in pipeline.loads() if row.user == world.manager)
    assert (load.load, load.capacity, load.over) == (3, 2, True)
    # Moving within onboarding (trial → contract) adds nobody to the load: no warning.
    assert pipeline.move(one, Stage.CONTRACT, world.manager) == []


def test_grid_score_by_hand(candidate, questions):
    technical, human, commitment = questions
    pipeline.save_grid(candidate, {technical: 3, human: 4, commitment: None})
    grid = pipeline.grid_of(candidate)
    # (2·3 + 1·4) / (2·4 + 1·4) = 10/12
    assert grid.total == round(100 * 10 / 12, 1)
    assert grid.pillars == {"technical": 75.0, "human": 100.0, "commitment": None, "durability": None}
    assert (grid.answered, grid.questions) == (2, 3)
    with pytest.raises(ValidationError):
        pipeline.save_grid(candidate, {technical: 0, human: 5})
    assert QualificationAnswer.objects.get(question=technical).rating == 3


def test_board_move_with_htmx_and_the_detail_page(candidate, world, client_for, questions):
    client = client_for(world.manager)
    board = client.get(reverse("recruitment:pipeline"))
    assert board.status_code == 200 and "Zeta" in board.content.decode()
    url = reverse("recruitment:candidate-move", args=[candidate.uuid])
    swapped = client.post(url, {"stage": "meeting"}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200 and 'id="board"' in swapped.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.MEETING
    refused = client.post(url, {"stage": "lost"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and "Say why" in refused.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.MEETING
    grid_url = reverse("recruitment:candidate-grid", args=[candidate.uuid])
    client.post(grid_url, {f"q{questions[0].pk}": "4", f"c{questions[0].pk}": "Strong ERP practice"})
    assert QualificationAnswer.objects.get().comment == "Strong ERP practice"
    client.post(grid_url, {f"q{questions[0].pk}": "9"})
    assert QualificationAnswer.objects.get().rating == 4
    client.post(
        reverse("recruitment:candidate-activity", args=[candidate.uuid]),
        {"kind": "call", "happened_on": "2026-02-01", "summary": "Intro call"},
    )
    detail = client.get(candidate.get_absolute_url()).content.decode()
    assert "Intro call" in detail and "Strong ERP practice" in detail and "100.0 / 100" in detail
    compared = client.get(reverse("recruitment:qualification")).content.decode()
    assert "Zeta" in compared


def test_reader_sees_but_cannot_move(candidate, world, client_for):
    client = client_for(world.reader)
    assert client.get(reverse("recruitment:pipeline")).status_code == 200
    assert (
        client.post(
            reverse("recruitment:candidate-move", args=[candidate.uuid]), {"stage": "meeting"}
        ).status_code
        == 403
    )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.IDENTIFIED


def test_api_candidates_move_and_grid(world, api, questions):
    client = api(world.manager)
    created = client.post(
        "/api/candidates/", {"organization": str(world.org_b.uuid), "owner": "manager"}, format="json"
    )
    assert created.status_code == 201, created.json()
    uuid = created.json()["uuid"]
    twice = client.post("/api/candidates/", {"organization": str(world.org_b.uuid)}, format="json")
    assert twice.status_code == 400 and "already in the recruitment pipeline" in str(twice.json())
    moved = client.post(f"/api/candidates/{uuid}/move/", {"stage": "contacted"}, format="json")
    assert (
        moved.status_code == 200 and moved.json()["stage"] == "contacted" and moved.json()["warnings"] == []
    )
    bad = client.post(f"/api/candidates/{uuid}/move/", {"stage": "exited", "reason": "x"}, format="json")
    assert bad.status_code == 409
    assert bad.json()["error"]["code"] == "wrong_stage"
    assert bad.json()["error"]["details"] == {"current": "contacted", "requested": "exited"}
    unknown = client.post(f"/api/candidates/{uuid}/move/", {"stage": "nowhere"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid"
    grid = client.put(
        f"/api/candidates/{uuid}/grid/", {"ratings": {str(questions[1].uuid): 2}}, format="json"
    )
    assert grid.status_code == 200 and grid.json()["score"] == 50.0
    wrong = client.put(
        f"/api/candidates/{uuid}/grid/", {"ratings": {str(questions[1].uuid): 7}}, format="json"
    )
    assert wrong.status_code == 400 and QualificationAnswer.objects.get().rating == 2


def test_candidate_created_by_name_and_only_once(world, client_for):
    client = client_for(world.manager)
    url = reverse("recruitment:candidate-create")
    unknown = client.post(url, {"organization": "Nobody", "owner": world.manager.pk})
    assert unknown.status_code == 422 and not Candidate.objects.exists()
    assert client.post(url, {"organization": "bêta conseil", "owner": world.manager.pk}).status_code == 302
    again = client.post(url, {"organization": "Bêta Conseil"})
    assert again.status_code == 422 and "already in the recruitment pipeline" in again.content.decode()
    assert Candidate.objects.get().organization == world.org_b


def test_signing_hands_over_to_a_partnership(world, candidate):
    from meute.partnerships.models import Partnership

    pipeline.move(candidate, Stage.TRIAL, world.manager, today=date(2026, 2, 1))
    partnership = Partnership.objects.get(parties__organization=candidate.organization)
    assert (partnership.status, partnership.stage, partnership.start_date) == (
        "trial",
        "onboarding",
        date(2026, 2, 1),
    )
    assert set(partnership.parties.values_list("organization", flat=True)) == {
        world.operator.pk,
        candidate.organization_id,
    }
    pipeline.move(candidate, Stage.CONTRACT, world.manager, today=date(2026, 3, 1))
    partnership.refresh_from_db()
    assert partnership.status == "active"
    assert Partnership.objects.filter(parties__organization=candidate.organization).count() == 1
    # A prospect partnership already on record moves on rather than being duplicated.
    other = Candidate.objects.create(organization=world.org_b, owner=world.manager)
    pipeline.move(other, Stage.CONTRACT, world.manager)
    world.partnership_b.refresh_from_db()
    assert world.partnership_b.status == "active"
    assert Partnership.objects.filter(parties__organization=world.org_b).count() == 1


def test_signing_starts_the_business_plan_from_the_pipelines_figures(world, candidate):
    from decimal import Decimal

    from meute.partnerships.models import Partnership
    from meute.programs.models import BusinessPlan

    candidate.expected_revenue = Decimal("100000.01")
    candidate.save()
    pipeline.move(candidate, Stage.LETTER_OF_INTENT, world.manager, today=date(2026, 1, 10))
    pipeline.move(candidate, Stage.CONTRACT, world.manager, today=date(2026, 11, 20))
    partnership = Partnership.objects.get(parties__organization=candidate.organization)
    plan = BusinessPlan.objects.get(partnership=partnership)
    # Seed 003: the contract targeted about two months after the letter of intent.
    assert (plan.letter_of_intent_date, plan.target_contract_date) == (date(2026, 1, 10), date(2026, 3, 11))
    assert plan.currency == "EUR"
    version = plan.versions.get()
    assert version.created_by == world.manager
    objectives = list(
        version.objectives.order_by("year", "quarter").values_list("year", "quarter", "kind", "target")
    )
    # The expected yearly revenue over four quarters from the signature's (Q4 2026); the cent left by the
    # split goes to the last quarter, so the objectives add up to the pipeline's figure.
    assert objectives == [
        (2026, 4, "revenue", Decimal("25000.00")),
        (2027, 1, "revenue", Decimal("25000.00")),
        (2027, 2, "revenue", Decimal("25000.00")),
        (2027, 3, "revenue", Decimal("25000.01")),
    ]
    # Moving on to active keeps the plan the team may have edited since.
    version.objectives.filter(quarter=4).update(target=Decimal("1"))
    pipeline.move(candidate, Stage.ACTIVE, world.manager, today=date(2026, 12, 1))
    assert BusinessPlan.objects.filter(partnership=partnership).count() == 1
    assert version.objectives.get(year=2026, quarter=4).target == Decimal("1")


def test_a_partnership_with_a_plan_keeps_it_and_no_figure_means_no_objective(world):
    from meute.programs.models import BusinessPlan
    from meute.programs.plans import create_plan

    create_plan(world.partnership_b, summary="Written by hand")
    prospect = Candidate.objects.create(organization=world.org_b, owner=world.manager)
    pipeline.move(prospect, Stage.CONTRACT, world.manager, today=date(2026, 5, 2))
    assert BusinessPlan.objects.get(partnership=world.partnership_b).summary == "Written by hand"
    newcomer = Candidate.objects.create(organization=OrganizationFactory(name="Eta"), owner=world.manager)
    pipeline.move(newcomer, Stage.TRIAL, world.manager, today=date(2026, 5, 2))
    plan = BusinessPlan.objects.get(partnership__parties__organization=newcomer.organization)
    assert plan.letter_of_intent_date is None and plan.target_contract_date is None
    assert not plan.versions.get().objectives.exists()


def test_pipeline_export_honours_the_boards_filters(world, client_for):
    import csv
    import io
    from decimal import Decimal

    from openpyxl import load_workbook

    from meute.core.factories import UserFactory

    other_manager = UserFactory(username="other", role="channel_manager")
    mine = Candidate.objects.create(
        organization=OrganizationFactory(name="Zeta"),
        owner=world.manager,
        expected_revenue=Decimal("1200.50"),
    )
    Candidate.objects.create(organization=OrganizationFactory(name="Theta"), owner=other_manager)
    pipeline.move(mine, Stage.LETTER_OF_INTENT, world.manager, today=date(2026, 1, 10))
    client = client_for(world.manager)
    board = client.get(reverse("recruitment:pipeline"), {"owner": world.manager.pk}).content.decode()
    assert "Zeta" in board and "Theta" not in board
    export_url = reverse("recruitment:pipeline")
    assert f"{export_url}?owner={world.manager.pk}&amp;export=csv" in board  # the board's filters kept

    def table(query):
        response = client.get(export_url, {**query, "export": "csv"})
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    rows = table({"owner": world.manager.pk})
    assert rows[0][:3] == ["Organisation", "Stage", "Owner"]
    assert [row[:4] for row in rows[1:]] == [["Zeta", "Letter of intent", "manager", "1200.50"]]
    assert rows[1][7] == "2026-01-10"
    by_stage = table({"stage": "identified"})
    assert [row[0] for row in by_stage[1:]] == ["Theta"]
    book = client.get(export_url, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["Theta", "Zeta"]
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "Zeta"] == [1200.5]
    # A filter value the board does not offer: said, nothing exported.
    refused = client.get(export_url, {"stage": "nowhere", "export": "csv"})
    assert refused.status_code == 400 and "Unknown stage" in refused.content.decode()
    page = client.get(reverse("recruitment:pipeline"), {"owner": "x"}).content.decode()
    assert "Unknown channel manager" in page and "Theta" in page


def test_partner_users_cannot_export_the_pipeline(world, client_for):
    Candidate.objects.create(organization=OrganizationFactory(name="Zeta"), owner=world.manager)
    for fmt in ("csv", "xlsx"):
        response = client_for(world.partner_a_user).get(reverse("recruitment:pipeline"), {"export": fmt})
        assert response.status_code == 403
        assert b"Zeta" not in response.content


def test_capacity_guard_counts_the_onboarding_journeys_the_manager_leads(world):
    from meute.core.factories import PersonFactory
    from meute.enablement.journeys import start_journey
    from meute.enablement.models import JourneyTemplate, TemplateStep
    from meute.partnerships.choices import PartyRole

    manager_person = PersonFactory(organization=world.operator, user=world.manager)
    seat = world.partnership_a.parties.get(role=PartyRole.OPERATOR)
    seat.alliance_manager = manager_person
    seat.save()
    template = JourneyTemplate.objects.create(name="Welcome")
    TemplateStep.objects.create(template=template, position=1, title="Kick-off", owner_side="vendor")
    RecruiterCapacity.objects.create(user=world.manager, capacity=1)
    assert pipeline.load_of(world.manager) == 0
    journey = start_journey(world.partnership_a, template)
    # Alpha's journey is in progress with the manager as the operator's alliance manager: the team is full.
    assert pipeline.onboarded_by(world.manager) == {world.org_a.pk}
    newcomer = Candidate.objects.create(
        organization=OrganizationFactory(name="Iota"), owner=world.manager, stage=Stage.QUALIFIED
    )
    warnings = pipeline.move(newcomer, Stage.TRIAL, world.manager)
    assert len(warnings) == 1 and "1 partners for a capacity of 1" in warnings[0]
    # Alpha also in the pipeline under contract: one organisation, counted once.
    Candidate.objects.create(organization=world.org_a, owner=world.manager, stage=Stage.CONTRACT)
    load = next(row for row in pipeline.loads() if row.user == world.manager)
    assert (load.load, load.capacity, load.over) == (2, 1, True)
    # A finished journey leaves the load; another manager's journeys never count.
    journey.status = "completed"
    journey.save()
    assert pipeline.onboarded_by(world.manager) == {world.org_a.pk, newcomer.organization_id}
    assert pipeline.load_of(world.admin) == 0
