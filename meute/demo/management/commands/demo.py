import time

from django.core.management import call_command
from django.test.utils import override_settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.demo import showcase
from meute.demo.dataset import (
    DEMO_SEED,
    SIZES,
    demo_data_present,
    ensure_demo_logins,
    generate,
    refresh_planner_statistics,
)
from meute.lib.commands import MeuteCommand


class Command(MeuteCommand):
    help = gettext_lazy(
        "Set up Meute with demo data and serve it: apply migrations, create the demo data set (a French "
        "software vendor and its partners) and the demo logins, print the logins, then run the web server. "
        "Running it again keeps the existing data (use --reset to start afresh)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            metavar="{small,medium,large}",
            help=gettext_lazy(
                "small: ~200 partners (default, ready in seconds); medium: ~5,000; large: 100,000 "
                "organisations, 300,000 people and 120,000 partnerships, for benchmarks (its audit trail "
                "is skipped to keep it fast)."
            ),
        )
        parser.add_argument(
            "--no-serve", action="store_true", help=gettext_lazy("Do not start the web server.")
        )
        parser.add_argument(
            "--addr",
            default="127.0.0.1:8000",
            help=gettext_lazy("Address and port to serve on (127.0.0.1:8000)."),
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=gettext_lazy("Delete ALL data of the database first, then create the demo data again."),
        )
        parser.add_argument(
            "--password", help=gettext_lazy("Password for every demo login (default: new random passwords).")
        )
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help=gettext_lazy("Random seed of the data.")
        )

    def handle(self, *args, size, no_serve, addr, reset, password, seed, verbosity, **options):
        self.stdout.write(_("Applying database migrations…"))
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1))
        if reset:
            self.stdout.write(_("Deleting all existing data…"))
            call_command("flush", interactive=False, verbosity=0)
        if demo_data_present():
            self.stdout.write(
                _(
                    "The database already holds organisations: demo data not created again "
                    "(use --reset to start afresh)."
                )
            )
        else:
            self.stdout.write(_("Creating the %(size)s demo data set…") % {"size": size})
            started = time.perf_counter()
            result = generate(size, seed=seed, progress=verbosity > 0)
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Created %(organizations)s organisations, %(people)s people and %(partnerships)s "
                        "partnerships (%(groupings)s groupings) in %(seconds).1f s."
                    )
                    % {
                        "organizations": result.organizations,
                        "people": result.people,
                        "partnerships": result.partnerships,
                        "groupings": result.groupings,
                        "seconds": time.perf_counter() - started,
                    }
                )
            )
        logins = ensure_demo_logins(password)
        # Agreements signed, ambassadors, labels and the public locator (after the logins: the demo
        # partner signs too). Idempotent, like the rest of an existing demo.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            showcase.populate_demo()
        refresh_planner_statistics()
        url = f"http://{addr}/"
        lines = [_("Demo logins (open %(url)s):") % {"url": url}]
        for login in logins:
            lines.append(
                _("  username: %(username)-8s  password: %(password)s   %(description)s")
                % {"username": login.username, "password": login.password, "description": login.description}
            )
        rule = "=" * 78
        self.stdout.write(rule)
        for line in lines:
            self.stdout.write(self.style.SUCCESS(line) if line is lines[0] else line)
        self.stdout.write(rule)
        if not no_serve:
            self.stdout.write(_("Starting the web server on %(url)s (Ctrl+C to stop)…") % {"url": url})
            call_command("serve", addr)
