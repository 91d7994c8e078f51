"""Forms of the payouts area: the rule version editor, the payout filters and the status actions."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.models import Organization
from meute.deals.choices import DealPartyRole
from meute.remuneration import payouts, periods
from meute.remuneration.choices import Basis, PayoutStatus, RuleKind, SalesStep, WeightSource
from meute.remuneration.engine import DEFAULT_REFERRAL_MAX, DEFAULT_REFERRAL_MIN

RULE_ROWS = 6
_PAIR = re.compile(r"^\s*(?P<key>[^=:]+?)\s*[=:]\s*(?P<value>-?[0-9]+(?:[.,][0-9]+)?)\s*$")


def _pairs(text: str, what: str) -> list[tuple[str, Decimal]]:
    """“a = 20, b = 30” (commas, semicolons or new lines between pairs) → [("a", 20), ("b", 30)]."""
    pairs = []
    for chunk in re.split(r"[,;\n]+", text or ""):
        if not chunk.strip():
            continue
        match = _PAIR.match(chunk)
        if not match:
            raise ValidationError(
                _("“%(text)s” is not a %(what)s = number pair.") % {"text": chunk.strip(), "what": what}
            )
        pairs.append((match["key"].strip(), Decimal(match["value"].replace(",", "."))))
    return pairs


class VersionForm(forms.Form):
    valid_from = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Deals won from this day on use these rules, until the next version starts."),
    )
    referral_min_rate = forms.DecimalField(
        label=gettext_lazy("Lowest referral fee (%)"),
        max_digits=5,
        decimal_places=2,
        initial=DEFAULT_REFERRAL_MIN,
    )
    referral_max_rate = forms.DecimalField(
        label=gettext_lazy("Highest referral fee (%)"),
        max_digits=5,
        decimal_places=2,
        initial=DEFAULT_REFERRAL_MAX,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RuleForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Rule"), choices=[("", "—")] + list(RuleKind.choices), required=False
    )
    basis = forms.ChoiceField(label=gettext_lazy("Basis"), choices=Basis.choices, initial=Basis.AMOUNT)
    rate = forms.DecimalField(
        label=gettext_lazy("Percentage"), max_digits=5, decimal_places=2, required=False
    )
    fixed_amount = forms.DecimalField(
        label=gettext_lazy("Fixed amount"), max_digits=14, decimal_places=2, required=False
    )
    party_role = forms.ChoiceField(
        label=gettext_lazy("Deal role paid"),
        choices=[("", "—")] + list(DealPartyRole.choices),
        required=False,
    )
    steps = forms.CharField(
        label=gettext_lazy("Sales-cycle steps"),
        required=False,
        help_text=gettext_lazy("For a split by step, e.g. “prospection=20, proposal=30, closing=50”."),
    )
    weight_source = forms.ChoiceField(
        label=gettext_lazy("Pool weights"), choices=WeightSource.choices, initial=WeightSource.INVOLVEMENT
    )
    weights = forms.CharField(
        label=gettext_lazy("Explicit weights"),
        required=False,
        help_text=gettext_lazy("For explicit pool weights: one “SIREN or member name = weight” per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)

    def clean_steps(self):
        pairs = _pairs(self.cleaned_data.get("steps", ""), _("step"))
        labels = {str(label).lower(): value for value, label in SalesStep.choices}
        steps = []
        for key, percent in pairs:
            step = key.lower() if key.lower() in SalesStep.values else labels.get(key.lower())
            if step is None:
                raise ValidationError(_("Unknown sales-cycle step “%(step)s”.") % {"step": key})
            steps.append({"step": step, "percent": str(percent)})
        return steps

    def clean_weights(self):
        weights = {}
        for key, weight in _pairs(self.cleaned_data.get("weights", ""), _("member")):
            found = [
                o
                for o in self.members
                if key in (o.siren, str(o.uuid)) or o.name.casefold() == key.casefold()
            ]
            if len(found) != 1:
                raise ValidationError(
                    _("“%(member)s” is not a member of this partnership.") % {"member": key}
                )
            weights[str(found[0].uuid)] = str(weight)
        return weights

    def rule(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return {key: data.get(key) for key in self.fields}


class BaseRuleFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["members"] = self.form_kwargs.get("members", ())
        return kwargs

    def rules(self) -> list[dict]:
        return [rule for form in self.forms if (rule := form.rule()) is not None]


RuleFormSet = forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=0, max_num=20)


def rule_initial(rule) -> dict:
    """A stored rule as the editor's initial values."""
    labels = {
        str(o.uuid): (o.siren or o.name)
        for o in Organization.objects.filter(uuid__in=list(rule.weights or {}))
    }
    return {
        "kind": rule.kind,
        "basis": rule.basis,
        "rate": rule.rate,
        "fixed_amount": rule.fixed_amount,
        "party_role": rule.party_role,
        "steps": ", ".join(f"{s['step']}={s['percent']}" for s in rule.steps or []),
        "weight_source": rule.weight_source,
        "weights": "\n".join(f"{labels.get(k, k)}={v}" for k, v in (rule.weights or {}).items()),
    }


class PayoutFilterForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        help_text=gettext_lazy("A year (2027), a quarter (2027-Q1) or a month (2027-03)."),
    )
    partnership = forms.UUIDField(required=False, widget=forms.HiddenInput)
    member = forms.CharField(label=gettext_lazy("Member (name or SIREN)"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("All"))] + list(PayoutStatus.choices),
        required=False,
    )

    def clean_period(self):
        text = self.cleaned_data.get("period") or ""
        if not text.strip():
            return periods.current_period()
        return periods.parse_period(text)


class StatusActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(key, key) for key in payouts.ACTIONS])
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=500)
    selected = forms.CharField(required=False)
    all_matching = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not self.data.getlist("selected"):
            raise ValidationError(_("Select the payouts to change."))
        return data


class ComputeForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Period"))
    partnership = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_period(self):
        return periods.parse_period(self.cleaned_data["period"])


class DealRemunerationForm(forms.Form):
    """A won deal's remuneration data: its margin and who carried each step of the sales cycle."""

    margin = forms.DecimalField(
        label=gettext_lazy("Margin"), max_digits=14, decimal_places=2, min_value=0, required=False
    )

    def __init__(self, *args, parties=(), assigned=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = list(parties)
        for value, label in SalesStep.choices:
            self.fields[f"step_{value}"] = forms.MultipleChoiceField(
                label=label,
                required=False,
                choices=[(str(p.organization.uuid), p.organization.name) for p in self.parties],
                widget=forms.CheckboxSelectMultiple,
                initial=[str(uuid) for step, uuid in assigned if step == value],
            )

    def assignments(self) -> list[tuple[str, str]]:
        """[(step, organisation uuid), ...] as submitted."""
        return [
            (value, uuid) for value in SalesStep.values for uuid in self.cleaned_data.get(f"step_{value}", [])
        ]
