"""A shelter worker's day, on a desktop and on a phone: the notice names the case; the inbox
puts the most urgent new referral first, with risk and people in words; she opens the mother
with two children, accepts three places, sees the referral leave "new" and the bar move, then
corrects the shelter's places with a reason and sees who did it and when."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals.models import ProviderProfile, Referral
from tests.e2e.test_layout_390 import DESKTOP, PHONE
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import catalogue_for_darnytskyi


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "390px"])
def test_a_shelter_worker_triages_accepts_a_mother_with_two_and_corrects_the_places(
    page, live_server, login_as, owner, provider, organisations, viewport
):
    catalogue_for_darnytskyi(organisations)
    mother = send_shelter_referral(
        owner, organisations, accompanying_children=2, risk_answers={"threats_to_kill": True}
    )
    alone = send_shelter_referral(owner, organisations)
    # The woman alone must be answered sooner: she is first, whatever her risk.
    Referral.objects.filter(pk=alone.pk).update(due_at=timezone.now() + timedelta(hours=1))
    Referral.objects.filter(pk=mother.pk).update(due_at=timezone.now() + timedelta(hours=3))

    page.set_viewport_size(viewport)
    login_as(page, provider)
    page.goto(f"{live_server.url}/referrals/")
    new = page.locator("[data-testid=inbox-new] [data-testid=inbox-row]")
    assert new.count() == 2
    assert alone.case.number in new.nth(0).inner_text()
    first = new.nth(1).inner_text()
    assert mother.case.number in first and "високий" in first
    assert "1 доросла особа, 2 дитини" in first and "залишилося 2 год" in first
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    new.nth(1).locator("[data-testid=inbox-item]").click()
    assert page.input_value("[data-testid=places]") == "3"
    assert "Вільно зараз: 12 з 12 місць." in page.inner_text("[data-testid=places-free]")
    page.click("[data-testid=accept]")
    assert "прийнято" in page.inner_text("[data-testid=referral-status]")
    assert "займає 3 місця" in page.inner_text("[data-testid=referral-places]")

    page.goto(f"{live_server.url}/referrals/")
    assert page.locator("[data-testid=inbox-new] [data-testid=inbox-row]").count() == 1
    in_work = page.inner_text("[data-testid=inbox-in-work]")
    assert mother.case.number in in_work and "займає 3 місця" in in_work
    bar = page.get_by_role("progressbar", name="Притулок № 1: Зайнято 3 з 12 місць")
    assert bar.get_attribute("aria-valuenow") == "3"
    assert "Зайнято 3 з 12 місць · вільно: 9" in page.inner_text("[data-testid=capacity-text]")

    page.click("[data-testid=capacity-link]")
    assert "Місць, які займають прийняті направлення: 3." in page.inner_text(
        "[data-testid=capacity-form]"
    )
    page.fill("#id_capacity_total", "10")
    page.fill("#id_occupied", "2")
    page.fill("#id_reason", "Кімнату 3 закрито на ремонт")
    page.click("[data-testid=capacity-save]")
    # Fewer occupied than the accepted stay holds: refused at the field, nothing saved.
    assert "Місць, які займають прийняті направлення: 3." in page.inner_text(
        "[data-testid=field-error]"
    )
    page.fill("#id_occupied", "4")
    page.click("[data-testid=capacity-save]")
    assert "Кількість місць виправлено." in page.inner_text("main")
    profile = ProviderProfile.objects.get(organisation=organisations["shelter"])
    assert (profile.capacity_total, profile.occupied) == (10, 4)
    row = page.locator("[data-testid=capacity-row]", has_text="Притулок № 1")
    assert "Зайнято 4 з 10 місць" in row.inner_text()
    when = timezone.localtime(profile.capacity_updated_at).strftime("%d.%m.%Y %H:%M")
    assert f"оновлено {when} ({provider})" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
