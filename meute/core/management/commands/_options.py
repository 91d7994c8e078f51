"""Helpers shared by the import and export commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from meute.core.models import User


def user_by_username(username):
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("No user named “%(username)s”.") % {"username": username}, returncode=2)
    return user
