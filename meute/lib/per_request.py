"""Values one request needs in several places (a partner's markets read by two cards of its home page):
computed the first time, then read from the request. Without a request, computed every time."""


def once(request, key, compute):
    if request is None:
        return compute()
    cache = request.__dict__.setdefault("_computed_once", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def remember(request, key, value) -> None:
    """Hand over a value another part of the request computed already, the same way."""
    if request is not None:
        request.__dict__.setdefault("_computed_once", {})[key] = value
