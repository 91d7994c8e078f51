"""The checklist of a partnership: the 4 pillars and the 5 mandatory points, as data (``pillars`` keeps
each grouping's rows)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from meute.groupings.choices import PillarKind


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    kind: str
    label: str
    description: str


ITEMS = (
    ChecklistItem(
        "shared_desire",
        PillarKind.PILLAR,
        gettext_lazy("Shared desire"),
        gettext_lazy("Every member wants this partnership and says so."),
    ),
    ChecklistItem(
        "common_project",
        PillarKind.PILLAR,
        gettext_lazy("Common project"),
        gettext_lazy("The members build one project together, written down."),
    ),
    ChecklistItem(
        "balance",
        PillarKind.PILLAR,
        gettext_lazy("Balance"),
        gettext_lazy("The relationship stays balanced: contributions and returns are fair for each member."),
    ),
    ChecklistItem(
        "contract",
        PillarKind.PILLAR,
        gettext_lazy("Contract"),
        gettext_lazy("The commitments are set down in an agreement or contract."),
    ),
    ChecklistItem(
        "autonomous_parties",
        PillarKind.POINT,
        gettext_lazy("Autonomous parties"),
        gettext_lazy("Each member remains an autonomous business."),
    ),
    ChecklistItem(
        "pooled_effort",
        PillarKind.POINT,
        gettext_lazy("Pooled effort"),
        gettext_lazy("The members pool their efforts."),
    ),
    ChecklistItem(
        "common_objective",
        PillarKind.POINT,
        gettext_lazy("Common objective tied to a clearly identified need"),
        gettext_lazy("The aim is a common objective that answers a clearly identified need."),
    ),
    ChecklistItem(
        "own_missions",
        PillarKind.POINT,
        gettext_lazy("Own missions for each"),
        gettext_lazy("Towards that objective, each member has its own missions."),
    ),
    ChecklistItem(
        "interest_responsibility",
        PillarKind.POINT,
        gettext_lazy("Interest and responsibility for each"),
        gettext_lazy("Each member has an interest, a responsibility, a motivation, even obligations."),
    ),
)


ITEMS_BY_KEY = {item.key: item for item in ITEMS}


PILLAR_KEYS = tuple(item.key for item in ITEMS if item.kind == PillarKind.PILLAR)


POINT_KEYS = tuple(item.key for item in ITEMS if item.kind == PillarKind.POINT)
