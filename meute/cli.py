"""The ``meute`` command: Meute's own commands first, and every Django management command behind them.

Exit codes: 0 success, 1 invalid data (the command ran and refused the input), 2 usage error.
"""

import os
import sys

from django.core.management.base import CommandError, handle_default_options
from django.utils.translation import gettext_lazy as _

# Meute's commands as users type them -> the Django management command that does the work.
COMMANDS = {
    "demo": ("demo", _("Set up and serve Meute with demo data (migrate, data, logins, server).")),
    "serve": ("serve", _("Serve Meute on 127.0.0.1:8000 (or the address given).")),
    "createadmin": ("createadmin", _("Create an administrator login.")),
    "import": (
        "import_data",
        _("Import organizations, people or direct-sales accounts from CSV, .xlsx or JSON."),
    ),
    "export": ("export_data", _("Export organizations or people as CSV, .xlsx or JSON.")),
    "privacy": (
        "privacy",
        _("Personal data: export what Meute holds about a person (privacy export), erase it (erase)."),
    ),
    "migrate": ("migrate", _("Create or update the database tables.")),
    "deals": (
        "deals",
        _(
            "Deal registrations: expire ended protections (deals expire), "
            "learn the conflict matcher's weights (deals retrain), rewrite the blocking keys (deals rekey)."
        ),
    ),
    "leads": ("leads", _("Lead distribution: route new leads (leads route), time out offers (leads expire)")),
    "payouts": (
        "payouts",
        _("Payouts of won deals: compute --period 2027-Q1, statement, export for accounting."),
    ),
    "certifications": (
        "certifications",
        _("Certifications: remind the holders of those ending soon (remind), import a file, expiring."),
    ),
    "announcements": (
        "announcements",
        _("Announcements and promotions: e-mail digest to partners (digest)."),
    ),
    "funds": (
        "funds",
        _("Market development funds: allocate --period 2027 (tier rules), expire unused funds, balances."),
    ),
    "insights": (
        "insights",
        _(
            "Partnership health and surveys: snapshot the health scores (insights snapshot), "
            "send or remind a survey, print a scorecard."
        ),
    ),
    "report": (
        "report",
        _("Reports: a partnership's scorecard, printed or as a PDF (scorecard PARTNERSHIP --pdf FILE)."),
    ),
    "score": (
        "score",
        _("Rank organisations with a scoring profile (--profile NAME --top 50), as CSV."),
    ),
    "tiers": (
        "tiers",
        _(
            "Evaluate partner tiers (evaluate [--apply] [--program CODE]); "
            "import revenue, partner metrics or exchange rates."
        ),
    ),
}

USAGE = _("usage: meute <command> [options]   (meute <command> --help for a command's options)")


def _print_help(stream) -> None:
    from django.core.management import get_commands

    lines = [str(USAGE), "", str(_("Meute commands:"))]
    for name, (_target, summary) in COMMANDS.items():
        lines.append(f"  {name:<12} {summary}")
    others = sorted(set(get_commands()) - {target for target, _summary in COMMANDS.values()})
    lines += ["", str(_("Other commands (Django management commands, also available through manage.py):"))]
    row = "  "
    for name in others:
        if len(row) + len(name) > 100:
            lines.append(row.rstrip())
            row = "  "
        row += name + " "
    lines.append(row.rstrip())
    lines += ["", str(_("Examples:")), "  meute demo", "  meute import organizations partners.csv"]
    lines.append("  meute export people --format xlsx --output people.xlsx")
    stream.write("\n".join(lines) + "\n")


def _load_command(name):
    from django.core.management import get_commands, load_command_class

    app_name = get_commands().get(name)
    if app_name is None:
        return None
    from django.core.management.base import BaseCommand

    if isinstance(app_name, BaseCommand):
        return app_name
    return load_command_class(app_name, name)


def _language_from_environment() -> str | None:
    """The language the shell asks for (POSIX order: LC_ALL, LC_MESSAGES, LANG), when Meute speaks it.

    ``LANG=en_US.UTF-8 meute demo --help`` then answers in English, ``LANG=fr_FR.UTF-8`` in French; a
    locale Meute does not speak (``C``, ``de_DE``) leaves the configured ``LANGUAGE_CODE``.
    """
    from django.conf import settings

    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in dict(settings.LANGUAGES) else None
    return None


def main(argv=None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meute.settings")
    args = list(sys.argv[1:] if argv is None else argv)

    import django

    django.setup()

    from django.utils import translation

    language = _language_from_environment()
    if language:
        translation.activate(language)

    if not args:
        _print_help(sys.stderr)
        return 2
    if args[0] in ("-h", "--help"):
        _print_help(sys.stdout)
        return 0
    if args[0] in ("-V", "--version"):
        from importlib.metadata import PackageNotFoundError, version

        try:
            sys.stdout.write(f"meute {version('meute')}\n")
        except PackageNotFoundError:
            sys.stdout.write("meute (development)\n")
        return 0
    if args[0] == "help":
        if len(args) == 1:
            _print_help(sys.stdout)
            return 0
        args = [args[1], "--help"]

    typed = args[0]
    name = COMMANDS[typed][0] if typed in COMMANDS else typed
    if typed.startswith("-"):
        sys.stderr.write(str(_("meute: unknown option “%(option)s”.") % {"option": typed}) + f"\n{USAGE}\n")
        return 2
    command = _load_command(name)
    if command is None:
        message = _("meute: unknown command “%(command)s”. Run “meute --help” for the list of commands.")
        sys.stderr.write(str(message % {"command": typed}) + "\n")
        return 2
    try:
        return _run(command, typed, args[1:])
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (e.g. "meute export ... | head"): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


def _run(command, name: str, argv: list[str]) -> int:
    """Django's ``run_from_argv`` without its final ``connections.close_all()``.

    The process ends right after, which closes the connections anyway; keeping them open lets the test
    suite call ``main`` inside its transaction on PostgreSQL too.
    """
    command._called_from_command_line = True  # usage errors print the usage and exit 2, as in Django
    parser = command.create_parser("meute", name)
    options = parser.parse_args(argv)
    handle_default_options(options)
    cmd_options = vars(options)
    positional = cmd_options.pop("args", ())
    try:
        command.execute(*positional, **cmd_options)
    except CommandError as exc:
        if options.traceback:
            raise
        command.stderr.write(f"{exc}")
        return exc.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
