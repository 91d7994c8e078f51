from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters
from rest_framework.response import Response
from rest_framework.views import APIView

from meute.core.filters import OrganizationFilter, PersonFilter
from meute.core.models import Organization, Person, ProductLine, Sector, Tag, Territory
from meute.lib.api import SmallListPagination
from meute.lib.api_views import SearchFilter, VisibleModelViewSet, crud_schema

from . import serializers


@crud_schema(
    "organisations",
    "an organisation",
    "Partner users see only their own organisation. Query parameters are the directory's filters.",
)
class OrganizationViewSet(VisibleModelViewSet):
    model = Organization
    serializer_class = serializers.OrganizationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrganizationFilter
    select_related = ("region",)
    prefetch_related = ("partner_type_links", "markets", "geographies", "offerings", "tags")


@crud_schema(
    "people",
    "a person",
    "Partner users see and create people of their own organisation only.",
)
class PersonViewSet(VisibleModelViewSet):
    model = Person
    serializer_class = serializers.PersonSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PersonFilter
    select_related = ("organization",)


class ReferenceViewSet(VisibleModelViewSet):
    """Reference data everyone may read; administrators and channel managers maintain it."""

    filter_backends = [SearchFilter, filters.OrderingFilter]
    pagination_class = SmallListPagination
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name", "created_at"]


@crud_schema("territories", "a territory")
class TerritoryViewSet(ReferenceViewSet):
    model = Territory
    serializer_class = serializers.TerritorySerializer
    select_related = ("parent",)


@crud_schema("product lines", "a product line")
class ProductLineViewSet(ReferenceViewSet):
    model = ProductLine
    serializer_class = serializers.ProductLineSerializer


@crud_schema("sectors", "a sector")
class SectorViewSet(ReferenceViewSet):
    model = Sector
    serializer_class = serializers.SectorSerializer


@crud_schema("tags", "a tag")
class TagViewSet(ReferenceViewSet):
    model = Tag
    serializer_class = serializers.TagSerializer


class MeView(APIView):
    """The signed-in user: role and organisation (what an integration's token acts as)."""

    @extend_schema(summary="Current user", responses=serializers.MeSerializer)
    def get(self, request):
        user = type(request.user).objects.select_related("organization").get(pk=request.user.pk)
        return Response(serializers.MeSerializer(user, context={"request": request}).data)
