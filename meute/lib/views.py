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

from meute.lib import access, exports
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
    # Columns of the list's CSV/xlsx export (``?export=csv`` or ``xlsx`` with the page's filters): field
    # paths of the model; ``staff_export_fields`` are added for the operator's staff only.
    export_fields: tuple = ()
    staff_export_fields: tuple = ()
    export_name = "export"

    def get(self, request, *args, **kwargs):
        file_format = request.GET.get("export")
        if file_format in exports.FORMATS and self.export_fields:
            return self.export(file_format)
        return super().get(request, *args, **kwargs)

    def export(self, file_format):
        """The filtered, sorted list (every page of it, up to ``exports.MAX_ROWS``) as a file."""
        fields = list(self.export_fields)
        if self.request.user.is_staff_member:
            fields += list(self.staff_export_fields)
        queryset = self.get_filterset().qs[: exports.MAX_ROWS]
        headers = [exports.header(self.model, name) for name in fields]
        rows = ([exports.cell(obj, name) for name in fields] for obj in queryset)
        return exports.table_response(file_format, str(self.export_name), headers, rows)

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
            export_links=self.export_links(),
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

    def export_links(self) -> list:
        """(format, URL) of the export buttons: the current query (filters, sort) plus the format."""
        if not self.export_fields:
            return []
        query = self.request.GET.copy()
        query.pop("page", None)
        links = []
        for file_format in exports.FORMATS:
            query["export"] = file_format
            links.append((file_format.upper(), f"{self.request.path}?{query.urlencode()}"))
        return links


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
