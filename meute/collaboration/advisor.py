"""Which of the 8 collaboration models suits a grouping, from its members' involvement assessment.

Everything the advisor knows is data, in this module:

- ``QUESTIONS``: the questionnaire. Each question belongs to one of the four axes of the "Réussir Ensemble"
  programme (marketing, sales, technology, legal) or to the shared ambition, and has ORDERED options: the
  option's position is its level (0 = least involvement).
- A member's level on an axis is the mean of their answers on that axis, rounded down. The grouping's level
  on an axis (or on an ambition question) is the LOWEST of its members': a model can only ask of the
  grouping what every member is ready to commit.
- ``RULES``: one entry per model, from the simplest (referral) to the most integrated (cross-shareholding),
  each with the minimum levels it needs. The recommendation is the most integrated model whose
  requirements all hold; the next model up is the following rule, with its requirements still unmet.
- Disagreements: on each axis, members whose levels differ by ``DISAGREEMENT_GAP`` or more are listed,
  each with their own level, so the grouping can talk it over before choosing.

``recommend(answers_by_member)`` is a pure function over plain data (member label → {question: option}),
tested without a database. Missing or unknown answers raise ``IncompleteAnswers``.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.partnerships.choices import CollaborationModel

MARKETING, SALES, TECHNOLOGY, LEGAL, AMBITION = "marketing", "sales", "technology", "legal", "ambition"
AXES = (MARKETING, SALES, TECHNOLOGY, LEGAL)
AXIS_LABELS = {
    MARKETING: gettext_lazy("Marketing"),
    SALES: gettext_lazy("Sales"),
    TECHNOLOGY: gettext_lazy("Technology"),
    LEGAL: gettext_lazy("Legal"),
    AMBITION: gettext_lazy("Shared ambition"),
}
DISAGREEMENT_GAP = 2


@dataclass(frozen=True)
class Question:
    key: str
    axis: str
    text: str
    options: tuple  # ((option key, label), ...) ordered from the least to the most involvement
    short: str = ""  # a short name for reasons (ambition questions)

    def level(self, option_key: str) -> int:
        return [key for key, _label in self.options].index(option_key)

    def option_label(self, option_key: str) -> str:
        return str(dict(self.options)[option_key])


NO_YES = (("no", gettext_lazy("No")), ("yes", gettext_lazy("Yes")))

QUESTIONS = (
    # Marketing
    Question(
        "mkt_campaigns",
        MARKETING,
        gettext_lazy("Which joint prospection actions are you ready to run with the other members?"),
        (
            ("none", gettext_lazy("None: I only pass on opportunities")),
            ("case_by_case", gettext_lazy("Campaigns chosen case by case (events, e-mailing, calls)")),
            ("programme", gettext_lazy("A programme of campaigns over the year")),
            ("strategy", gettext_lazy("A common market strategy with a shared marketing plan")),
        ),
    ),
    Question(
        "mkt_budget",
        MARKETING,
        gettext_lazy("Which marketing budget are you ready to commit?"),
        (
            ("none", gettext_lazy("None")),
            ("per_campaign", gettext_lazy("A share of each campaign's budget")),
            ("annual", gettext_lazy("A yearly common budget")),
            ("pooled", gettext_lazy("Pooled budget and means in a common structure")),
        ),
    ),
    Question(
        "mkt_means",
        MARKETING,
        gettext_lazy("Which marketing means would you share (database, files, messages, CRM, callers)?"),
        (
            ("none", gettext_lazy("None")),
            ("messages", gettext_lazy("Messages and content for a campaign")),
            ("database", gettext_lazy("Contact database, CRM and callers for the common project")),
            ("all", gettext_lazy("All marketing means, managed in common")),
        ),
    ),
    # Sales
    Question(
        "sales_offer",
        SALES,
        gettext_lazy("How would the members' offers be sold?"),
        (
            ("separately", gettext_lazy("Each member sells their own offer")),
            ("introductions", gettext_lazy("We introduce each other to our customers")),
            ("packaged", gettext_lazy("A packaged offer combining our offers")),
            ("single", gettext_lazy("A single offer sold under one name")),
        ),
    ),
    Question(
        "sales_cycle",
        SALES,
        gettext_lazy("Which part of the sales cycle are you ready to share?"),
        (
            ("none", gettext_lazy("None")),
            ("lead", gettext_lazy("Passing on the lead")),
            ("steps", gettext_lazy("Defined steps with roles and a hand-over criterion")),
            ("whole", gettext_lazy("The whole cycle, with a common project lead")),
        ),
    ),
    Question(
        "sales_tools",
        SALES,
        gettext_lazy("Which sales tools would you build in common?"),
        (
            ("none", gettext_lazy("None")),
            ("presentation", gettext_lazy("A common presentation")),
            ("kit", gettext_lazy("Proposal template, price grid and standard contract")),
            ("full", gettext_lazy("The full kit, with SLA model and warranty clauses")),
        ),
    ),
    # Technology
    Question(
        "tech_integration",
        TECHNOLOGY,
        gettext_lazy("How far would you integrate your solutions technically?"),
        (
            ("none", gettext_lazy("Not at all")),
            ("compatible", gettext_lazy("Checked compatibility only")),
            ("interfaces", gettext_lazy("Interfaces and shared data models")),
            ("embedded", gettext_lazy("One member's solution embedded in another's")),
        ),
    ),
    Question(
        "tech_roadmap",
        TECHNOLOGY,
        gettext_lazy("Would you share your product road-maps?"),
        (
            ("no", gettext_lazy("No")),
            ("informed", gettext_lazy("Informed of major changes")),
            ("shared", gettext_lazy("Shared road-maps for the interfaces")),
            ("joint", gettext_lazy("A joint road-map")),
        ),
    ),
    Question(
        "tech_maintenance",
        TECHNOLOGY,
        gettext_lazy("Which maintenance commitment would you take on joint developments?"),
        (
            ("none", gettext_lazy("None")),
            ("best_effort", gettext_lazy("Best effort")),
            ("interfaces", gettext_lazy("Maintenance and documentation of the interfaces")),
            ("sla", gettext_lazy("Corrective and evolutive maintenance under an SLA")),
        ),
    ),
    # Legal
    Question(
        "legal_framework",
        LEGAL,
        gettext_lazy("Which legal framework would you accept?"),
        (
            ("brokerage", gettext_lazy("A simple brokerage agreement")),
            ("obligations", gettext_lazy("A contract listing cross obligations")),
            ("detailed", gettext_lazy("A detailed contract: IP, SLA, penalties, exit conditions")),
            ("entity", gettext_lazy("A common legal entity")),
        ),
    ),
    Question(
        "legal_ip",
        LEGAL,
        gettext_lazy("How would intellectual property be handled?"),
        (
            ("own", gettext_lazy("Each keeps their own, nothing joint")),
            ("licence", gettext_lazy("Licences of use for the common project")),
            ("joint", gettext_lazy("Rules for jointly developed modules")),
            ("pooled", gettext_lazy("IP held or pooled in common")),
        ),
    ),
    Question(
        "legal_liability",
        LEGAL,
        gettext_lazy("Which liability towards customers are you ready to share?"),
        (
            ("none", gettext_lazy("None beyond the introduction")),
            ("own_part", gettext_lazy("Each for their own part")),
            ("contractual", gettext_lazy("Contractual warranties and penalties")),
            ("joint", gettext_lazy("Joint liability")),
        ),
    ),
    # Shared ambition
    Question(
        "horizon",
        AMBITION,
        gettext_lazy("Over which horizon do you see the common project?"),
        (
            ("under_6", gettext_lazy("Less than 6 months")),
            ("6_12", gettext_lazy("6 to 12 months")),
            ("12_36", gettext_lazy("12 to 36 months")),
            ("over_36", gettext_lazy("More than 36 months")),
        ),
        gettext_lazy("Horizon of the common project"),
    ),
    Question(
        "exclusivity",
        AMBITION,
        gettext_lazy("Which exclusivity would you grant the other members?"),
        (
            ("none", gettext_lazy("None")),
            ("project", gettext_lazy("Per project")),
            ("offer", gettext_lazy("On the common offer")),
            ("full", gettext_lazy("Full exclusivity")),
        ),
        gettext_lazy("Exclusivity"),
    ),
    Question(
        "share_customers",
        AMBITION,
        gettext_lazy("Would you share your customers?"),
        NO_YES,
        gettext_lazy("Shared customers"),
    ),
    Question(
        "share_data",
        AMBITION,
        gettext_lazy("Would you share data (files, data models)?"),
        NO_YES,
        gettext_lazy("Shared data"),
    ),
    Question(
        "share_brand",
        AMBITION,
        gettext_lazy("Would you let a member sell your offer under their brand (white or grey label)?"),
        NO_YES,
        gettext_lazy("White or grey label"),
    ),
    Question(
        "share_resources",
        AMBITION,
        gettext_lazy("Would you pool resources (files, tools, staff) in a common structure?"),
        NO_YES,
        gettext_lazy("Pooled resources"),
    ),
    Question(
        "share_capital",
        AMBITION,
        gettext_lazy("Would you become a shareholder of the other members (or they of you)?"),
        NO_YES,
        gettext_lazy("Capital ties"),
    ),
)
QUESTIONS_BY_KEY = {question.key: question for question in QUESTIONS}


def questions_for(axis: str) -> list[Question]:
    return [question for question in QUESTIONS if question.axis == axis]


# --- the rule set ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """``source`` is an axis (the member's axis level) or a question key (that answer's level)."""

    source: str
    minimum: int
    why: str  # what meeting it means, translatable


@dataclass(frozen=True)
class Rule:
    model: str
    requirements: tuple


RULES = (
    Rule(CollaborationModel.REFERRAL, ()),
    Rule(
        CollaborationModel.JOINT_CAMPAIGN,
        (Requirement(MARKETING, 1, gettext_lazy("joint prospection campaigns run case by case")),),
    ),
    Rule(
        CollaborationModel.MARKETING_COOPERATION,
        (
            Requirement(MARKETING, 2, gettext_lazy("a common marketing plan with shared means")),
            Requirement("horizon", 2, gettext_lazy("a common project of 12 months or more")),
        ),
    ),
    Rule(
        CollaborationModel.PARTIAL_SALES_INTEGRATION,
        (
            Requirement(SALES, 2, gettext_lazy("a packaged offer sold with shared sales-cycle steps")),
            Requirement("share_customers", 1, gettext_lazy("customers shared between members")),
            Requirement(LEGAL, 1, gettext_lazy("a contract listing cross obligations")),
        ),
    ),
    Rule(
        CollaborationModel.TECHNOLOGY_INTEGRATION,
        (
            Requirement(TECHNOLOGY, 2, gettext_lazy("interfaces, shared data models and road-maps")),
            Requirement("share_data", 1, gettext_lazy("data shared between members")),
            Requirement("horizon", 2, gettext_lazy("a long-term ambition (12 months or more)")),
        ),
    ),
    Rule(
        CollaborationModel.OEM,
        (
            Requirement(TECHNOLOGY, 2, gettext_lazy("one member's solution integrated in another's")),
            Requirement("share_brand", 1, gettext_lazy("an offer sold under another member's brand")),
            Requirement(LEGAL, 2, gettext_lazy("a detailed contract: IP, SLA, penalties and exit")),
        ),
    ),
    Rule(
        CollaborationModel.GIE,
        (
            Requirement(LEGAL, 3, gettext_lazy("a common legal entity")),
            Requirement("share_resources", 1, gettext_lazy("resources pooled in a common structure")),
            Requirement("horizon", 3, gettext_lazy("a commitment of more than 36 months")),
        ),
    ),
    Rule(
        CollaborationModel.CROSS_SHAREHOLDING,
        (
            Requirement(LEGAL, 3, gettext_lazy("a common legal entity")),
            Requirement("share_capital", 1, gettext_lazy("capital ties between members")),
            Requirement("horizon", 3, gettext_lazy("a commitment of more than 36 months")),
        ),
    ),
)
MODEL_ORDER = [rule.model for rule in RULES]


# --- the advisor -----------------------------------------------------------------------------------------


class IncompleteAnswers(ValueError):
    """Missing or unknown answers: ``problems`` maps each member to their messages."""

    def __init__(self, problems: dict):
        self.problems = problems
        super().__init__(
            "; ".join(f"{member}: {', '.join(messages)}" for member, messages in problems.items())
        )


def answer_problems(answers: dict) -> dict[str, str]:
    """Question key → message for every missing or invalid answer of one member (empty when complete)."""
    problems = {}
    for question in QUESTIONS:
        value = answers.get(question.key)
        if value in (None, ""):
            problems[question.key] = _("This question needs an answer.")
        elif value not in dict(question.options):
            problems[question.key] = _("“%(value)s” is not one of the proposed answers.") % {"value": value}
    for key in answers:
        if key not in QUESTIONS_BY_KEY:
            problems[key] = _("Unknown question.")
    return problems


def member_levels(answers: dict) -> dict[str, int]:
    """Axis (and ambition question) → level for one member's complete answers."""
    levels = {}
    for axis in AXES:
        values = [question.level(answers[question.key]) for question in questions_for(axis)]
        levels[axis] = sum(values) // len(values)
    for question in questions_for(AMBITION):
        levels[question.key] = question.level(answers[question.key])
    return levels


