"""Lists show a victim by her code — initials and the case's serial number — and not by her
name; the name is one click away, and that click is audited. The export, a capability of its
own, keeps the names."""

from __future__ import annotations

from portal.models import AuditAction, AuditEvent
from tests.cases.factories import person, register_case


def test_the_case_list_shows_the_code_and_not_the_name(client, owner):
    case = register_case(owner, victim=person("Шевченко", "Оксана"))
    client.force_login(owner)
    page = client.get("/cases/").content.decode()
    assert f"ШО-{case.number.rsplit('-', 1)[-1]}" in page
    assert "Шевченко" not in page and "Оксана" not in page


def test_a_search_by_surname_still_finds_the_case_and_shows_only_the_code(client, owner):
    case = register_case(owner, victim=person("Шевченко", "Оксана"))
    client.force_login(owner)
    page = client.get("/cases/", {"q": "Шевчнко"}).content.decode()
    assert case.number in page and "Оксана" not in page


def test_the_name_behind_the_code_is_one_audited_click_away(client, owner):
    case = register_case(owner, victim=person("Шевченко", "Оксана"))
    client.force_login(owner)
    shown = client.get(f"/cases/{case.pk}/victim-name/", HTTP_HX_REQUEST="true")
    assert shown.status_code == 200
    assert "Шевченко Оксана" in shown.content.decode()
    assert shown["Cache-Control"] == "private, no-store"
    assert (
        AuditEvent.objects.filter(
            username="owner",
            action=AuditAction.VIEW,
            object_type="cases.case",
            object_id=str(case.pk),
            detail="victim's name in a list",
        ).count()
        == 1
    )


def test_without_htmx_the_link_opens_the_case_page(client, owner):
    case = register_case(owner)
    client.force_login(owner)
    answer = client.get(f"/cases/{case.pk}/victim-name/")
    assert answer.status_code == 302 and answer.url == f"/cases/{case.pk}/"


def test_another_districts_worker_gets_no_name_and_no_trace_of_the_case(client, owner, outsider):
    case = register_case(owner, victim=person("Шевченко", "Оксана"))
    client.force_login(outsider)
    answer = client.get(f"/cases/{case.pk}/victim-name/", HTTP_HX_REQUEST="true")
    assert answer.status_code == 404
    assert "Шевченко" not in answer.content.decode()
    assert not AuditEvent.objects.filter(detail="victim's name in a list").exists()


def test_the_export_keeps_the_names(client, coordinator, owner):
    register_case(owner, victim=person("Шевченко", "Оксана"))
    client.force_login(coordinator)
    exported = client.get("/cases/export.csv")
    assert exported.status_code == 200
    assert "Шевченко Оксана" in exported.content.decode("utf-8-sig")
