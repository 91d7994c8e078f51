"""Who may write which field: the one table, read by page forms, API serializers, imports and the admin.

``meute.lib.access`` says who may create or change a *record*; this module says, inside a record the user
may change, which *fields* they may write. A field missing from ``FIELD_RIGHTS`` is written by whoever may
change the record. A field listed is written only by the roles its rule names; the partner (or member) may
also write it while the record is still in one of the states ``partner_while`` lists (a deal's margin while
the deal is open, for instance).

What decides what the vendor grants or pays (revenue that counts, the margin and amount of won deals,
partner types, tiers, labels, certifications, metrics, protection dates) is written by staff editors or by
the workflow function that owns it, never by the partner directly.

A refused write changes nothing: serializers answer 403 (code ``field_not_writable``) naming the fields,
forms put an error on each field, imports refuse the file. The table is rendered in CONTRIBUTING.md
(``python manage.py rights_table`` prints it).
"""

from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "admin"
CHANNEL_MANAGER = "channel_manager"
READ_ONLY = "read_only"
PARTNER = "partner"
COORDINATOR = "coordinator"

# The columns of the table: a member of a network signs in as a partner user of its own organisation.
ROLE_LABELS = {
    ADMINISTRATOR: _("Administrator"),
    CHANNEL_MANAGER: _("Channel manager"),
    READ_ONLY: _("Read-only staff"),
    PARTNER: _("Partner user or member"),
    COORDINATOR: _("Grouping coordinator"),
}

EDITORS = frozenset({ADMINISTRATOR, CHANNEL_MANAGER})
_RECORD_ROLES = frozenset({COORDINATOR})
ADMINISTRATORS = frozenset({ADMINISTRATOR})
WORKFLOW = frozenset()  # no role writes it directly: only the function that owns the record's workflow

OPEN_DEAL_STAGES = ("draft", "submitted", "approved")


@dataclass(frozen=True)
class Rule:
    writers: frozenset
    reason: str
    # The partner may also write the field while the record's attributes hold one of these values.
    partner_while: dict = field(default_factory=dict)


# The organisation's figures the recruitment scoring, look-alike references and potential read: a partner
# raising its own would rank itself, so they are staff-written like partner types (an organisation row has
# no state in which a declared figure could wait for verification, as a revenue record has).
_SCORED_ORGANIZATION_FIELDS = (
    "headcount",
    "sales_headcount",
    "engineer_headcount",
    "annual_revenue",
    "market_share",
    "growth_trend",
    "company_sizes",
    "markets",
    "geographies",
    "offerings",
)

