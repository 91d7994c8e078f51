"""``meute tiers labels``: the rule labels evaluated over every partner, from the command line."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.lib.commands import ExtraAction

from .choices import LabelKind
from .labels import evaluate_label
from .models import Label


def add_arguments(parser):
    parser.add_argument("--label", metavar="NAME", help=_("Only this label (its name)."))


def handle(command, *, label, **options):
    rules = Label.objects.filter(kind=LabelKind.RULE).order_by("name")
    if label:
        rules = rules.filter(name=label)
        if not rules.exists():
            raise CommandError(_("No rule label named “%(name)s”.") % {"name": label}, returncode=2)
    for item in rules:
        run = evaluate_label(item)
        command.stdout.write(
            _("%(label)s: %(awarded)s awarded, %(renewed)s renewed, %(removed)s removed.")
            % {"label": item.name, "awarded": run.awarded, "renewed": run.renewed, "removed": run.removed}
        )


LABELS_ACTION = ExtraAction(
    help=gettext_lazy("Evaluate the rule labels over every partner."),
    add_arguments=add_arguments,
    handle=handle,
)
