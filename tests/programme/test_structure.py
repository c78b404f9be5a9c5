"""The secretariat makes and edits programmes in the portal: a new programme by copying the
previous one (funding and plans move to the new years, progress never comes along) or by
importing a file; every change of the structure is a version that says what changed, and the
structure can be read back as it stood on any date. Two editors never overwrite each other,
and nobody but the secretariat reaches the editor."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portal.calendar import KYIV
from portal.models import AuditEvent, Organisation
from programme.models import (
    Funding,
    Indicator,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
)
from programme.structure import services
from programme.structure.diff import describe, structure_changes
from programme.structure.models import ProgrammeVersion
from tests.programme.test_progress_windows_and_import import YAML

EDITOR = "/programme/programmes/{pk}/"


@pytest.fixture
def previous(organisations, secretariat):
    """A 2022–2024 programme: one task, one measure run by the city centre with funding and an
    indicator for each year, and one executor's report; recorded as version 1."""
    programme = Programme.objects.create(
        code="dv-2022", title="Програма 2022–2024", year_from=2022, year_to=2024
    )
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Телефон довіри")
    measure = Measure.objects.create(
        task=task, code="1.1", title="Консультування", deadline=date(2024, 12, 31)
    )
    measure.executors.add(organisations["city_centre"])
    for year, amount in ((2022, "100.0"), (2023, "200.0"), (2024, "300.0")):
        Funding.objects.create(measure=measure, year=year, source="city_budget", amount=amount)
    indicator = Indicator.objects.create(measure=measure, code="1.1.1", title="Осіб", unit="осіб")
    for year in (2022, 2023, 2024):
        IndicatorPlan.objects.create(indicator=indicator, year=year, value=year - 2000)
    Progress.objects.create(measure=measure, year=2024, quarter=1, status="done", spent=1)
    services.record_version(programme=programme, actor=secretariat, origin="imported")
    return programme


def _copy(secretariat, previous, **overrides):
    values = {
        "actor": secretariat,
        "source_id": previous.pk,
        "code": "dv-2025",
        "title": "Програма 2025–2027",
        "year_from": 2025,
        "year_to": 2026,
        "illustrative": True,
    }
    return services.programme_copy(**(values | overrides))


# --- a new programme --------------------------------------------------------------------------


def test_a_copy_moves_funding_and_plans_to_the_new_years_and_leaves_progress_behind(
    secretariat, previous
):
    programme = _copy(secretariat, previous)
    measure = Measure.objects.get(task__programme=programme)
    # 2022 → 2025, 2023 → 2026; 2024 would be 2027, outside a 2025–2026 programme: left out.
    assert sorted(measure.funding.values_list("year", "amount")) == [
        (2025, Decimal("100.0")),
        (2026, Decimal("200.0")),
    ]
    assert sorted(
        IndicatorPlan.objects.filter(indicator__measure=measure).values_list("year", "value")
    ) == [(2025, Decimal("22")), (2026, Decimal("23"))]
    assert measure.deadline == date(2026, 12, 31)
    assert list(measure.executors.values_list("code", flat=True)) == ["city-centre"]
    assert not Progress.objects.filter(measure=measure).exists()
    assert programme.illustrative
    version = programme.versions.get()
    assert (version.number, version.origin, version.created_by) == (1, "copied", secretariat)
    assert AuditEvent.objects.filter(
        object_type="programme.programme", object_id=str(programme.pk), detail="copy of dv-2022"
    ).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "dv-2022"}, "Програма з таким кодом уже існує."),
        ({"year_from": 2027, "year_to": 2025}, "Останній рік не може бути раніше за перший."),
        ({"year_to": 2040}, "Програма триває не більше десяти років."),
    ],
)
def test_a_copy_the_rules_refuse_is_explained_and_creates_nothing(
    secretariat, previous, overrides, message
):
    with translation.override("uk"), pytest.raises(ValidationError) as refused:
        _copy(secretariat, previous, **overrides)
    assert refused.value.messages == [message]
    assert Programme.objects.count() == 1


def test_only_the_secretariat_may_create_or_edit_a_programme(
    previous, coordinator, executor, owner
):
    for actor in (coordinator, executor, owner):
        with pytest.raises(PermissionDenied):
            _copy(actor, previous)
    assert Programme.objects.count() == 1


