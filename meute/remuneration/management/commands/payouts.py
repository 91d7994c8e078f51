import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.models import Organization
from meute.lib.commands import MeuteCommand
from meute.partnerships.models import Partnership
from meute.remuneration import payouts, periods, statements


def _usage(message):
    return CommandError(message, returncode=2)


def _period(text):
    try:
        return periods.parse_period(text)
    except ValidationError as exc:
        raise _usage(" ".join(exc.messages)) from exc


def _partnership(value):
    if not value:
        return None
    try:
        return Partnership.objects.get(uuid=value)
    except (Partnership.DoesNotExist, ValidationError, ValueError) as exc:
        raise _usage(_("No partnership with the identifier “%(id)s”.") % {"id": value}) from exc


def _member(value):
    """An organisation by UUID or SIREN."""
    organization = None
    try:
        organization = Organization.objects.filter(uuid=value).first()
    except (ValidationError, ValueError):
        organization = None
    if organization is None and value.isdigit():
        organization = Organization.objects.filter(siren=value).first()
    if organization is None:
        raise _usage(_("No member with the identifier or SIREN “%(id)s”.") % {"id": value})
    return organization


class Command(MeuteCommand):
    help = gettext_lazy(
        "Payouts of won deals. “meute payouts compute --period 2027-Q1” computes them with the rules in "
        "force on each deal's date (approved and paid payouts never change); “statement” prints a member's "
        "statement; “export” writes the payouts for accounting (CSV or .xlsx)."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = str(self.help)
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        period_help = str(gettext_lazy("A year (2027), a quarter (2027-Q1) or a month (2027-03)."))
        compute = sub.add_parser("compute", help=str(gettext_lazy("Compute the payouts of a period.")))
        compute.add_argument("--period", required=True, help=period_help)
        compute.add_argument(
            "--partnership", metavar="UUID", help=str(gettext_lazy("Only this partnership."))
        )
        compute.add_argument(
            "--dry-run", action="store_true", help=str(gettext_lazy("Compute and report, write nothing."))
        )
        statement = sub.add_parser("statement", help=str(gettext_lazy("Print a member's statement.")))
        statement.add_argument("--period", required=True, help=period_help)
        statement.add_argument(
            "--member",
            required=True,
            metavar="UUID|SIREN",
            help=str(gettext_lazy("The member organisation.")),
        )
        statement.add_argument(
            "--partnership", metavar="UUID", help=str(gettext_lazy("Only this partnership."))
        )
        export = sub.add_parser("export", help=str(gettext_lazy("Export payouts for accounting.")))
        export.add_argument("--period", required=True, help=period_help)
        export.add_argument("--format", dest="file_format", choices=statements.EXPORT_FORMATS, default=None)
        export.add_argument(
            "--output", "-o", help=str(gettext_lazy("File to write (default: standard output)."))
        )
        export.add_argument("--partnership", metavar="UUID", help=str(gettext_lazy("Only this partnership.")))
        export.add_argument("--status", choices=list(payouts.PayoutStatus.values))

    def handle(self, *args, action, **options):
        return getattr(self, action)(**options)

    def compute(self, *, period, partnership, dry_run, verbosity, **options):
        period = _period(period)
        partnership = _partnership(partnership)
        result = payouts.compute_payouts(period, partnership=partnership, dry_run=dry_run)
        values = {
            "period": period.label,
            "deals": result.deals,
            "payouts": result.payouts,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "kept": result.kept,
            "removed": result.removed,
            "total": result.total,
            "norules": result.deals_without_rules,
        }
        self.stdout.write(
            _(
                "%(period)s: %(deals)s won deals, %(payouts)s computed payouts totalling %(total)s "
                "(%(created)s new, %(updated)s updated, %(unchanged)s unchanged, %(removed)s removed); "
                "%(kept)s approved, paid or held payouts kept as they are; %(norules)s deals without rules "
                "in force."
            )
            % values
        )
        if result.kept_differing:
            self.stdout.write(
                _("%(count)s kept payouts differ from what the rules give today.")
                % {"count": result.kept_differing}
            )
        for line in result.warning_lines():
            self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing written.")))

    def statement(self, *, period, member, partnership, **options):
        period = _period(period)
        organization = _member(member)
        partnership = _partnership(partnership)
        result = statements.statement(organization, period, partnership=partnership)
        out = self.stdout
        out.write(
            _("Statement of %(member)s for %(period)s")
            % {"member": organization.name, "period": period.label}
        )
        for payout in result.payouts:
            out.write(
                f"{payout.deal_date.isoformat()}  {payout.partnership.name}  {payout.deal}  "
                f"{payout.amount} {payout.currency}  {payout.get_status_display()}"
            )
            for line in payouts.explanation_of(payout).lines:
                out.write(f"    {line}")
        for row in result.totals:
            out.write(
                _("%(status)s: %(count)s payouts, %(total)s %(currency)s")
                % {
                    "status": payouts.PayoutStatus(row["status"]).label,
                    "count": row["count"],
                    "total": row["total"],
                    "currency": row["currency"],
                }
            )
        for currency, total in sorted(result.grand_totals.items()):
            out.write(_("Total: %(total)s %(currency)s") % {"total": total, "currency": currency})
        if not result.payouts:
            out.write(_("No payouts in this period."))

    def export(self, *, period, file_format, output, partnership, status, **options):
        period = _period(period)
        partnership = _partnership(partnership)
        if file_format is None:
            file_format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        queryset = statements.payouts_in(period, partnership=partnership, status=status)
        if output:
            mode = "wb" if file_format == "xlsx" else "w"
            try:
                with open(
                    output, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})
                ) as stream:
                    count = statements.export_payouts(queryset, file_format, stream)
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(path)s: %(reason)s") % {"path": output, "reason": exc.strerror},
                    returncode=1,
                ) from exc
            self.stderr.write(_("Exported %(count)s rows to %(path)s.") % {"count": count, "path": output})
            return
        if file_format == "xlsx":
            raise _usage(_("An Excel file cannot be written to standard output: use --output FILE."))
        self.stdout.ending = ""
        statements.export_payouts(queryset, "csv", self.stdout)
        sys.stdout.flush()
