from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect


def refused(request, exc: ValidationError, url):
    """A domain refusal: its message on the next page, nothing changed."""
    messages.error(request, " ".join(exc.messages))
    return redirect(url)


def form_errors_text(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