def test_the_new_programme_page_copies_the_latest_programme_by_default(
    client, secretariat, previous
):
    client.force_login(secretariat)
    form = client.get("/programme/programmes/new/").context["form"]
    assert (form.initial["source"], form.initial["year_from"], form.initial["year_to"]) == (
        previous.pk,
        2025,
        2027,
    )
    response = client.post(
        "/programme/programmes/new/",
        {
            "how": "copy",
            "source": previous.pk,
            "code": "dv-2025-2027",
            "title": "Програма 2025–2027",
            "year_from": "2025",
            "year_to": "2027",
        },
    )
    programme = Programme.objects.get(code="dv-2025-2027")
    assert response.status_code == 302 and response.url == EDITOR.format(pk=programme.pk)
    assert Funding.objects.filter(measure__task__programme=programme).count() == 3


def test_a_programme_is_imported_from_an_uploaded_file(client, secretariat, organisations):
    client.force_login(secretariat)
    content = YAML.format(measure_title="Захід з файлу", executor="city-centre").encode()
    response = client.post(
        "/programme/programmes/new/",
        {"how": "import", "file": SimpleUploadedFile("p.yaml", content)},
    )
    programme = Programme.objects.get(code="test-programme")
    assert response.status_code == 302
    assert Measure.objects.get(task__programme=programme).title == "Захід з файлу"
    assert programme.versions.get().origin == "imported"


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not text",
        b"programme: [1, 2",
        b"just a string",
        b"programme:\n  code: x\n",  # no title, years or tasks
        YAML.format(measure_title="Захід", executor="nowhere").encode(),
        YAML.format(measure_title="Захід", executor="city-centre")
        .replace("amount: 10.5", "amount: -5")
        .encode(),
    ],
)
def test_a_file_that_is_not_a_programme_is_refused_in_ukrainian_and_loads_nothing(
    client, secretariat, organisations, content
):
    client.force_login(secretariat)
    with translation.override("uk"):
        response = client.post(
            "/programme/programmes/new/",
            {"how": "import", "file": SimpleUploadedFile("p.yaml", content)},
            HTTP_ACCEPT_LANGUAGE="uk",
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Файл не описує програму в очікуваній формі." in page or "Невідомі коди" in page
    assert not Programme.objects.exists()
    assert not Measure.objects.exists()


# --- editing, versions ------------------------------------------------------------------------


def _measure_form(measure, seen: int, **overrides) -> dict:
    data = {
        "version": str(seen),
        "code": measure.code,
        "title": measure.title,
        "deadline": "31.12.2024",
        "executors": [str(o) for o in measure.executors.values_list("pk", flat=True)],
        "funding_2022_city_budget": "100,0",
        "funding_2023_city_budget": "200,0",
        "funding_2024_city_budget": "300,0",
    }
    return data | overrides


def test_an_edit_in_the_browser_form_is_a_version_that_says_what_changed(
    client, secretariat, previous
):
    measure = Measure.objects.get()
    client.force_login(secretariat)
    response = client.post(
        f"/programme/programmes/measures/{measure.pk}/",
        _measure_form(measure, 1, funding_2024_city_budget="3 500,5", funding_2024_other="12"),
    )
    assert response.status_code == 302
    assert Funding.objects.get(measure=measure, year=2024, source="city_budget").amount == Decimal(
        "3500.5"
    )
    version = previous.versions.order_by("-number").first()
    assert (version.number, version.origin) == (2, "edited")
    with translation.override("uk"):
        said = [describe(change) for change in version.changes]
    assert said == [
        "Захід 1.1: фінансування на 2024 рік (бюджет міста): 300,0 → 3500,5",
        "Захід 1.1: фінансування на 2024 рік (інші джерела): — → 12,0",
    ]
    editor = client.get(EDITOR.format(pk=previous.pk)).content.decode()
    assert "фінансування на 2024 рік (бюджет міста): 300,0 → 3500,5" in editor


def test_saving_without_a_change_records_no_new_version(client, secretariat, previous):
    measure = Measure.objects.get()
    client.force_login(secretariat)
    client.post(f"/programme/programmes/measures/{measure.pk}/", _measure_form(measure, 1))
    assert previous.versions.count() == 1


def test_a_form_opened_before_someone_elses_edit_is_refused_and_changes_nothing(
    client, secretariat, previous
):
    measure = Measure.objects.get()
    services.task_save(
        actor=secretariat, programme=previous, task=None, seen_version=1, code="2", title="Нове"
    )
    client.force_login(secretariat)
    response = client.post(
        f"/programme/programmes/measures/{measure.pk}/",
        _measure_form(measure, 1, funding_2024_city_budget="999"),
        HTTP_ACCEPT_LANGUAGE="uk",
    )
    assert response.status_code == 400
    assert "Структуру цієї програми вже змінив інший користувач" in response.content.decode()
    assert Funding.objects.get(measure=measure, year=2024).amount == Decimal("300.0")
    assert previous.versions.count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("funding_2024_city_budget", "-1"),
        ("funding_2024_city_budget", "NaN"),
        ("funding_2024_city_budget", "1e30"),
        ("funding_2024_city_budget", "сто"),
        ("deadline", "31.02.2024"),
        ("executors", "999999999"),
        ("version", "x"),
        ("code", ""),
    ],
)
def test_junk_in_the_measure_form_is_refused_at_its_field_and_changes_nothing(
    client, secretariat, previous, field, value
):
    measure = Measure.objects.get()
    client.force_login(secretariat)
    response = client.post(
        f"/programme/programmes/measures/{measure.pk}/", _measure_form(measure, 1, **{field: value})
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert previous.versions.count() == 1


def test_a_task_number_taken_is_refused_and_a_task_with_measures_is_not_removed(
    client, secretariat, previous
):
    task = ProgrammeTask.objects.get()
    with translation.override("uk"):
        with pytest.raises(ValidationError) as taken:
            services.task_save(
                actor=secretariat,
                programme=previous,
                task=None,
                seen_version=1,
                code="1",
                title="Ще одне",
            )
        assert taken.value.messages == ["У програмі вже є завдання з таким номером."]
        with pytest.raises(ValidationError) as not_empty:
            services.task_delete(actor=secretariat, task=task, seen_version=1)
        assert not_empty.value.messages == [
            "Завдання ще має заходи: спершу вилучіть або перенесіть їх."
        ]
    assert ProgrammeTask.objects.count() == 1


def test_a_measure_reported_on_and_an_indicator_with_facts_stay(secretariat, previous):
    measure = Measure.objects.get()
    with pytest.raises(ValidationError):
        services.measure_delete(actor=secretariat, measure=measure, seen_version=1)
    assert Measure.objects.exists()


def test_an_indicator_is_added_with_its_yearly_plan_and_removed_again(
    client, secretariat, previous
):
    measure = Measure.objects.get()
    client.force_login(secretariat)
    client.post(
        f"/programme/programmes/measures/{measure.pk}/indicators/new/",
        {
            "version": "1",
            "code": "1.1.2",
            "title": "Дзвінків",
            "unit": "дзвінків",
            "plan_2022": "10",
            "plan_2023": "",
            "plan_2024": "30,5",
        },
    )
    indicator = Indicator.objects.get(code="1.1.2")
    assert sorted(indicator.plans.values_list("year", "value")) == [
        (2022, Decimal("10")),
        (2024, Decimal("30.5")),
    ]
    client.post(f"/programme/programmes/indicators/{indicator.pk}/delete/", {"version": "2"})
    assert not Indicator.objects.filter(code="1.1.2").exists()
    assert [v.changes[0]["kind"] for v in previous.versions.order_by("number")[1:]] == [
        "indicator_added",
        "indicator_removed",
    ]


def test_the_structure_is_shown_as_it_stood_on_a_date(client, secretariat, previous):
    ProgrammeVersion.objects.filter(programme=previous).update(
        created_at=datetime(2022, 1, 10, 12, tzinfo=KYIV)
    )
    measure = Measure.objects.get()
    services.measure_save(
        actor=secretariat,
        task=measure.task,
        measure=measure,
        seen_version=1,
        code="1.1",
        title="Консультування цілодобово",
        deadline=measure.deadline,
        executor_ids=[],
        funding={},
    )
    ProgrammeVersion.objects.filter(programme=previous, number=2).update(
        created_at=datetime(2023, 6, 1, 9, tzinfo=KYIV)
    )
    client.force_login(secretariat)
    url = f"/programme/programmes/{previous.pk}/as-of/"
    before = client.get(url, {"day": "31.05.2023"})
    assert before.context["version"].number == 1
    assert "Консультування" in before.content.decode()
    assert "Міський центр" in before.content.decode()
    after = client.get(url, {"day": "01.06.2023"}).content.decode()
    listed = after[after.index("list-group-item") :]
    assert "Консультування цілодобово" in listed and "Міський центр" not in listed
    assert "Захід 1.1: виконавці: Міський центр → —" in after  # what version 2 changed
    earlier = client.get(url, {"day": "01.01.2021"})
    assert earlier.context["version"] is None
    assert "не мав записаної структури" in earlier.content.decode()
    assert client.get(url, {"day": "31.02.2023"}).status_code == 400
    assert client.get(url, {"number": "99"}).status_code == 404
    assert client.get(url, {"number": "-1"}).status_code == 404


def test_structure_changes_name_added_and_removed_tasks_measures_and_changed_fields():
    before = {
        "programme": {"code": "p", "title": "A", "year_from": 2025, "year_to": 2027},
        "tasks": [{"code": "1", "title": "T", "measures": []}],
    }
    after = {
        "programme": {"code": "p", "title": "B", "year_from": 2025, "year_to": 2027},
        "tasks": [
            {
                "code": "2",
                "title": "U",
                "measures": [
                    {"code": "2.1", "title": "M", "funding": {}, "indicators": []},
                ],
            }
        ],
    }
    with translation.override("uk"):
        said = [describe(c) for c in structure_changes(before, after)]
    assert said == [
        "Програма: назва: A → B",
        "Вилучено завдання 1",
        "Додано завдання 2",
        "Додано захід 2.1",
    ]
    assert structure_changes(after, after) == []


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "executor", "owner", "police", "admin"])
def test_the_editor_is_404_to_everyone_but_the_secretariat(client, personas, previous, persona):
    client.force_login(personas[persona])
    measure = Measure.objects.get()
    for url in (
        EDITOR.format(pk=previous.pk),
        f"/programme/programmes/{previous.pk}/as-of/?day=01.01.2025",
        f"/programme/programmes/measures/{measure.pk}/",
        "/programme/programmes/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/programme/programmes/measures/{measure.pk}/delete/").status_code == 404
    assert Measure.objects.exists()


