"""Pages a partner reaches only once nothing holds them back.

An app above registers what may hold a partner back (the programme agreement to accept) with
``register_gate``; pages of any app, below it or above, are gated with ``GatedMixin`` or ``gated``
without importing it. A gate is ``gate(request, program) -> HttpResponse | None``.
"""

import functools

_GATES = []


def register_gate(gate) -> None:
    if gate not in _GATES:
        _GATES.append(gate)


def gate_response(request, program=None):
    """The first gate's answer that holds the request back, or None."""
    for gate in _GATES:
        response = gate(request, program)
        if response is not None:
            return response
    return None


class GatedMixin:
    """Put it first among a page's bases; ``gate_program()`` may narrow the gates to one programme."""

    def gate_program(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        self.request, self.kwargs = request, kwargs
        response = gate_response(request, self.gate_program())
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)


def gated(view):
    """The same gates for function views."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = gate_response(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapper
