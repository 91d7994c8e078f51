"""The base of every API viewset: rows from ``Model.objects.visible_to(user)``, public keys, audited writes.

A partner user asking for another organisation's record gets 404, exactly as if it did not exist, because
the row is not in their queryset. Deletes go through ``delete_record``: a referenced record is refused with
409 in the API's one error format.
"""

from auditlog.context import set_actor
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from meute.lib.deletion import ReferencedRecordError, delete_record

from .api_errors import Conflict

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


def crud_schema(plural: str, singular: str, extra_list: str = ""):
    """Summaries of the CRUD operations of a viewset, for the OpenAPI schema."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}", description=extra_list),
        retrieve=extend_schema(summary=f"Read {singular}"),
        create=extend_schema(summary=f"Create {singular}"),
        update=extend_schema(summary=f"Replace {singular}"),
        partial_update=extend_schema(summary=f"Update {singular}"),
        destroy=extend_schema(
            summary=f"Delete {singular}",
            description="Refused with 409 (code `protected`) while other records reference it.",
        ),
    )


class SearchFilter(filters.SearchFilter):
    """Free-text search under ``q``, the same parameter name as the directory's FilterSets."""

    search_param = "q"


class VisibleModelViewSet(viewsets.ModelViewSet):
    """CRUD on ``model``, scoped to the requesting user, looked up by ``uuid``.

    Subclasses set ``model`` and ``serializer_class``, and ``select_related`` / ``prefetch_related`` so
    list pages run a fixed number of queries whatever their size.
    """

    model = None
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    select_related: tuple = ()
    prefetch_related: tuple = ()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        prefetches = self.get_prefetch_related()
        if prefetches:
            queryset = queryset.prefetch_related(*prefetches)
        return queryset

    def get_prefetch_related(self):
        return self.prefetch_related

    def _actor(self):
        return set_actor(self.request.user, remote_addr=self.request.META.get("REMOTE_ADDR"))

    def perform_create(self, serializer):
        with self._actor(), transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with self._actor(), transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with self._actor():
            try:
                delete_record(instance)
            except ReferencedRecordError as exc:
                raise Conflict(str(exc)) from exc


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under /api/: a 404 in the API's error format rather than an HTML page."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get(self, request, *args, **kwargs):
        raise NotFound

    post = put = patch = delete = get
