"""View mixins every page shares: login, row-level access, rights, filtered lists, htmx partials.

Pages never filter rows by hand: objects come from ``Model.objects.visible_to(request.user)`` (an object the
user may not see is a 404) and actions are allowed by ``meute.lib.access`` (a forbidden action is a 403).
"""

from auditlog.context import set_actor
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from meute.lib import access
from meute.lib.pagination import CappedCountPaginator


def wants_partial(request) -> bool:
    """True for htmx requests that swap part of a page (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def label_empty_choices(form) -> None:
    """Filters read better with "All" than with Django's "---------" for the empty choice."""
    for name, field in form.fields.items():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = _("Default") if name == "ordering" else _("All")
            field.widget.choices = field.choices


class VisibleQuerysetMixin(LoginRequiredMixin):
    """Rows of ``model`` the requesting user may see; subclasses refine with ``get_base_queryset``."""

    def get_visible_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get_base_queryset(self):
        return self.get_visible_queryset()


class VisibleObjectMixin(VisibleQuerysetMixin):
    """Load one object by its public UUID among the visible rows; anything else is a 404."""

    uuid_url_kwarg = "uuid"

    def get_object(self):
        if not hasattr(self, "_object"):
            try:
                self._object = get_object_or_404(
                    self.get_base_queryset(), uuid=self.kwargs[self.uuid_url_kwarg]
                )
            except (ValueError, KeyError) as exc:
                raise Http404 from exc
        return self._object

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        user = self.request.user
        kwargs.setdefault("object", obj)
        kwargs.setdefault("can_change", access.can_change(user, obj))
        kwargs.setdefault("can_delete", access.can_delete(user, obj))
        return super().get_context_data(**kwargs)


class CreatePermissionMixin(LoginRequiredMixin):
    """Refuse (403) users who may not create ``model`` rows."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access.require(access.can_create(request.user, self.model))
        return super().dispatch(request, *args, **kwargs)


class ChangePermissionMixin(VisibleObjectMixin):
    """Visible object (else 404) that the user may change (else 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access.require(access.can_change(request.user, self.get_object()))
        return super().dispatch(request, *args, **kwargs)


class DeletePermissionMixin(VisibleObjectMixin):
    """Visible object (else 404) that the user may delete (else 403)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            access.require(access.can_delete(request.user, self.get_object()))
        return super().dispatch(request, *args, **kwargs)


class FieldRightsFormViewMixin:
    """Create and update pages give their form the user, whose field rights it applies
    (``meute.lib.rights.FieldRightsFormMixin``)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs


class FilteredListMixin(VisibleQuerysetMixin):
    """A filtered, sorted, paginated list; htmx requests get only the results partial."""

    filterset_class = None
    paginate_by = 25
    template_name = None
    partial_template_name = None

    def get_filterset(self):
        filterset = self.filterset_class(
            self.request.GET or None, queryset=self.get_base_queryset(), request=self.request
        )
        label_empty_choices(filterset.form)
        return filterset

    def get_template_names(self):
        if wants_partial(self.request):
            return [self.partial_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        filterset = self.get_filterset()
        # Invalid filter values are left out of the query and reported next to their field.
        queryset = filterset.qs
        paginator = CappedCountPaginator(queryset, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        kwargs.update(
            filterset=filterset,
            filter_form=filterset.form,
            page_obj=page,
            paginator=paginator,
            object_list=page.object_list,
            can_create=access.can_create(self.request.user, self.model),
            filters_active=any(
                value for key, value in self.request.GET.items() if key not in {"page", "ordering"}
            ),
        )
        return super().get_context_data(**kwargs)


def request_actor(request):
    """The audit trail names the request's user and address for what happens inside."""
    return set_actor(request.user, remote_addr=request.META.get("REMOTE_ADDR"))


def require_staff(user):
    if not user.is_staff_member:
        raise PermissionDenied


def add_form_errors(form, exc: ValidationError):
    """A domain function's ValidationError shown on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