FIELD_RIGHTS: dict[str, dict[str, Rule]] = {
    "core.Organization": {
        "is_operator": Rule(ADMINISTRATORS, _("Which organisation runs this instance.")),
        "partner_types": Rule(EDITORS, _("Partner types decide lead routing, labels and the programme.")),
        "tags": Rule(EDITORS, _("Tags are the operator's classification of its partners.")),
        **{
            name: Rule(EDITORS, _("Recruitment scoring and potential read it: the operator's assessment."))
            for name in _SCORED_ORGANIZATION_FIELDS
        },
    },
    "core.User": {
        "role": Rule(ADMINISTRATORS, _("The role decides every right.")),
        "organization": Rule(ADMINISTRATORS, _("The organisation decides which rows the user sees.")),
    },
    "partnerships.Partnership": {
        "status": Rule(EDITORS, _("The operator decides where a partnership stands.")),
        "stage": Rule(EDITORS, _("The operator decides where a partnership stands.")),
    },
    "programs.RevenueRecord": {
        "status": Rule(EDITORS, _("Only verified revenue counts toward tiers, labels and payouts.")),
        "source": Rule(EDITORS, _("Where the figure comes from: set by the channel that received it.")),
    },
    "programs.PartnerMetric": {
        "value": Rule(EDITORS, _("Metrics count toward tiers and labels.")),
        "metric": Rule(EDITORS, _("Metrics count toward tiers and labels.")),
        "period": Rule(EDITORS, _("Metrics count toward tiers and labels.")),
    },
    "programs.PartnerTier": {
        "tier": Rule(EDITORS, _("The tier grants margin, protection and funds: set by evaluation or staff.")),
        "partner_type": Rule(EDITORS, _("The partner type decides lead routing and labels.")),
        "program": Rule(EDITORS, _("The programme decides the tiers that apply.")),
        "grace_until": Rule(EDITORS, _("Set by the tier evaluation.")),
    },
    "deals.DealRegistration": {
        "margin": Rule(
            EDITORS | {COORDINATOR},
            _(
                "Margin-based payouts are computed from it: the partner states it until the deal is closed; "
                "then staff, or the coordinator of the deal's grouping, who sets the grouping's remuneration."
            ),
            partner_while={"stage": OPEN_DEAL_STAGES},
        ),
        "amount": Rule(
            EDITORS,
            _("Payouts and revenue follow it: the partner states it while the deal is a draft."),
            partner_while={"stage": ("draft",)},
        ),
        "protection_start": Rule(WORKFLOW, _("Set by approval and extension.")),
        "protection_end": Rule(WORKFLOW, _("Set by approval and extension.")),
        "stage": Rule(WORKFLOW, _("Changed by the review workflow.")),
    },
    "locator.LabelAward": {
        "label": Rule(EDITORS, _("Awarded by the label evaluation or staff.")),
        "valid_until": Rule(EDITORS, _("Awarded by the label evaluation or staff.")),
    },
    "enablement.PersonCertification": {
        "certification": Rule(EDITORS, _("Certified people count toward tiers: earned or imported.")),
        "valid_until": Rule(EDITORS, _("Certified people count toward tiers: earned or imported.")),
        "revoked_on": Rule(EDITORS, _("Certified people count toward tiers: earned or imported.")),
    },
}


# Roles that depend on the record: ``register_role(COORDINATOR, resolver)`` from the app that knows them
# (``resolver(user, obj) -> bool``); a lower layer cannot import the groupings app.
_RESOLVERS: dict[str, list] = {}


def register_role(role: str, resolver) -> None:
    _RESOLVERS.setdefault(role, [])
    if resolver not in _RESOLVERS[role]:
        _RESOLVERS[role].append(resolver)


def roles_of(user, obj=None) -> frozenset:
    """The table's roles ``user`` holds, on ``obj`` when given (the coordinator of a grouping's records)."""
    if not (user and user.is_authenticated and user.is_active):
        return frozenset()
    if user.is_superuser:
        return ADMINISTRATORS
    roles = {user.role}
    if obj is not None and getattr(obj, "pk", None) is not None:
        for role, resolvers in _RESOLVERS.items():
            if any(resolver(user, obj) for resolver in resolvers):
                roles.add(role)
    return frozenset(roles)


def model_key(model) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def rule_for(model, name: str) -> Rule | None:
    return FIELD_RIGHTS.get(model_key(model), {}).get(name)


def protected_fields(model) -> dict[str, Rule]:
    return dict(FIELD_RIGHTS.get(model_key(model), {}))


def may_write(user, model, name: str, obj=None) -> bool:
    """May ``user`` write field ``name`` of ``model`` (of the record ``obj`` when it exists)?"""
    rule = rule_for(model, name)
    if rule is None:
        return True
    roles = roles_of(user, obj if rule.writers & _RECORD_ROLES else None)
    if roles & rule.writers:
        return True
    if PARTNER in roles and rule.partner_while and obj is not None and obj.pk is not None:
        return all(getattr(obj, attr) in values for attr, values in rule.partner_while.items())
    return False


def _comparable(value):
    if hasattr(value, "all") and callable(value.all):  # a related manager
        value = list(value.all())
    if isinstance(value, list | tuple | set | frozenset):
        return frozenset(getattr(item, "pk", item) for item in value)
    return getattr(value, "pk", value)


