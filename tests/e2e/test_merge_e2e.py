"""The head finds a duplicate record from the person's page, compares the two side by side,
keeps the newer phone, merges them, and undoes the merge."""

from __future__ import annotations

from cases.merge.models import PersonMerge
from cases.models import Person
from tests.cases.factories import person, register_case
from tests.e2e.test_layout_390 import PHONE, _shoot, _too_wide


def test_head_merges_two_records_of_one_woman_and_undoes_it(
    page, live_server, login_as, owner, head
):
    first = register_case(owner, victim=person("Шевченко", "Оксана", phone="0671112233"))
    second = register_case(
        owner, victim=person("Шевчeнко", "Оксана", phone="0509998877", birth_date=None)
    )
    kept = first.participants.get(role="victim").person
    duplicate = second.participants.get(role="victim").person
    login_as(page, head)
    page.goto(f"{live_server.url}/cases/people/{kept.pk}/")
    page.click("[data-testid=find-duplicates]")
    page.click("[data-testid=duplicate-candidates] [data-testid=compare]")
    page.check("[data-testid=merge-field-phone] input[value=duplicate]")
    page.fill("#id_reason", "Одна особа: підтверджено телефонною розмовою")
    page.click("[data-testid=merge-submit]")
    assert "Об'єднання двох записів" in page.inner_text("h1")
    assert Person.objects.get(pk=kept.pk).phone == "+380509998877"
    assert second.participants.get(role="victim").person_id == kept.pk

    page.set_viewport_size(PHONE)
    assert _too_wide(page, PHONE["width"]) == []
    _shoot(page, "head", "merge", PHONE["width"])
    page.click("[data-testid=merge-undo] button")
    assert page.inner_text("[data-testid=merge-undone]")
    assert second.participants.get(role="victim").person_id == duplicate.pk
    assert PersonMerge.objects.get().undone_at is not None