def source_label(source: str) -> str:
    if source in AXIS_LABELS:
        return str(AXIS_LABELS[source])
    question = QUESTIONS_BY_KEY[source]
    return str(question.short or question.text)


def level_label(source: str, level: int) -> str:
    """What a level means, in words: the option of that rank of the source's first question."""
    question = questions_for(source)[0] if source in AXES else QUESTIONS_BY_KEY[source]
    return str(question.options[level][1])


@dataclass
class Disagreement:
    axis: str
    label: str
    levels: dict  # member → level
    spread: int
    level_labels: dict = field(default_factory=dict)  # member → what their level means


@dataclass
class Shortfall:
    requirement: Requirement
    members: list  # members below the minimum


@dataclass
class Recommendation:
    model: str
    reasons: list = field(default_factory=list)
    next_model: str | None = None
    next_requirements: list = field(default_factory=list)  # messages: what the next model would take
    disagreements: list = field(default_factory=list)
    group_levels: dict = field(default_factory=dict)
    levels_by_member: dict = field(default_factory=dict)

    @property
    def model_label(self) -> str:
        return str(CollaborationModel(self.model).label)

    @property
    def next_model_label(self) -> str:
        return str(CollaborationModel(self.next_model).label) if self.next_model else ""


def _shortfalls(rule: Rule, levels_by_member: dict) -> list[Shortfall]:
    shortfalls = []
    for requirement in rule.requirements:
        below = [
            m for m, levels in levels_by_member.items() if levels[requirement.source] < requirement.minimum
        ]
        if below:
            shortfalls.append(Shortfall(requirement, below))
    return shortfalls


