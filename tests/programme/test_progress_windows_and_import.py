"""The executors' side of the programme: the programme page by year, the quarterly entry and its
refusals, the reporting deadlines the secretariat sets, and the import of the programme itself.

Every refusal is said in Ukrainian and writes nothing: no progress row, no indicator value, no
audit entry.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation

from portal.models import AuditAction, AuditEvent, Organisation
from programme import services
from programme.models import (
    Funding,
    Indicator,
    IndicatorActual,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
    ReportingWindow,
)
from tests.factories import member

YEAR, QUARTER = 2025, 2


@pytest.fixture
def foreign_measure(measure, organisations):
    """A measure of the department, in the same task: not the executor's."""
    other = Measure.objects.create(task=measure.task, code="1.2", title="Навчання поліцейських")
    other.executors.add(organisations["department"])
    Indicator.objects.create(measure=other, code="1", title="Навчено", unit="осіб")
    return other


def _submit(actor, measure, **overrides) -> Progress:
    values = {
        "status": "in_progress",
        "spent": Decimal("120.5"),
        "narrative": "Консультації надаються цілодобово",
        "actuals": {},
    }
    values.update(overrides)
    return services.progress_submit(
        actor=actor, measure_id=measure.pk, year=YEAR, quarter=QUARTER, **values
    )


def _url(measure) -> str:
    return f"/programme/measures/{measure.pk}/progress/{YEAR}/{QUARTER}/"


def _nothing_written() -> bool:
    return not (
        Progress.objects.exists()
        or IndicatorActual.objects.exists()
        or AuditEvent.objects.filter(object_type="programme.progress").exists()
    )


# --- the quarterly entry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "finished"}, "Оберіть стан виконання заходу."),
        ({"quarter": 5}, "Оберіть квартал від 1 до 4."),
        ({"quarter": 0}, "Оберіть квартал від 1 до 4."),
        ({"spent": Decimal("-0.1")}, "Видатки не можуть бути від'ємними."),
        ({"year": 1999}, "Вкажіть рік від 2000 до 2099."),
    ],
)
def test_an_entry_the_service_refuses_is_explained_in_ukrainian_and_writes_nothing(
    executor, measure, overrides, message
):
    values = {
        "actor": executor,
        "measure_id": measure.pk,
        "year": YEAR,
        "quarter": QUARTER,
        "status": "done",
        "spent": Decimal("1"),
        "narrative": "",
        "actuals": {measure.indicators.get().pk: Decimal("3")},
        **overrides,
    }
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.progress_submit(**values)
    assert message in " ".join(refused.value.messages)
    assert _nothing_written()


def test_a_value_for_another_measures_indicator_is_dropped_and_the_own_one_kept(
    executor, measure, foreign_measure
):
    own, foreign = measure.indicators.get(), foreign_measure.indicators.get()
    progress = _submit(
        executor, measure, actuals={own.pk: Decimal("40"), foreign.pk: Decimal("999")}
    )
    assert list(progress.actuals.values_list("indicator_id", "value")) == [(own.pk, Decimal("40"))]
    assert not IndicatorActual.objects.filter(indicator=foreign).exists()


def test_an_executor_may_not_enter_progress_for_a_measure_of_another_organisation(
    executor, foreign_measure
):
    with pytest.raises(PermissionDenied):
        _submit(executor, foreign_measure)
    assert _nothing_written()


def test_a_reopened_report_comes_back_into_the_form_with_everything_submitted(
    client, executor, secretariat, measure
):
    indicator = measure.indicators.get()
    progress = _submit(executor, measure, actuals={indicator.pk: Decimal("17")})
    services.progress_reopen(actor=secretariat, progress_id=progress.pk)
    client.force_login(executor)
    page = client.get(_url(measure))
    form = page.context["form"]
    assert page.context["locked"] is False
    assert form.initial == {
        "status": "in_progress",
        "spent": Decimal("120.5"),
        "narrative": "Консультації надаються цілодобово",
        "version": 1,
        f"ind-{indicator.pk}": Decimal("17.0"),
    }
    assert "Консультації надаються цілодобово" in page.content.decode()


