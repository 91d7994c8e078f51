"""What a user may do, in one place. Which rows they may *see* is ``Model.objects.visible_to(user)``.

- administrators and channel managers create, change and delete every business record;
- read-only staff see everything and change nothing;
- partner users see their own organisation's rows, and change (or create) only the models that allow it
  (``partner_can_change`` / ``partner_can_create``), always inside their own organisation.
"""

from django.core.exceptions import PermissionDenied


def _is_editor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.can_edit_all)


def can_create(user, model) -> bool:
    if _is_editor(user):
        return True
    return bool(user and user.is_authenticated and user.is_partner_user and model.partner_can_create)


def can_change(user, obj) -> bool:
    if _is_editor(user):
        return True
    if not (user and user.is_authenticated and user.is_partner_user and obj.partner_can_change):
        return False
    return type(obj).objects.visible_to(user).filter(pk=obj.pk).exists()


def can_delete(user, obj) -> bool:
    return _is_editor(user)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