def _reason(requirement: Requirement, levels_by_member: dict) -> str:
    detail = ", ".join(
        f"{member}: {level_label(requirement.source, levels[requirement.source])}"
        for member, levels in levels_by_member.items()
    )
    return _("%(source)s — every member is ready for %(why)s (%(detail)s).") % {
        "source": source_label(requirement.source),
        "why": requirement.why,
        "detail": detail,
    }


def recommend(answers_by_member: dict) -> Recommendation:
    """The most integrated model every member is ready for, with reasons, the next step and disagreements."""
    if not answers_by_member:
        raise IncompleteAnswers({"—": [_("No member has answered the assessment yet.")]})
    problems = {}
    for member, answers in answers_by_member.items():
        member_problems = answer_problems(answers)
        if member_problems:
            problems[member] = [f"{key}: {message}" for key, message in member_problems.items()]
    if problems:
        raise IncompleteAnswers(problems)

    levels_by_member = {member: member_levels(answers) for member, answers in answers_by_member.items()}
    sources = list(AXES) + [question.key for question in questions_for(AMBITION)]
    group_levels = {source: min(levels[source] for levels in levels_by_member.values()) for source in sources}

    chosen_index = 0
    for index, rule in enumerate(RULES):
        if not _shortfalls(rule, levels_by_member):
            chosen_index = index
    rule = RULES[chosen_index]
    reasons = [_reason(requirement, levels_by_member) for requirement in rule.requirements]
    if not reasons:
        reasons.append(
            _(
                "The members' answers do not yet support a joint campaign: sharing business opportunities "
                "(referral) is the model every member is ready for."
            )
        )
    result = Recommendation(
        model=str(rule.model),
        reasons=reasons,
        group_levels=group_levels,
        levels_by_member=levels_by_member,
    )
    if chosen_index + 1 < len(RULES):
        next_rule = RULES[chosen_index + 1]
        result.next_model = str(next_rule.model)
        for shortfall in _shortfalls(next_rule, levels_by_member):
            result.next_requirements.append(
                _("%(source)s: %(why)s — needs at least “%(level)s” from %(members)s.")
                % {
                    "source": source_label(shortfall.requirement.source),
                    "why": shortfall.requirement.why,
                    "level": level_label(shortfall.requirement.source, shortfall.requirement.minimum),
                    "members": ", ".join(str(member) for member in shortfall.members),
                }
            )
    for axis in AXES:
        levels = {member: member_levels_[axis] for member, member_levels_ in levels_by_member.items()}
        spread = max(levels.values()) - min(levels.values())
        if spread >= DISAGREEMENT_GAP:
            labels = {member: level_label(axis, level) for member, level in levels.items()}
            result.disagreements.append(Disagreement(axis, str(AXIS_LABELS[axis]), levels, spread, labels))
    return result
