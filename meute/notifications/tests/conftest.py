"""Reuse the deals and programmes fixtures: notifications are about their events."""

from meute.deals.tests.conftest import deals_world, make_data  # noqa: F401