def test_a_form_loaded_before_someone_elses_entry_is_refused_and_keeps_the_newer_report(
    client, executor, secretariat, measure
):
    colleague = member("executor", Organisation.objects.get(code="city-centre"), "executor2")
    progress = _submit(executor, measure)
    services.progress_reopen(actor=secretariat, progress_id=progress.pk)
    # The colleague submits over version 1 (it becomes 2); the secretariat reopens once more.
    _submit(colleague, measure, spent=Decimal("200"), expected_version=1)
    services.progress_reopen(actor=secretariat, progress_id=progress.pk)
    client.force_login(executor)
    response = client.post(
        _url(measure), {"status": "done", "spent": "999", "narrative": "", "version": "1"}
    )
    assert response.status_code == 400
    assert "Хтось інший тим часом змінив цей звіт. Оновіть сторінку." in response.content.decode()
    progress.refresh_from_db()
    assert (progress.version, progress.spent, progress.submitted_by) == (
        2,
        Decimal("200"),
        colleague,
    )


def test_a_negative_spending_typed_in_the_form_is_refused_at_its_field(client, executor, measure):
    client.force_login(executor)
    response = client.post(_url(measure), {"status": "done", "spent": "-5", "narrative": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["spent"]
    assert _nothing_written()


# --- the reporting deadline ------------------------------------------------------------------


def test_the_secretariat_sets_and_moves_a_deadline_each_time_audited(secretariat):
    first = timezone.now() + timedelta(days=10)
    window = services.window_set(actor=secretariat, year=YEAR, quarter=QUARTER, deadline=first)
    moved = services.window_set(
        actor=secretariat, year=YEAR, quarter=QUARTER, deadline=first + timedelta(days=5)
    )
    assert moved.pk == window.pk
    assert ReportingWindow.objects.get().deadline == first + timedelta(days=5)
    events = AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        object_type="programme.reportingwindow",
        object_id=str(window.pk),
        username="secretariat",
    )
    assert events.count() == 2


@pytest.mark.parametrize("persona", ["executor", "coordinator", "owner", "admin"])
def test_only_the_secretariat_sets_a_deadline(personas, persona):
    with pytest.raises(PermissionDenied):
        services.window_set(
            actor=personas[persona], year=YEAR, quarter=QUARTER, deadline=timezone.now()
        )
    assert not ReportingWindow.objects.exists()
    assert not AuditEvent.objects.filter(object_type="programme.reportingwindow").exists()


def test_an_entry_after_the_deadline_is_late_and_audited_as_late_one_before_is_not(
    executor, secretariat, measure, foreign_measure
):
    services.window_set(
        actor=secretariat,
        year=YEAR,
        quarter=QUARTER,
        deadline=timezone.now() - timedelta(minutes=1),
    )
    late = _submit(executor, measure)
    assert late.late is True
    assert AuditEvent.objects.get(object_type="programme.progress").detail == (
        f"1.1 {YEAR} Q{QUARTER} late"
    )
    services.window_set(
        actor=secretariat,
        year=YEAR,
        quarter=QUARTER + 1,
        deadline=timezone.now() + timedelta(days=1),
    )
    in_time = services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=QUARTER + 1,
        status="done",
        spent=Decimal(0),
        narrative="",
        actuals={},
    )
    assert in_time.late is False


# --- the programme page ----------------------------------------------------------------------


def test_without_a_programme_the_page_says_how_to_load_one(client, secretariat):
    client.force_login(secretariat)
    page = client.get("/programme/")
    assert page.status_code == 200
    assert page.context["programme"] is None
    assert "Програму ще не завантажено" in page.content.decode()


@pytest.mark.parametrize("raw", ["20x4", "１９９９", "999", "1999", "2100"])
def test_a_year_not_understood_is_said_in_ukrainian_and_the_default_year_is_shown(
    client, secretariat, measure, raw
):
    client.force_login(secretariat)
    page = client.get("/programme/", {"year": raw})
    assert page.status_code == 400
    assert page.context["year"] == min(timezone.localdate().year, 2026)
    assert [str(m) for m in page.context["messages"]] == ["Вкажіть рік від 2000 до 2099."]


def test_the_chosen_year_shows_that_years_entries(client, executor, secretariat, measure):
    _submit(executor, measure, status="not_done")
    client.force_login(secretariat)
    chosen = client.get("/programme/", {"year": str(YEAR)})
    assert chosen.context["year"] == YEAR
    assert "не виконано" in chosen.content.decode().lower()
    other = client.get("/programme/", {"year": "2023"})
    assert 'data-testid="status-badge"' not in other.content.decode()


def test_an_executor_sees_only_the_measures_of_their_organisation(
    client, executor, secretariat, measure, foreign_measure
):
    client.force_login(executor)
    own = client.get("/programme/").content.decode()
    assert "Цілодобове консультування" in own
    assert "Навчання поліцейських" not in own
    client.force_login(secretariat)
    every = client.get("/programme/").content.decode()
    assert "Цілодобове консультування" in every and "Навчання поліцейських" in every


