import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.choices import UserRole
from meute.core.models import User
from meute.lib.commands import MeuteCommand


class Command(MeuteCommand):
    help = gettext_lazy(
        "Create an administrator login (role administrator). Asks for what is missing, or give "
        "--username, --email and --password with --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=gettext_lazy("Never prompt; fail if something is missing."),
        )

    def _ask(self, prompt, secret=False):
        try:
            return (getpass.getpass(prompt) if secret else input(prompt)).strip()
        except EOFError as exc:
            raise CommandError(_("Input ended before the login was complete."), returncode=2) from exc

    def handle(self, *args, username, email, password, interactive, **options):
        if interactive:
            username = username or self._ask(_("Username: "))
            if not email:
                email = self._ask(_("E-mail (optional): "))
            if not password:
                password = self._ask(_("Password: "), secret=True)
                if password != self._ask(_("Password (again): "), secret=True):
                    raise CommandError(_("The two passwords differ."), returncode=1)
        missing = [name for name, value in (("--username", username), ("--password", password)) if not value]
        if missing:
            raise CommandError(_("Missing: %(options)s.") % {"options": ", ".join(missing)}, returncode=2)
        errors = []
        if User.objects.filter(username=username).exists():
            errors.append(_("A user named “%(username)s” already exists.") % {"username": username})
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                errors.extend(exc.messages)
        user = User(username=username, email=email, role=UserRole.ADMIN, is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            errors.extend(exc.messages)
        if errors:
            raise CommandError("\n".join(str(e) for e in errors), returncode=1)
        with transaction.atomic():
            user.set_password(password)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(_("Administrator “%(username)s” created.") % {"username": username})
        )
