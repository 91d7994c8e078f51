"""Enablement pages, by part of the capability (a package: together they exceed 800 lines)."""
