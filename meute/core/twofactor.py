"""Optional TOTP second factor for staff (django-otp): enrolment, the code step after the password, the rule.

Wrong codes are throttled by django-otp itself (each failure doubles the wait before the next try);
after ``MEUTE_2FA_FAILURE_LIMIT`` failures in a row the half-finished login is dropped and the password must
be typed again, which django-axes counts and locks out. API tokens are not asked for a code: a token is
created from a session that already passed the second step (the tokens page), expires, and is revoked with a
password change; the password-only token endpoint refuses accounts with a second factor.
"""

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

ISSUER = "Meute"


def confirmed_device(user) -> TOTPDevice | None:
    if user is None or not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(user) -> bool:
    return confirmed_device(user) is not None


def must_enrol(user) -> bool:
    """Staff without a confirmed device, when the operator requires a second factor."""
    return bool(
        settings.MEUTE_STAFF_2FA_REQUIRED
        and user.is_authenticated
        and user.is_staff_member
        and not has_second_factor(user)
    )


def pending_device(user) -> TOTPDevice:
    """The device being enrolled (a fresh secret the first time), not yet trusted for logins."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def qr_svg(device) -> str:
    """The otpauth URI as an inline SVG drawn on the server (no script, no external image)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


def secret_text(device) -> str:
    """The base32 secret, in groups of four, for apps that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def check(device, code: str) -> tuple[bool, object]:
    """``(accepted, locked_until)``; a refused code counts towards the throttle."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return False, (details or {}).get("locked_until")
    code = "".join(str(code or "").split())
    if not (code.isdigit() and len(code) == device.digits):
        device.throttle_increment()
        return False, None
    return device.verify_token(code), None


def confirm(user, code: str) -> bool:
    """Trust the pending device when the code matches; any older confirmed device is replaced."""
    device = pending_device(user)
    accepted, _locked = check(device, code)
    if accepted:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    return accepted


def remove(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
