"""Demo data of the advice area: assessments, an adopted model and partly done playbooks for the groupings.

``populate_demo()`` runs after the demo groupings exist (``DemoGenerator.create_groupings``). It is
deterministic: grouping number ``i`` (by name) gets the answers of the ``i``-th model scenario (cycling over
the 8 models), one member a little more keen on marketing than the others (so some groupings show a
disagreement); every fourth grouping still waits for its last member's answers. Groupings with every
answer adopt the recommended model, and about half of their playbook items are done or in progress.
Written in bulk, without the audit trail (like the rest of the demo data). Returns the counts written.
"""

from django.db import transaction

from meute.collaboration import advisor
from meute.collaboration.catalogue import REFERRAL_RATE_MIN, entries_for
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import AssessmentResponse, AssessmentRound, ModelDecision, PlaybookItem
from meute.partnerships.choices import PartnershipKind, PartyRole
from meute.partnerships.models import Partnership

SCENARIOS = [
    {},
    {"marketing": 1, "horizon": 1},
    {"marketing": 2, "horizon": 2},
    {"marketing": 1, "sales": 2, "legal": 1, "share_customers": 1, "horizon": 1},
    {"technology": 2, "legal": 1, "share_data": 1, "horizon": 2},
    {"technology": 3, "legal": 2, "share_brand": 1, "horizon": 1},
    {"marketing": 2, "legal": 3, "share_resources": 1, "horizon": 3},
    {"legal": 3, "share_capital": 1, "share_resources": 1, "horizon": 3},
]
NOTES = [
    "Validé en réunion de meute ; compte rendu partagé.",
    "Première version rédigée, à relire par chaque membre.",
    "Point prévu avec l’avocat du groupement le mois prochain.",
]


def demo_answers(levels: dict, keen: bool = False) -> dict:
    axis_levels = {axis: levels.get(axis, 0) for axis in advisor.AXES}
    if keen:
        axis_levels["marketing"] = min(3, axis_levels["marketing"] + 2)
    answers = {}
    for question in advisor.QUESTIONS:
        level = axis_levels.get(question.axis, levels.get(question.key, 0))
        answers[question.key] = question.options[level][0]
    return answers


@transaction.atomic
def populate_demo(groupings=None) -> dict:
    groupings = list(
        (groupings if groupings is not None else Partnership.objects.filter(kind=PartnershipKind.GROUPING))
        .prefetch_related("parties__organization")
        .order_by("name", "pk")
    )
    counts = {"responses": 0, "decisions": 0, "playbook_items": 0}
    for number, grouping in enumerate(groupings):
        seats = sorted(grouping.parties.all(), key=lambda seat: (seat.role != PartyRole.COORDINATOR, seat.pk))
        if len(seats) < 2:
            continue
        levels = SCENARIOS[number % len(SCENARIOS)]
        assessment_round, _created = AssessmentRound.objects.get_or_create(partnership=grouping, number=1)
        answering = seats[:-1] if number % 4 == 3 else seats
        answers = {
            seat.organization.name: demo_answers(levels, keen=(index == 1 and number % 3 == 0))
            for index, seat in enumerate(answering)
        }
        AssessmentResponse.objects.bulk_create(
            [
                AssessmentResponse(
                    round=assessment_round,
                    organization=seat.organization,
                    answers=answers[seat.organization.name],
                )
                for seat in answering
                if not AssessmentResponse.objects.filter(
                    round=assessment_round, organization=seat.organization
                ).exists()
            ]
        )
        counts["responses"] += len(answering)
        if len(answering) < len(seats):
            continue
        model = advisor.recommend(answers).model
        Partnership.objects.filter(pk=grouping.pk).update(collaboration_model=model)
        ModelDecision.objects.create(
            partnership=grouping, round=assessment_round, recommended_model=model, chosen_model=model
        )
        counts["decisions"] += 1
        items = []
        for position, entry in enumerate(entries_for(model)):
            owner = seats[position % len(seats)].organization
            status = [PlaybookItemStatus.DONE, PlaybookItemStatus.IN_PROGRESS, PlaybookItemStatus.TODO][
                position % 3
            ]
            if not entry.required and status == PlaybookItemStatus.TODO:
                status = PlaybookItemStatus.NOT_APPLICABLE
            items.append(
                PlaybookItem(
                    partnership=grouping,
                    model=model,
                    key=entry.key,
                    position=position,
                    owner_organization=owner,
                    status=status,
                    notes=NOTES[position % len(NOTES)] if status != PlaybookItemStatus.TODO else "",
                    not_applicable_reason=(
                        "Pas nécessaire pour ce groupement."
                        if status == PlaybookItemStatus.NOT_APPLICABLE
                        else ""
                    ),
                    rate_percent=(REFERRAL_RATE_MIN * 2 if entry.value_kind == "percent" else None),
                )
            )
        PlaybookItem.objects.bulk_create(items, ignore_conflicts=True)
        counts["playbook_items"] += len(items)
    return counts


__all__ = ["populate_demo"]
