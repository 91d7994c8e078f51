"""Groupings models, one module per area; this package re-exports them for Django."""

from .advice import *  # noqa: F403
from .profiles import *  # noqa: F403
from .remuneration import *  # noqa: F403
