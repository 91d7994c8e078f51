"""What follows every save of a core record: a changed password revokes the user's API tokens."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User
from .tokens import revoke_all


@receiver(pre_save, sender=User, dispatch_uid="core-user-password-changed")
def note_password_change(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=User, dispatch_uid="core-user-revoke-tokens")
def revoke_tokens_on_password_change(sender, instance, created=False, raw=False, **kwargs):
    if not raw and getattr(instance, "_password_changed", False):
        instance._password_changed = False
        revoke_all(instance)
