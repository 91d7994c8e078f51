"""Groupings API: every area registers its viewsets on one router, merged into /api/."""

from rest_framework.routers import DefaultRouter

from . import advice, groupings, payouts

router = DefaultRouter()
for area in (groupings, advice, payouts):
    area.register(router)