def current_value(model, obj, name: str):
    """The value a record holds now (the field's default for a record still to be created)."""
    if obj is not None and obj.pk is not None:
        return _comparable(getattr(obj, name))
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a computed attribute (partner types): empty on a new record
        return frozenset()
    if model_field.many_to_many:
        return frozenset()
    return _comparable(model_field.get_default())


def refused_fields(user, model, obj, values: dict) -> list[str]:
    """The fields of ``values`` that ``user`` may not write and that would change, in the table's order.

    On an existing record, sending the value it already holds is not a change. On a new record, any value
    given for a protected field is refused: its default is the owner's to choose.
    """
    refused = []
    for name in protected_fields(model):
        if name not in values or may_write(user, model, name, obj):
            continue
        value = _comparable(values[name])
        if obj is None or obj.pk is None:
            if value not in (None, "", frozenset()):
                refused.append(name)
        elif value != current_value(model, obj, name):
            refused.append(name)
    return refused


def refusal_message(name: str) -> str:
    return str(_("You may not change “%(field)s”.") % {"field": name})


class FieldsNotWritable(PermissionDenied):
    """Raised by ``require_writable`` (serializers, domain functions); the API answers 403
    ``field_not_writable`` naming the fields, a page 403."""

    def __init__(self, fields):
        self.fields = list(fields)
        super().__init__(
            _("You may not change these fields: %(fields)s.") % {"fields": ", ".join(self.fields)}
        )


def require_writable(user, model, obj, values: dict) -> None:
    refused = refused_fields(user, model, obj, values)
    if refused:
        raise FieldsNotWritable(refused)


class FieldRightsFormMixin:
    """A ModelForm that applies the table for ``user`` (a keyword argument every caller gives).

    Fields the user may not write are shown disabled; a value posted for them anyway is refused with an
    error on the field (and the form is invalid, so nothing is written).
    """

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights_user = user
        model = self._meta.model
        obj = self.instance if self.instance.pk else None
        self._guarded = {}
        for name in protected_fields(model):
            form_field = self.fields.get(name)
            if form_field is None or may_write(user, model, name, obj):
                continue
            self._guarded[name] = form_field
            form_field.disabled = True

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        obj = self.instance if self.instance.pk else None
        for name, form_field in self._guarded.items():
            prefixed = self.add_prefix(name)
            if not self._posted(form_field, prefixed):
                continue
            raw = form_field.widget.value_from_datadict(self.data, self.files, prefixed)
            form_field.disabled = False
            try:
                posted = form_field.clean(raw)
            except ValidationError:
                posted = raw
            finally:
                form_field.disabled = True
            if _comparable(posted) != current_value(model, obj, name):
                self.add_error(name, refusal_message(form_field.label or name))
        return cleaned

    def _posted(self, form_field, prefixed) -> bool:
        # Unticked check lists send nothing: absent means "unchanged" for a disabled field.
        return prefixed in self.data


class FieldRightsAdminMixin:
    """Admin pages show the fields the signed-in user may not write as read-only."""

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        for name in protected_fields(self.model):
            if name not in fields and not may_write(request.user, self.model, name, obj):
                fields.append(name)
        return fields


def markdown_table() -> str:
    """The table as CONTRIBUTING.md shows it (``python manage.py rights_table`` prints it)."""
    columns = [ADMINISTRATOR, CHANNEL_MANAGER, READ_ONLY, PARTNER, COORDINATOR]
    headers = ["model", "field", *(str(ROLE_LABELS[role]).lower() for role in columns), "why"]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _h in headers) + " |"]
    for key, rules in FIELD_RIGHTS.items():
        for name, rule in rules.items():
            cells = []
            for role in columns:
                if role in rule.writers:
                    cells.append("yes")
                elif role == PARTNER and rule.partner_while:
                    states = "; ".join(
                        f"{attr} {', '.join(values)}" for attr, values in rule.partner_while.items()
                    )
                    cells.append(f"while {states}")
                else:
                    cells.append("—")
            if not rule.writers:
                cells[0] = cells[1] = "workflow only"
            lines.append(f"| `{key}` | `{name}` | " + " | ".join(cells) + f" | {rule.reason} |")
    return "\n".join(lines)
