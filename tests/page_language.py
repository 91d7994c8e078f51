"""Find words of the other language and unformatted numbers or dates in a rendered page.

The words come from the catalogues (Meute's and django-filter's French ones): on a French page, an
English message whose French differs; on an English page, such a French translation. A page's visible
text is what is checked (text nodes and the attributes people read or hear: placeholder, title,
aria-label, alt); elements marked with their own ``lang`` (the language switch) are skipped, and so is
what a user typed (form values) since a French user may type French anywhere.
"""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [ROOT / "meute" / "locale" / "fr" / "LC_MESSAGES" / "django.po"]


def _catalogues() -> list[Path]:
    import django_filters

    return [*CATALOGUES, Path(django_filters.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"]


READ_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
# (The <title> repeats the page's heading, which is checked and may carry the lang of its content.)
SKIPPED_TAGS = {"script", "style", "textarea", "code", "pre", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
WORD = re.compile(r"[^\W\d_]{2,}")

# Numbers and dates a person should never read: raw decimals of four digits and more, amounts glued to a
# currency code, ISO timestamps and microseconds, a thousands separator of the other language.
UNFORMATTED = [
    ("raw amount", re.compile(r"(?<![\d.,\w])\d{4,}\.\d{1,2}(?![\d%])")),
    ("raw amount", re.compile(r"(?<![\d.,\w])\d{4,}(?:[.,]\d+)? ?(?:EUR|USD|GBP|CHF)\b")),
    ("timestamp", re.compile(r"\d{2}:\d{2}:\d{2}\.\d{3,}")),
    ("timestamp", re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")),
    ("ISO date", re.compile(r"(?<![\w/-])\d{4}-\d{2}-\d{2}(?![\w/-])")),
]
# (In French "1,024" is a decimal: an English number is told by two groups or a decimal point.)
UNFORMATTED_FR = [
    ("English number", re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:(?:,\d{3}){2,}|(?:,\d{3})+\.\d+)(?![\d,])"))
]
UNFORMATTED_EN = [("French number", re.compile(r"(?<![\d.,])\d{1,3}(?:[\u00a0\u202f ]\d{3})+,\d+(?!\d)"))]


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # An element in its own language (the language switch, content written in another language) or
        # not to translate (a login name).
        skip = (
            tag in SKIPPED_TAGS
            or ("lang" in attributes and tag != "html")
            or attributes.get("translate") == "no"
        )
        if not skip and not self._skipping():
            self.chunks.extend(v for k, v in attributes.items() if k in READ_ATTRIBUTES and v)
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._skipping():
            text = " ".join(data.split())
            if text:
                self.chunks.append(text)


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.chunks


def _usable(text: str) -> bool:
    """A message worth looking for: some letters once placeholders are gone."""
    return len(WORD.findall(PLACEHOLDER.sub(" ", text))) >= 1


def _pattern(text: str) -> re.Pattern:
    parts = [re.escape(" ".join(p.split())) for p in PLACEHOLDER.split(text)]
    body = r"\S.{0,80}?".join(p for p in parts)
    return re.compile(r"(?<![\w'’])" + body + r"(?![\w'’])", re.IGNORECASE)


@cache
def _messages():
    english, french, same = set(), set(), {"Meute"}  # the product's name, whatever "Pack" reads
    for path in _catalogues():
        for entry in polib.pofile(str(path)).translated_entries():
            pairs = [(entry.msgid, entry.msgstr)]
            if entry.msgid_plural:
                pairs = [
                    (entry.msgid, entry.msgstr_plural.get(0, "")),
                    (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
                ]
            for source, translation in pairs:
                source, translation = " ".join(source.split()), " ".join(translation.split())
                if not translation or source.casefold() == translation.casefold():
                    same.add(source)
                    continue
                if _usable(source):
                    english.add(source)
                if _usable(translation):
                    french.add(translation)
    # A word both languages write the same way in another message is no evidence ("Notes", "Description").
    both = {t.casefold() for t in (english & french) | same} | {
        t.casefold() for t in english if t.casefold() in {f.casefold() for f in french}
    }
    return {t for t in english if t.casefold() not in both}, {t for t in french if t.casefold() not in both}


@cache
def _whole(language: str) -> frozenset:
    english, french = _messages()
    return frozenset(
        t.casefold() for t in (english if language == "fr" else french) if not PLACEHOLDER.search(t)
    )


@cache
def _long(language: str) -> list:
    """Messages of three words or more, or around a value, searched inside longer texts (they may hold
    names and numbers)."""
    english, french = _messages()
    chosen = english if language == "fr" else french
    return [
        (t, _pattern(t))
        for t in chosen
        if len(WORD.findall(PLACEHOLDER.sub(" ", t))) >= 3
        # a short text around a value, when long enough to be telling: "%s (décroissant)"
        or (
            PLACEHOLDER.search(t)
            and len(PLACEHOLDER.sub("", t).strip()) >= 10
            and "(" in PLACEHOLDER.sub("", t)
        )
    ]


def foreign_words(html: str, language: str, allowed: frozenset = frozenset()) -> list[str]:
    """Texts of the page that belong to the other language (``language`` is the page's one)."""
    found = []
    whole, long = _whole(language), _long(language)
    typed = sorted(allowed, key=len, reverse=True)
    for text in visible_texts(html):
        folded = text.casefold()
        if folded in allowed:
            continue
        if folded in whole or folded.rstrip(" :.") in whole:
            found.append(text)
            continue
        if len(text) < 12:
            continue
        for phrase in typed:  # what people typed is theirs: look only at the rest
            if phrase in folded:
                folded = folded.replace(phrase, " ")
        for message, pattern in long:
            if pattern.search(folded):
                found.append(f"{text} [{message}]")
                break
    return found


def unformatted(html: str, language: str) -> list[str]:
    """Numbers and dates printed raw, or in the other language's format."""
    checks = UNFORMATTED + (UNFORMATTED_FR if language == "fr" else UNFORMATTED_EN)
    found = []
    for text in visible_texts(html):
        for label, pattern in checks:
            match = pattern.search(text)
            if match:
                found.append(f"{label}: {match.group(0)!r} in {text[:80]!r}")
    return found
