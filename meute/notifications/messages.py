"""Notification texts kept as message ids and parameters, written in the reader's language when read.

A notification is read later, by someone who may read another language than whoever caused it. So its
title and body are stored as *parts*, rendered with the catalogue of the language active at reading time:

- ``Message(gettext_noop("Lead accepted"))``, or with parameters
  ``Message(gettext_noop("Your tier in “%(program)s” is now %(tier)s"), program=name, tier=tier_label)``;
  a parameter may be plain text or a number, a date or a moment (written in the reader's format), a lazy
  translation such as a choice label (``DealStage.APPROVED.label``), or another ``Message``;
- ``Message.plural(ngettext_lazy(singular, plural, "count"), count, **params)`` for a count;
- ``Rendered("leads.unassigned", {...})``: text that a function of an upper app writes from data
  (registered with ``register_renderer`` from its ``AppConfig.ready()``);
- plain text (what a person typed: a reason, a reply) is kept as it is.

``encode`` turns parts into JSON for the database, ``render`` turns JSON back into text.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext

from meute.lib import formatting

_RENDERERS: dict[str, Callable[[dict], str]] = {}


def register_renderer(name: str, function: Callable[[dict], str]) -> None:
    """``function(args) -> str`` writes a stored part in the active language (called at reading time)."""
    _RENDERERS[name] = function


class Message:
    def __init__(self, text: str, **params):
        self.text, self.plural_text, self.count, self.params = str(text), None, None, params

    @classmethod
    def plural(cls, lazy_plural, count: int, **params) -> "Message":
        """``lazy_plural`` is ``ngettext_lazy(singular, plural, "count")`` (so that the catalogue has it)."""
        texts = getattr(lazy_plural, "_kw", {})
        message = cls(texts["singular"], **params)
        message.plural_text, message.count = str(texts["plural"]), int(count)
        return message

    def as_json(self) -> dict:
        data = {"msgid": self.text, "params": {k: _encode_value(v) for k, v in self.params.items()}}
        if self.plural_text is not None:
            data.update(plural=self.plural_text, count=self.count)
        return data

    def __str__(self) -> str:
        return render(self.as_json())


class Rendered:
    def __init__(self, name: str, args: dict):
        self.name, self.args = name, args

    def as_json(self) -> dict:
        return {"renderer": self.name, "args": self.args}

    def __str__(self) -> str:
        return render(self.as_json())


def _encode_value(value):
    if isinstance(value, (Message, Rendered)):
        return value.as_json()
    if isinstance(value, Promise):
        args = getattr(value, "_args", ())
        if len(args) == 1:
            return {"msgid": str(args[0]), "params": {}}
        if len(args) == 2:
            return {"msgid": str(args[1]), "context": str(args[0]), "params": {}}
        return str(value)
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return {"text": str(value)}


def encode(parts) -> list | None:
    """Parts (one or a list of ``Message``, ``Rendered``, lazy or plain text) as JSON; None for none."""
    if parts is None or parts == "":
        return None
    if not isinstance(parts, (list, tuple)):
        parts = [parts]
    return [_encode_value(part) for part in parts if part not in (None, "")]


def _render_value(value) -> str:
    if isinstance(value, int | float):
        return formatting.number(value)
    if not isinstance(value, dict):
        return str(value)
    if "text" in value:
        return value["text"]
    if "date" in value:
        return formatting.date(datetime.date.fromisoformat(value["date"]))
    if "datetime" in value:
        moment = datetime.datetime.fromisoformat(value["datetime"])
        return formatting.datetime(moment if timezone.is_aware(moment) else timezone.make_aware(moment))
    if "number" in value:
        return formatting.number(Decimal(value["number"]))
    if "renderer" in value:
        function = _RENDERERS.get(value["renderer"])
        return function(value.get("args") or {}) if function else ""
    if "msgid" in value:
        params = {k: _render_value(v) for k, v in (value.get("params") or {}).items()}
        if "plural" in value:
            text = ngettext(value["msgid"], value["plural"], value["count"])
            params.setdefault("count", formatting.number(value["count"]))
        elif "context" in value:
            text = pgettext(value["context"], value["msgid"])
        else:
            text = gettext(value["msgid"])
        try:
            return text % params if params or "%(" in text else text
        except (KeyError, TypeError, ValueError):
            return text
    return ""


def render(stored) -> str:
    """Stored parts written in the active language, one line per part."""
    if stored is None:
        return ""
    if isinstance(stored, dict):
        return _render_value(stored)
    return "\n".join(line for line in (_render_value(part) for part in stored) if line)
