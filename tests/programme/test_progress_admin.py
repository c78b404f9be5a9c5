"""An administrator correcting an executor's quarterly report in the admin: only what was
reported can be corrected, every correction moves the report's version on, and neither side
silently writes over the other."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditAction, AuditEvent
from programme import services
from programme.models import Progress
from tests.admin_pages import STATE, opened

YEAR, QUARTER = 2025, 2


def _draft(executor, measure, *, narrative: str, expected_version: int | None) -> Progress:
    return services.progress_save_draft(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=QUARTER,
        status="in_progress",
        spent=Decimal("10.0"),
        narrative=narrative,
        actuals={},
        expected_version=expected_version,
    )


def _url(progress) -> str:
    return f"/admin/programme/progress/{progress.pk}/change/"


def _correction(progress, **values) -> dict:
    data = {
        "status": "in_progress",
        "spent": "12.5",
        "narrative": progress.narrative,
        "opened_version": str(progress.version),
        "_save": "Зберегти",
    }
    data.update(values)
    return data


def test_a_correction_moves_the_version_on_and_the_executors_older_form_is_refused(
    client, admin_user, executor, measure
):
    progress = _draft(executor, measure, narrative="Почали", expected_version=None)
    opened_by_executor = progress.version
    client.force_login(admin_user)
    assert (
        client.post(
            _url(progress), opened(client, _url(progress), _correction(progress))
        ).status_code
        == 302
    )
    progress.refresh_from_db()
    assert (progress.spent, progress.version) == (Decimal("12.5"), opened_by_executor + 1)
    event = AuditEvent.objects.get(username="admin", action=AuditAction.UPDATE)
    assert (event.object_type, event.detail) == ("programme.progress", "admin changed: spent")
    with pytest.raises(ValidationError, match="Хтось інший тим часом змінив цей звіт"):
        _draft(executor, measure, narrative="Зробили", expected_version=opened_by_executor)
    progress.refresh_from_db()
    assert (progress.spent, progress.narrative) == (Decimal("12.5"), "Почали")


def test_a_report_changed_after_the_admin_opened_it_is_refused_in_ukrainian_and_kept(
    client, admin_user, executor, measure
):
    progress = _draft(executor, measure, narrative="Почали", expected_version=None)
    client.force_login(admin_user)
    opened_page = client.get(_url(progress))
    assert opened_page.status_code == 200
    assert f'name="opened_version" value="{progress.version}"' in opened_page.content.decode()
    _draft(executor, measure, narrative="Зробили", expected_version=progress.version)
    [state] = STATE.findall(opened_page.content.decode())
    response = client.post(
        _url(progress), {**_correction(progress, spent="99.0"), "_opened_state": state}
    )
    assert response.status_code == 200
    assert "Хтось інший тим часом змінив цей звіт. Оновіть сторінку." in response.content.decode()
    progress.refresh_from_db()
    assert (progress.spent, progress.narrative) == (Decimal("10.0"), "Зробили")
    assert not AuditEvent.objects.filter(username="admin", action=AuditAction.UPDATE).exists()


def test_the_workflow_of_a_report_is_not_editable_in_the_admin(
    client, admin_user, executor, measure
):
    progress = _draft(executor, measure, narrative="Почали", expected_version=None)
    client.force_login(admin_user)
    forged = _correction(
        progress,
        late="on",
        version="1000",
        year="2020",
        submitted_at_0="01.01.2025",
        submitted_at_1="10:00:00",
    )
    assert client.post(_url(progress), opened(client, _url(progress), forged)).status_code == 302
    progress.refresh_from_db()
    assert (progress.late, progress.year, progress.submitted_at) == (False, YEAR, None)
    assert progress.version < 1000
    # A report begins on the executor's page, never in the admin.
    assert client.get("/admin/programme/progress/add/").status_code == 403


def test_a_report_is_never_deleted_in_the_admin_and_is_named_in_ukrainian(
    client, admin_user, executor, measure
):
    progress = _draft(executor, measure, narrative="Почали", expected_version=None)
    client.force_login(admin_user)
    page = client.get(_url(progress)).content.decode()
    assert f"Захід {measure.code}, {QUARTER} квартал {YEAR} року" in page
    # As a word: the page's CSRF token is random letters and digits and may hold "Q2".
    assert not re.search(rf"(?<![A-Za-z0-9])Q{QUARTER}(?![A-Za-z0-9])", page)
    assert "/delete/" not in page
    assert (
        client.post(f"/admin/programme/progress/{progress.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    bulk = {"action": "delete_selected", "_selected_action": [progress.pk], "post": "yes"}
    client.post("/admin/programme/progress/", bulk)
    assert Progress.objects.filter(pk=progress.pk).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DELETE).exists()


def test_a_save_that_changes_nothing_leaves_the_executors_form_valid(
    client, admin_user, executor, measure
):
    progress = _draft(executor, measure, narrative="Почали", expected_version=None)
    opened_by_executor = progress.version
    client.force_login(admin_user)
    unchanged = _correction(progress, spent=str(progress.spent))
    assert client.post(_url(progress), opened(client, _url(progress), unchanged)).status_code == 302
    _draft(executor, measure, narrative="Зробили", expected_version=opened_by_executor)
    progress.refresh_from_db()
    assert progress.narrative == "Зробили"
