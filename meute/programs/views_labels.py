"""Label pages: staff define labels (rule or hand), evaluate the rules, award and revoke hand labels.
A partner sees the labels catalogue and only its own awards."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from meute.lib import access
from meute.lib.views import VisibleObjectMixin, VisibleQuerysetMixin, add_form_errors, request_actor

from . import labels
from .forms_labels import AwardForm, LabelForm
from .models import Label, LabelAward, LabelKind


def _require_editor(user):
    if not (user.is_staff_member and user.can_edit_all):
        raise PermissionDenied


class LabelListView(VisibleQuerysetMixin, TemplateView):
    model = Label
    template_name = "programs/labels/label_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        catalogue = self.get_visible_queryset().select_related("program", "min_tier")
        if user.is_staff_member:
            catalogue = catalogue.annotate(holders=Count("awards"))
        kwargs.update(
            catalogue=list(catalogue),
            own_awards=[] if user.is_staff_member else list(labels.current_awards([user.organization_id])),
            can_create=access.can_create(user, Label),
        )
        return super().get_context_data(**kwargs)


class LabelDetailView(VisibleObjectMixin, TemplateView):
    model = Label
    template_name = "programs/labels/label_detail.html"

    def get_context_data(self, **kwargs):
        label = self.get_object()
        awards = (
            LabelAward.objects.visible_to(self.request.user)
            .filter(label=label)
            .select_related("organization", "awarded_by")
        )
        can_award = label.kind == LabelKind.MANUAL and access.can_change(self.request.user, label)
        kwargs.setdefault("award_form", AwardForm() if can_award else None)
        kwargs.update(awards=list(awards[:500]), award_total=awards.count())
        return super().get_context_data(**kwargs)


class LabelFormView(VisibleQuerysetMixin, TemplateView):
    model = Label
    template_name = "programs/labels/label_form.html"

    def get_label(self):
        if "uuid" not in self.kwargs:
            access.require(access.can_create(self.request.user, Label))
            return None
        label = get_object_or_404(self.get_visible_queryset(), uuid=self.kwargs["uuid"])
        access.require(access.can_change(self.request.user, label))
        return label

    def get(self, request, *args, **kwargs):
        label = self.get_label()
        return self.render_to_response(self.get_context_data(form=LabelForm(instance=label), object=label))

    def post(self, request, *args, **kwargs):
        label = self.get_label()
        form = LabelForm(request.POST, instance=label)
        if form.is_valid():
            with request_actor(request):
                label = form.save()
            messages.success(request, _("Label saved."))
            return redirect(label.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, object=label), status=400)


class LabelEvaluateView(VisibleQuerysetMixin, View):
    """Evaluate every rule label (or the one named by ``label``) over all partners now."""

    model = Label

    def post(self, request, *args, **kwargs):
        _require_editor(request.user)
        queryset = Label.objects.filter(kind=LabelKind.RULE)
        if request.POST.get("label"):
            queryset = queryset.filter(uuid=request.POST["label"])
        with request_actor(request):
            for label in queryset:
                try:
                    run = labels.evaluate_label(label)
                except ValidationError as exc:
                    messages.error(request, f"{label.name}: {' '.join(exc.messages)}")
                    continue
                messages.success(
                    request,
                    _("%(label)s: %(holders)s holders (%(new)s new, %(removed)s removed).")
                    % {
                        "label": label.name,
                        "holders": run.holders,
                        "new": run.awarded,
                        "removed": run.removed,
                    },
                )
        target = request.POST.get("next") or ""
        return redirect(target if target.startswith("/programs/labels/") else "label-list")


class LabelAwardView(LabelDetailView):
    def post(self, request, *args, **kwargs):
        label = self.get_object()
        _require_editor(request.user)
        form = AwardForm(request.POST)
        if form.is_valid():
            try:
                with request_actor(request):
                    labels.award_by_hand(
                        label,
                        form.cleaned_data["organization"],
                        request.user,
                        reason=form.cleaned_data["reason"],
                        valid_until=form.cleaned_data["valid_until"],
                    )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, _("Label awarded."))
                return redirect(label.get_absolute_url())
        return self.render_to_response(self.get_context_data(award_form=form), status=400)


class LabelRevokeView(VisibleQuerysetMixin, View):
    model = LabelAward

    def post(self, request, *args, **kwargs):
        _require_editor(request.user)
        award = get_object_or_404(LabelAward.objects.select_related("label"), uuid=kwargs["uuid"])
        with request_actor(request):
            award.delete()
        messages.success(request, _("Label removed from %(partner)s.") % {"partner": award.organization})
        return redirect(award.label.get_absolute_url())