def test_the_programme_page_shows_the_current_programme_and_another_one_by_its_code(
    client, executor, secretariat, previous
):
    _copy(secretariat, previous, year_to=2027)
    client.force_login(executor)
    current = client.get("/programme/")
    assert current.context["programme"].code == "dv-2025"
    page = current.content.decode()
    assert 'value="dv-2022"' in page and "Програма 2025–2027" in page
    assert client.get("/programme/", {"programme": "dv-2022"}).context["programme"] == previous
    assert client.get("/programme/", {"programme": "nothing"}).status_code == 404
    listing = client.get("/programme/programmes/").content.decode()
    assert "Програма 2022–2024" in listing and "Структура і версії" not in listing


def test_the_demo_makes_the_next_programme_as_the_secretariat_would(secretariat, organisations):
    from programme.demo import seed_next_programme

    Organisation.objects.filter(code="department")  # the demo's executors are in the fixture
    previous = Programme.objects.create(
        code="dv-2022-2024", title="Програма", year_from=2022, year_to=2024
    )
    task = ProgrammeTask.objects.create(programme=previous, code="1", title="Телефон")
    measure = Measure.objects.create(task=task, code="1.1", title="Консультування")
    measure.executors.add(organisations["city_centre"])
    following = seed_next_programme(previous)
    assert (following.year_from, following.year_to, following.illustrative) == (2025, 2027, True)
    assert list(following.versions.order_by("number").values_list("origin", flat=True)) == [
        "copied",
        "edited",
        "edited",
        "edited",
        "edited",
    ]
    # Dated as the council would have made them: approval, the spring 2025 addition, the 2026
    # budget; so the structure on 01.01.2026 has the new task and the old trust-line funding.
    first, *_, last = following.versions.order_by("number")
    assert (first.created_at.date(), last.created_at.date()) == (
        date(2024, 12, 19),
        date(2026, 1, 23),
    )
    assert seed_next_programme(previous) == following  # made once
    assert following.versions.count() == 5


def test_the_report_names_the_version_of_the_structure_it_was_made_from(secretariat, previous):
    from django.utils import translation as tr

    from programme.figures import period_for
    from programme.report import render_html

    services.task_save(
        actor=secretariat, programme=previous, task=None, seen_version=1, code="2", title="Нове"
    )
    with tr.override("uk"):
        html = render_html(period_for("months", 2024, months=9))
    assert "Структура програми — за її версією 2 від" in html
