from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, filters
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from meute.core.filters import OrganizationFilter, PersonFilter
from meute.core.lockout import lockout_body
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


@extend_schema(
    summary="Obtain an API token",
    description=(
        "Exchange a username and password for the user's API token (created on first use). "
        "Send it on every request as the header `Authorization: Token <key>`. "
        "The token acts with the rights of its user: a partner user's token only reaches its organisation. "
        "After repeated failures for one account or from one address, attempts are refused with 429 "
        "(code `locked_out`) for a while."
    ),
)
class ObtainTokenView(ObtainAuthToken):
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes flags the request it refused (or the failure that reached the limit).
            if getattr(request, "axes_locked_out", False):
                return Response(lockout_body(request), status=429)
            raise exceptions.ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