def test_an_executor_with_no_measures_is_told_so(client, organisations, measure):
    stranger = member("executor", organisations["shelter"], "shelter-executor")
    client.force_login(stranger)
    page = client.get("/programme/").content.decode()
    assert "У цій програмі для вас немає заходів." in page
    assert "Цілодобове консультування" not in page


@pytest.mark.parametrize("persona", ["owner", "provider", "police", "admin"])
def test_the_programme_page_is_404_to_roles_without_the_programme(
    client, personas, measure, persona
):
    client.force_login(personas[persona])
    assert client.get("/programme/").status_code == 404


def test_the_plan_is_hidden_from_roles_that_do_not_work_on_the_programme(owner, executor, measure):
    from programme.selectors import progress_plan

    indicator = measure.indicators.get()
    Funding.objects.create(measure=measure, year=YEAR, source="city_budget", amount=Decimal(100))
    Funding.objects.create(measure=measure, year=YEAR, source="other", amount=Decimal("20.5"))
    Funding.objects.create(measure=measure, year=YEAR + 1, source="other", amount=Decimal(7))
    IndicatorPlan.objects.create(indicator=indicator, year=YEAR, value=Decimal(300))
    assert progress_plan(executor, measure=measure, year=YEAR) == {
        "spending": Decimal("120.5"),
        "indicators": {indicator.pk: Decimal("300")},
    }
    assert progress_plan(owner, measure=measure, year=YEAR) == {
        "spending": None,
        "indicators": {},
    }


# --- the import ------------------------------------------------------------------------------

YAML = """
programme:
  code: test-programme
  title_uk: >-
    Тестова   програма
  years: [2025, 2026]
  responsible_executor: department
  tasks:
    - code: "1"
      title_uk: Перше завдання
      measures:
        - code: "1.1"
          title_uk: {measure_title}
          executors: [{executor}]
          funding:
            - {{year: 2025, source: city_budget, amount: 10.5}}
          indicators:
            - code: "1"
              title_uk: Консультовано
              unit_uk: осіб
              planned: {{2025: 100, 2026: 120}}
"""


def _yaml(tmp_path, *, measure_title="Перший захід", executor="city-centre"):
    path = tmp_path / "programme.yaml"
    path.write_text(YAML.format(measure_title=measure_title, executor=executor), encoding="utf-8")
    return path


def test_the_import_command_loads_the_programme_and_a_second_run_changes_only_what_changed(
    organisations, tmp_path, capsys
):
    call_command("programme_import", str(_yaml(tmp_path)))
    assert capsys.readouterr().out.strip() == "test-programme: 1 tasks"
    programme = Programme.objects.get()
    assert (programme.title, programme.year_from, programme.year_to) == (
        "Тестова програма",  # whitespace folded as YAML's >- leaves it
        2025,
        2026,
    )
    assert programme.responsible == organisations["department"]
    call_command("programme_import", str(_yaml(tmp_path, measure_title="Перейменований захід")))
    measure = Measure.objects.get()
    assert measure.title == "Перейменований захід"
    assert list(measure.executors.values_list("code", flat=True)) == ["city-centre"]
    assert Funding.objects.get().amount == Decimal("10.5")
    assert sorted(IndicatorPlan.objects.values_list("year", "value")) == [
        (2025, Decimal("100")),
        (2026, Decimal("120")),
    ]
    assert (Programme.objects.count(), ProgrammeTask.objects.count()) == (1, 1)


def test_an_unknown_executor_code_refuses_the_whole_import(organisations, tmp_path):
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        services.programme_import(path=_yaml(tmp_path, executor="nowhere"))
    assert refused.value.messages == ["Невідомі коди виконавців: nowhere"]
    assert not Programme.objects.exists()
    assert not Measure.objects.exists()


def test_the_executors_dashboard_lists_the_measures_of_their_organisation_only(
    client, executor, organisations, measure, foreign_measure
):
    client.force_login(executor)
    page = client.get("/").content.decode()
    assert f'href="/programme/measures/{measure.pk}/"' in page
    assert f'href="/programme/measures/{foreign_measure.pk}/"' not in page
    stranger = member("executor", organisations["shelter"], "shelter-executor")
    client.force_login(stranger)
    assert f'href="/programme/measures/{measure.pk}/"' not in client.get("/").content.decode()
