"""Placeholder until this area lands."""

__all__ = []
