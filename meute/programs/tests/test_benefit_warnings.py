"""A tier table whose benefits fall as the tier rises is accepted with a warning naming the tiers."""

from decimal import Decimal

from django.urls import reverse

from meute.programs.tiering import falling_benefits


def _benefits(**values):
    base = {"margin_percent": "10", "mdf_percent": "0", "protection_days": 0, "lead_weight": 1}
    base.update(values)
    return base


def test_falling_margin_is_warned_with_both_tiers_named():
    warnings = falling_benefits(
        [("Gold", 2, _benefits(margin_percent="15")), ("Platinum", 3, _benefits(margin_percent="12"))]
    )
    assert [w.message for w in warnings] == ["Platinum grants less than Gold: margin (%) 12 is below 15."]
    assert (warnings[0].lower, warnings[0].higher, warnings[0].benefit) == (
        "Gold",
        "Platinum",
        "margin_percent",
    )


def test_rising_or_equal_benefits_are_quiet():
    rows = [
        ("Silver", 1, _benefits(margin_percent="10", protection_days=60)),
        ("Gold", 2, _benefits(margin_percent="10", protection_days=90, lead_weight=2)),
    ]
    assert falling_benefits(rows) == []


def test_protection_zero_means_default_and_is_not_compared():
    rows = [("Silver", 1, _benefits(protection_days=120)), ("Gold", 2, _benefits(protection_days=0))]
    assert falling_benefits(rows) == []
    rows = [("Silver", 1, _benefits(protection_days=120)), ("Gold", 2, _benefits(protection_days=60))]
    assert [w.benefit for w in falling_benefits(rows)] == ["protection_days"]


def test_locator_listing_lost_is_warned():
    rows = [("Silver", 1, _benefits(locator_listing=True)), ("Gold", 2, _benefits(locator_listing=False))]
    assert falling_benefits(rows)[0].message == (
        "Gold grants less than Silver: Silver is listed in the partner locator and Gold is not."
    )


def test_api_answers_the_warning_and_saves(world, program, api):
    platinum = program.tiers.get(name="Platinum")  # Gold has 20 %
    response = api(world.manager).patch(
        f"/api/tiers/{platinum.uuid}/", {"margin_percent": "12"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["benefit_warnings"] == [
        "Platinum grants less than Gold: margin (%) 12 is below 20."
    ]
    platinum.refresh_from_db()
    assert platinum.margin_percent == Decimal("12")
    gold = api(world.manager).get(f"/api/tiers/{program.tiers.get(name='Gold').uuid}/").json()
    assert gold["benefit_warnings"] == ["Platinum grants less than Gold: margin (%) 12 is below 20."]
    silver = api(world.manager).get(f"/api/tiers/{program.tiers.get(name='Silver').uuid}/").json()
    assert silver["benefit_warnings"] == []


def test_page_warns_after_saving_and_on_the_programme(world, program, client_for):
    client = client_for(world.manager)
    platinum = program.tiers.get(name="Platinum")
    platinum.margin_percent = Decimal("12")
    platinum.save()
    page = client.get(reverse("program-detail", kwargs={"uuid": program.uuid})).content.decode()
    assert 'id="benefit-warnings"' in page
    assert "Platinum grants less than Gold: margin (%) 12 is below 20." in page


def test_french_warning(world, program):
    from django.utils import translation

    with translation.override("fr"):
        message = falling_benefits(
            [("Or", 2, _benefits(margin_percent="15")), ("Platine", 3, _benefits(margin_percent="12"))]
        )[0].message
    assert message.startswith("Platine accorde moins que Or")
