"""The executor's draft of a quarterly report: saved with nothing required but the bounds,
shown again when the page is reopened, refused when stale, and never counted as reported
progress by the secretariat's pages, the report or the measure's history until submitted.
Submitting checks everything and says each error at its field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from portal.models import AuditAction, AuditEvent, Organisation
from programme import services
from programme.figures import Period
from programme.models import (
    IndicatorActual,
    Progress,
)
from programme.report import programme_execution
from tests.factories import member

YEAR, QUARTER = 2025, 2


def _url(measure) -> str:
    return f"/programme/measures/{measure.pk}/progress/{YEAR}/{QUARTER}/"


def _form(measure, **values) -> dict:
    data = {"status": "", "spent": "", "narrative": "", "version": "0", "intent": "draft"}
    data.update(values)
    return data


def _draft(actor, measure, **overrides) -> Progress:
    values = {
        "status": "",
        "spent": None,
        "narrative": "Почали",
        "actuals": {},
        "expected_version": None,
    }
    values.update(overrides)
    return services.progress_save_draft(
        actor=actor, measure_id=measure.pk, year=YEAR, quarter=QUARTER, **values
    )


def _state() -> tuple:
    return (
        tuple(Progress.objects.values_list("pk", "version", "status", "spent", "submitted_at")),
        tuple(IndicatorActual.objects.values_list("indicator_id", "value")),
        AuditEvent.objects.filter(object_type="programme.progress").count(),
    )


# --- saving a draft --------------------------------------------------------------------------


def test_an_empty_draft_is_saved_unsubmitted_and_audited(executor, measure):
    progress = _draft(executor, measure, narrative="")
    assert (progress.status, progress.spent, progress.submitted_at) == ("", None, None)
    assert progress.is_draft and progress.draft_saved_by == executor
    assert progress.version == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(progress.pk), detail=f"1.1 {YEAR} Q{QUARTER} draft"
    ).exists()


def test_the_draft_button_saves_what_was_typed_and_the_page_shows_it_again(
    client, executor, measure
):
    indicator = measure.indicators.get()
    client.force_login(executor)
    response = client.post(
        _url(measure), _form(measure, spent="12,5", **{f"ind-{indicator.pk}": "7"})
    )
    assert response.status_code == 302
    assert response["Location"] == _url(measure)
    progress = Progress.objects.get()
    assert (progress.status, progress.spent, progress.submitted_at) == ("", Decimal("12.5"), None)
    assert progress.actuals.get().value == Decimal("7")

    page = client.get(_url(measure))
    html = page.content.decode()
    assert page.context["form"].initial["version"] == 1
    assert 'data-testid="draft-note"' in html
    assert re.search(r'<input[^>]*id="spent"[^>]*value="12,5"', html) or 'value="12.5"' in html
    assert re.search(r'<option value="" selected>—</option>', html)  # still no status


def test_a_value_cleared_in_a_later_draft_is_cleared(executor, measure):
    indicator = measure.indicators.get()
    first = _draft(executor, measure, actuals={indicator.pk: Decimal("5")})
    _draft(executor, measure, actuals={}, expected_version=first.version)
    assert not IndicatorActual.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("spent", "-1", "не може бути від'ємним"),
        ("spent", "NaN", "Введіть число"),
        ("status", "finished", "Оберіть стан виконання заходу."),
    ],
)
def test_a_draft_still_keeps_the_bounds_and_says_so_at_the_field(
    client, executor, measure, field, value, message
):
    client.force_login(executor)
    with translation.override("uk"):
        response = client.post(_url(measure), _form(measure, **{field: value}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "Чернетку не збережено" in response.content.decode()
    assert _state() == ((), (), 0)


def test_a_stale_draft_is_refused_and_keeps_the_newer_one(client, executor, measure):
    colleague = member("executor", Organisation.objects.get(code="city-centre"), "executor2")
    _draft(colleague, measure, narrative="Колега", expected_version=0)
    before = _state()
    client.force_login(executor)
    with translation.override("uk"):
        response = client.post(_url(measure), _form(measure, narrative="Моє", version="0"))
    assert response.status_code == 400
    assert "Хтось інший тим часом змінив цей звіт" in response.content.decode()
    assert _state() == before
    assert Progress.objects.get().narrative == "Колега"


def test_a_form_without_its_version_is_refused(client, executor, measure):
    client.force_login(executor)
    for version in ("", "junk", "-1"):
        response = client.post(_url(measure), _form(measure, version=version))
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
    assert _state() == ((), (), 0)


def test_a_submitted_report_cannot_become_a_draft_even_when_reopened(
    executor, secretariat, measure
):
    progress = services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=QUARTER,
        status="done",
        spent=Decimal("1"),
        narrative="",
        actuals={},
    )
    with pytest.raises(ValidationError):
        _draft(executor, measure)
    services.progress_reopen(actor=secretariat, progress_id=progress.pk)
    before = _state()
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        _draft(executor, measure)
    assert "не може знову стати чернеткою" in " ".join(refused.value.messages)
    assert _state() == before


def test_the_reopened_report_page_offers_no_draft_button(client, executor, secretariat, measure):
    progress = services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=QUARTER,
        status="done",
        spent=Decimal("1"),
        narrative="",
        actuals={},
    )
    services.progress_reopen(actor=secretariat, progress_id=progress.pk)
    client.force_login(executor)
    html = client.get(_url(measure)).content.decode()
    assert 'data-testid="progress-draft"' not in html
    assert 'data-testid="reopened-note"' in html


def test_only_the_measures_executor_saves_a_draft(personas, measure):
    for persona in ("owner", "secretariat", "coordinator", "provider", "admin"):
        with pytest.raises(PermissionDenied):
            _draft(personas[persona], measure)
    assert _state() == ((), (), 0)


def test_the_draft_page_is_404_to_everyone_but_the_executor(client, personas, measure):
    for persona in ("owner", "secretariat", "coordinator", "outsider"):
        client.force_login(personas[persona])
        assert client.post(_url(measure), _form(measure)).status_code == 404
    assert _state() == ((), (), 0)


# --- submitting ------------------------------------------------------------------------------


def test_submitting_without_status_and_spending_says_so_at_each_field(client, executor, measure):
    client.force_login(executor)
    with translation.override("uk"):
        response = client.post(_url(measure), _form(measure, intent="submit"))
    assert response.status_code == 400
    html = response.content.decode()
    errors = response.context["form"].errors
    assert errors["status"] == ["Оберіть стан виконання заходу."]
    assert "Вкажіть видатки з 1 січня" in errors["spent"][0]
    assert 'id="status-error"' in html and 'id="spent-error"' in html
    assert 'data-testid="error-summary"' in html and "Звіт не подано" in html
    assert _state() == ((), (), 0)


def test_a_draft_is_submitted_from_the_same_page_and_then_locked(client, executor, measure):
    draft = _draft(executor, measure, narrative="Почали")
    client.force_login(executor)
    response = client.post(
        _url(measure),
        _form(
            measure,
            intent="submit",
            status="in_progress",
            spent="0",
            narrative="Готово",
            version=str(draft.version),
        ),
    )
    assert response.status_code == 302
    progress = Progress.objects.get()
    assert (progress.status, progress.spent, progress.narrative) == (
        "in_progress",
        Decimal("0"),
        "Готово",
    )
    assert progress.submitted_at is not None and progress.submitted_by == executor
    assert progress.version == draft.version + 1
    assert 'data-testid="progress-draft"' not in client.get(_url(measure)).content.decode()


def test_pressing_enter_sends_no_button_and_counts_as_submitting(client, executor, measure):
    client.force_login(executor)
    data = _form(measure, status="done", spent="3")
    del data["intent"]
    assert client.post(_url(measure), data).status_code == 302
    assert Progress.objects.get().submitted_at is not None


def test_the_database_refuses_a_submitted_report_without_status_or_spending(executor, measure):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with transaction.atomic(), pytest.raises(IntegrityError):
        Progress.objects.create(
            measure=measure, year=YEAR, quarter=QUARTER, status="", submitted_at=timezone.now()
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Progress.objects.create(
            measure=measure, year=YEAR, quarter=QUARTER, status="done", submitted_at=timezone.now()
        )


# --- a draft is not reported progress --------------------------------------------------------


def test_the_secretariat_sees_no_draft_on_the_programme_and_measure_pages(
    client, executor, secretariat, measure
):
    _draft(executor, measure, status="done", spent=Decimal("5"))
    client.force_login(secretariat)
    programme = client.get("/programme/", {"year": YEAR}).content.decode()
    assert 'data-testid="status-badge"' not in programme
    page = client.get(f"/programme/measures/{measure.pk}/")
    assert list(page.context["progress"]) == []

    client.force_login(executor)
    own = client.get("/programme/", {"year": YEAR}).content.decode()
    badge = re.search(r'data-testid="status-badge">([^<]*)<', own).group(1)
    with translation.override("uk"):
        assert badge == "чернетка"
    assert len(client.get(f"/programme/measures/{measure.pk}/").context["progress"]) == 1


def test_the_secretariat_cannot_reopen_a_draft(client, executor, secretariat, measure):
    draft = _draft(executor, measure)
    client.force_login(secretariat)
    assert client.post(f"/programme/progress/{draft.pk}/reopen/").status_code == 404
    draft.refresh_from_db()
    assert draft.reopened_at is None


def test_the_report_counts_the_last_submitted_quarter_not_a_later_draft(
    executor, measure, secretariat
):
    indicator = measure.indicators.get()
    services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=1,
        status="in_progress",
        spent=Decimal("10"),
        narrative="",
        actuals={indicator.pk: Decimal("4")},
    )
    _draft(
        executor,
        measure,
        status="done",
        spent=Decimal("999"),
        actuals={indicator.pk: Decimal("99")},
    )
    period = Period(date(YEAR, 1, 1), date(YEAR, 9, 30), "months")
    (task,) = programme_execution(period, measure.task.programme)
    (row,) = task["measures"]
    assert row["progress"].quarter == 1
    assert (row["spent"], row["indicators"][0]["fact"]) == (Decimal("10"), Decimal("4"))


def test_a_measure_with_only_a_draft_is_reported_as_not_reported(executor, measure):
    _draft(executor, measure, status="done", spent=Decimal("5"))
    period = Period(date(YEAR, 1, 1), date(YEAR, 9, 30), "months")
    (task,) = programme_execution(period, measure.task.programme)
    (row,) = task["measures"]
    assert row["progress"] is None
    assert row["spent"] == Decimal(0)
