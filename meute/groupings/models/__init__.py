"""Groupings models, one module per area; this package re-exports them for Django."""

from .profiles import *  # noqa: F403
