"""A workflow's refusal answers 409 in the one error format, however the API view passes it on, and the
schema lists the codes the workflows declare."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework import exceptions

from meute.lib.api_errors import exception_handler
from meute.lib.api_schema import document_errors
from meute.lib.refusals import CODES, Refusal, wrong_state


def answer(exc):
    return exception_handler(exc, {})


def test_a_refusal_is_a_409_with_its_code_and_details():
    response = answer(wrong_state("Not now.", "approved", ["draft", "submitted"]))
    assert response.status_code == 409
    assert response.data == {
        "error": {
            "code": "wrong_status",
            "message": "Not now.",
            "fields": {},
            "details": {"current": "approved", "allowed": ["draft", "submitted"]},
        }
    }


def test_a_refusal_on_a_field_keeps_the_field():
    response = answer(
        Refusal({"amount": "Only 5 left."}, code="insufficient_funds", details={"available": "5"})
    )
    assert response.status_code == 409
    assert response.data["error"]["fields"] == {"amount": ["Only 5 left."]}
    assert response.data["error"]["code"] == "insufficient_funds"


def test_a_view_that_turns_a_refusal_into_a_400_still_answers_the_refusal():
    try:
        try:
            raise Refusal("Full.", code="session_full", details={"seats": 3})
        except ValidationError as exc:
            raise exceptions.ValidationError({"session": exc.messages}) from exc
    except exceptions.ValidationError as outer:
        response = answer(outer)
    assert response.status_code == 409 and response.data["error"]["details"] == {"seats": 3}


@pytest.mark.parametrize(
    "error", [ValidationError("Give a reason."), exceptions.ValidationError({"x": ["bad"]})]
)
def test_invalid_input_stays_a_400(error):
    response = answer(error)
    assert response.status_code == 400 and response.data["error"]["code"] == "invalid"


def test_the_schema_lists_every_declared_code():
    import meute.api_urls  # noqa: F401  (imports every app's workflows, which declare their codes)

    result = document_errors({"components": {"schemas": {}}, "paths": {}}, None, None, True)
    text = result["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
        "description"
    ]
    for code in (
        "wrong_stage",
        "insufficient_funds",
        "session_full",
        "criteria_missing",
        "grouping_membership",
    ):
        assert code in CODES and f"`{code}`" in text
