"""``meute funds``: set every programme member's MDF for a period by its tier rule (allocate), expire what
is left unused on funds past their date (expire), print the balances (balances)."""

import datetime

from django.core.management.base import CommandError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.choices import UserRole
from meute.core.management.commands._options import user_by_username
from meute.core.models import User
from meute.lib.commands import MeuteCommand


def _acting_user(username):
    """The user the ledger names: ``--user``, else the first active administrator."""
    user = user_by_username(username) or (
        User.objects.filter(Q(is_superuser=True) | Q(role=UserRole.ADMIN), is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None or not user.can_edit_all:
        raise CommandError(_("Name an administrator or channel manager with --user."), returncode=2)
    return user


class Command(MeuteCommand):
    help = gettext_lazy(
        "Market development funds: allocate --period YEAR [--program CODE], expire [--today DATE], balances."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        allocate = actions.add_parser("allocate", help=str(gettext_lazy("Allocate a period by tier rule.")))
        allocate.add_argument("--period", type=int, required=True)
        allocate.add_argument("--program", help=str(gettext_lazy("Only this programme (its code).")))
        allocate.add_argument(
            "--user", help=str(gettext_lazy("Who sets the allocations (an administrator by default)."))
        )
        expire = actions.add_parser("expire", help=str(gettext_lazy("Expire unused funds past their date.")))
        expire.add_argument("--today", help=str(gettext_lazy("Run as on this date (YYYY-MM-DD).")))
        expire.add_argument("--user")
        balances = actions.add_parser("balances", help=str(gettext_lazy("Print every fund's balance.")))
        balances.add_argument("--period", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(options)

    def _allocate(self, options):
        from meute.funds.allocation import allocate_period
        from meute.programs.models import Program

        program = None
        if options.get("program"):
            program = Program.objects.filter(code=options["program"]).first()
            if program is None:
                raise CommandError(
                    _("No programme with the code “%(code)s”.") % {"code": options["program"]}, returncode=2
                )
        run = allocate_period(options["period"], user=_acting_user(options.get("user")), program=program)
        for fund in run.allocated:
            self.stdout.write(f"{fund.partnership.name}\t{fund.program.code}\t{fund.period}")
        for partnership, reason in run.skipped:
            self.stderr.write(f"{partnership.name}: {reason}")
        self.stdout.write(
            _("%(done)s allocations set by tier rule, %(skipped)s left out.")
            % {"done": len(run.allocated), "skipped": len(run.skipped)}
        )

    def _expire(self, options):
        from meute.funds.allocation import expire

        today = None
        if options.get("today"):
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(
                    _("Invalid date “%(value)s”: use YYYY-MM-DD.") % {"value": options["today"]}, returncode=2
                ) from exc
        done = expire(today, user=_acting_user(options.get("user")))
        for allocation, amount in done:
            self.stdout.write(
                f"{allocation.partnership.name}\t{allocation.period}\t{amount} {allocation.currency}"
            )
        self.stdout.write(_("%(count)s funds expired.") % {"count": len(done)})

    def _balances(self, options):
        from meute.funds.ledger import Balance, balances
        from meute.funds.models import FundAllocation

        allocations = FundAllocation.objects.select_related("partnership").order_by(
            "period", "partnership__name"
        )
        if options.get("period"):
            allocations = allocations.filter(period=options["period"])
        found = balances(allocations)
        for a in allocations:
            b = found.get(a.pk, Balance())
            self.stdout.write(
                f"{a.partnership.name}\t{a.period}\t{a.currency}\t{b.allocated}\t{b.committed}\t{b.claimed}\t{b.paid}\t{b.expired}\t{b.available}"
            )
