"""The pages of the second factor: the code step of the login, and enrolment on the user's own page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login

from . import twofactor

PENDING = "meute_2fa_pending"
INVALID_CODE = gettext_lazy("This code is not valid. Check the time of your device and try again.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class LoginView(auth_views.LoginView):
    """The password first; accounts with a second factor then go to the code step, not yet logged in."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_second_factor(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "failures": 0,
        }
        return redirect("login-code")


class LoginCodeView(View):
    template_name = "registration/login_code.html"

    def _pending(self, request):
        pending = request.session.get(PENDING)
        if not pending:
            return None, None
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        return pending, user

    def get(self, request):
        pending, user = self._pending(request)
        if user is None:
            return redirect("login")
        return render(request, self.template_name, {"form": CodeForm()})

    def post(self, request):
        pending, user = self._pending(request)
        device = twofactor.confirmed_device(user) if user else None
        if device is None:
            request.session.pop(PENDING, None)
            return redirect("login")
        form = CodeForm(request.POST)
        if form.is_valid():
            accepted, locked_until = twofactor.check(device, form.cleaned_data["code"])
            if accepted:
                del request.session[PENDING]
                login(request, user, backend=pending["backend"])
                otp_login(request, device)
                return redirect(pending["next"])
            pending["failures"] += 1
            if pending["failures"] >= settings.MEUTE_2FA_FAILURE_LIMIT:
                request.session.pop(PENDING, None)
                messages.error(request, _("Too many wrong codes: log in again with your password."))
                return redirect("login")
            request.session[PENDING] = pending
            if locked_until:
                when = date_format(localtime(locked_until), "TIME_FORMAT")
                form.add_error("code", _("Too many wrong codes: try again after %(time)s.") % {"time": when})
            else:
                form.add_error("code", INVALID_CODE)
        return render(request, self.template_name, {"form": form}, status=400)


class TwoFactorView(LoginRequiredMixin, View):
    """A staff user's own page: enrol an authenticator app, confirm it with a code, remove it."""

    template_name = "core/two_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_staff_member:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request, form=None, status=200):
        user = request.user
        device = twofactor.confirmed_device(user)
        context = {"device": device, "required": twofactor.must_enrol(user), "form": form or CodeForm()}
        if device is None:
            pending = twofactor.pending_device(user)
            context.update(qr_svg=twofactor.qr_svg(pending), secret=twofactor.secret_text(pending))
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._page(request)

    def post(self, request):
        user = request.user
        if request.POST.get("action") == "remove":
            if settings.MEUTE_STAFF_2FA_REQUIRED:
                messages.error(request, _("A second factor is required for staff: it cannot be removed."))
                return redirect("two-factor")
            twofactor.remove(user)
            messages.success(request, _("The second factor is removed."))
            return redirect("two-factor")
        form = CodeForm(request.POST)
        if form.is_valid() and twofactor.confirm(user, form.cleaned_data["code"]):
            otp_login(request, twofactor.confirmed_device(user))
            messages.success(request, _("The second factor is on: logins will ask for a code."))
            return redirect("two-factor")
        if form.is_valid():
            form.add_error("code", INVALID_CODE)
        return self._page(request, form, status=400)
