from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, filters, mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from meute.core import tokens, twofactor
from meute.core.filters import OrganizationFilter, PersonFilter
from meute.core.lockout import lockout_body
from meute.core.models import ApiToken, Organization, Person, ProductLine, Sector, Tag, Territory, User
from meute.lib.api import SmallListPagination
from meute.lib.api_views import UUID_PATTERN, SearchFilter, VisibleModelViewSet, crud_schema

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
        # request.user is a lazy object under session authentication: ask the model itself.
        user = User.objects.select_related("organization").get(pk=request.user.pk)
        return Response(serializers.MeSerializer(user, context={"request": request}).data)


class TokenRequestSerializer(AuthTokenSerializer):
    name = drf_serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="A name to recognise the token by."
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # A password alone must not get round the second factor; such accounts create tokens on their
        # tokens page, from a session that passed the code step.
        if twofactor.has_second_factor(attrs["user"]) or twofactor.must_enrol(attrs["user"]):
            raise drf_serializers.ValidationError(
                _("This account uses a second factor: create API tokens on your “API tokens” page."),
                code="second_factor",
            )
        return attrs


@extend_schema(
    summary="Obtain an API token",
    description=(
        "Exchange a username and password for a new API token, valid for a limited time (`expires_at`). "
        "Send it on every request as the header `Authorization: Token <key>`. The key is shown only in "
        "this answer. The token acts with the rights of its user: a partner user's token only reaches its "
        "organisation. Changing the password revokes every token of the user. After repeated failures for "
        "one account or from one address, attempts are refused with 429 (code `locked_out`) for a while. "
        "Accounts with a second factor (TOTP) are refused with 400: they create tokens on their tokens page."
    ),
    request=TokenRequestSerializer,
    responses={
        200: serializers.IssuedTokenSerializer,
        400: serializers.ErrorSerializer,
        429: serializers.ErrorSerializer,
    },
)
class ObtainTokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def post(self, request, *args, **kwargs):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes flags the request it refused (or the failure that reached the limit).
            if getattr(request, "axes_locked_out", False):
                return Response(lockout_body(request), status=429)
            raise exceptions.ValidationError(serializer.errors)
        token, key = tokens.issue(
            serializer.validated_data["user"], serializer.validated_data.get("name", "")
        )
        return Response(serializers.IssuedTokenSerializer(token, context={"key": key}).data)


@extend_schema_view(
    list=extend_schema(summary="List my API tokens", description="Only your own tokens, never a key."),
    create=extend_schema(
        summary="Create an API token",
        description="A new named token for yourself; its key is shown only in this answer.",
        request=serializers.NewTokenSerializer,
        responses={201: serializers.IssuedTokenSerializer, 400: serializers.ErrorSerializer},
    ),
    destroy=extend_schema(
        summary="Revoke one of my API tokens", description="Another user's token answers 404."
    ),
)
class ApiTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.ApiTokenSerializer
    permission_classes = [IsAuthenticated]
    lookup_field = "uuid"
    lookup_value_regex = UUID_PATTERN
    pagination_class = None

    def get_queryset(self):
        return ApiToken.objects.visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = serializers.NewTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = tokens.issue(
            request.user, serializer.validated_data["name"], serializer.validated_data["days"]
        )
        return Response(serializers.IssuedTokenSerializer(token, context={"key": key}).data, status=201)

    def perform_destroy(self, instance):
        tokens.revoke(instance)


@extend_schema(
    summary="Log out: revoke the token of this request",
    request=None,
    responses={204: None},
)
class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, *args, **kwargs):
        if isinstance(request.auth, ApiToken):
            tokens.revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    summary="Log out everywhere: revoke every token of the user",
    request=None,
    responses={204: None},
)
class LogoutAllView(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, *args, **kwargs):
        tokens.revoke_all(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
