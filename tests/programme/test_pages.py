"""The programme's pages as their users meet them: the statistics period picker, the charts'
text alternatives, and the executor's quarterly form (no preset status, the plan beside each
input, each error at its field)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils.translation import gettext

from portal.models import Organisation
from programme import services
from programme.charts import paired_bars
from programme.models import (
    Funding,
    Indicator,
    IndicatorPlan,
    Measure,
    Programme,
    ProgrammeTask,
    Progress,
)
from tests.cases.factories import person, register_case

KYIV = ZoneInfo("Europe/Kyiv")
YEAR, QUARTER = 2025, 1
STATISTICS = "/programme/statistics/"


def _field(html: str, name: str) -> str:
    """The markup of one period field's box (empty when the page does not show the field)."""
    found = re.search(rf'<div class="col-auto" data-testid="field-{name}">.*?</div>', html, re.S)
    return found.group(0) if found else ""


# --- statistics: the period -----------------------------------------------------------------


def test_a_start_after_the_end_is_refused_at_the_end_field_with_no_figures(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        STATISTICS, {"kind": "custom", "start": "31.12.2024", "end": "01.01.2024"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    end = re.search(r'<input[^>]*id="end"[^>]*>\s*<div[^>]*id="end-error">([^<]*)</div>', html)
    assert end and end.group(1) == "Кінець періоду раніше за його початок."
    assert 'aria-invalid="true"' in end.group(0)
    assert 'data-testid="registered"' not in html  # no figures of a period nobody asked for
    assert "cases" not in response.context


def test_free_dates_are_typed_as_day_month_year_in_text_inputs(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        STATISTICS, {"kind": "custom", "start": "01.01.2024", "end": "30.09.2024"}
    )
    assert response.status_code == 200
    assert (response.context["period"].start, response.context["period"].end) == (
        date(2024, 1, 1),
        date(2024, 9, 30),
    )
    html = response.content.decode()
    assert 'type="date"' not in html  # Chromium shows a native one as mm/dd/yyyy in English
    for name, shown in (("start", "01.01.2024"), ("end", "30.09.2024")):
        box = _field(html, name)
        assert 'type="text"' in box and f'value="{shown}"' in box
        assert f'placeholder="{gettext("dd.mm.yyyy")}"' in box


def test_an_address_with_iso_dates_still_works_and_shows_them_as_day_month_year(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.get(
        STATISTICS, {"kind": "custom", "start": "2024-01-01", "end": "2024-03-31"}
    )
    assert response.status_code == 200
    assert 'value="31.03.2024"' in _field(response.content.decode(), "end")


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({"kind": "year", "year": "2024"}, {"year"}),
        ({"kind": "9months", "year": "2024"}, {"year"}),
        ({"kind": "quarter", "year": "2024", "quarter": "2"}, {"year", "quarter"}),
        ({"kind": "custom", "start": "01.01.2024", "end": "31.01.2024"}, {"start", "end"}),
    ],
)
def test_the_period_fields_shown_match_the_kind_of_period(client, coordinator, query, shown):
    client.force_login(coordinator)
    html = client.get(STATISTICS, query).content.decode()
    assert {n for n in ("year", "quarter", "start", "end") if _field(html, n)} == shown


def test_free_dates_are_not_offered_to_the_secretariat(client, secretariat):
    client.force_login(secretariat)
    html = client.get(STATISTICS, {"kind": "year", "year": "2024"}).content.decode()
    assert 'value="custom"' not in html and 'id="start"' not in html
    refused = client.get(STATISTICS, {"kind": "custom", "start": "01.01.2024", "end": "02.01.2024"})
    assert refused.status_code == 400
    assert 'id="kind-error"' in refused.content.decode()


def test_the_default_period_compares_with_a_year_that_has_reports(client, secretariat, owner):
    def case(year: int):
        when = datetime(year, 3, 3, 12, tzinfo=KYIV)
        register_case(
            owner,
            reported_at=when,
            victim=person(last_name=f"Особа{year}"),
            incident={"occurred_at": when - timedelta(hours=1), "forms": ["physical"]},
        )

    with time_machine.travel(datetime(2026, 11, 25, 12, tzinfo=KYIV), tick=False):
        case(2023)
        case(2024)
        client.force_login(secretariat)
        response = client.get(STATISTICS)
    assert response.status_code == 200
    # Not 2026 against an empty 2025: the latest 9 months whose year and the year before have
    # reports.
    assert response.context["period"].start == date(2024, 1, 1)
    assert response.context["period"].end == date(2024, 9, 30)


# --- charts -------------------------------------------------------------------------------


def test_a_chart_is_an_image_whose_text_alternative_says_every_bar_in_words():
    svg = paired_bars(
        [("Дарницький", 12, "<5"), ("Оболонський", "x", 7)],
        current_label="2024",
        previous_label="2023",
    )
    root = re.match(r"<svg [^>]*>", svg).group(0)
    assert 'role="img"' in root
    label = re.search(r'aria-label="([^"]*)"', root).group(1)
    assert re.search(r"<title>([^<]*)</title>", svg).group(1) == label
    fewer, withheld = gettext("fewer than 5"), gettext("withheld")
    assert f"Дарницький: 12 ({fewer})" in label
    assert f"Оболонський: {withheld} (7)" in label
    assert "&lt;5" not in label  # a suppressed cell is said in words, not as its marker


def test_the_scrollable_chart_boxes_can_be_reached_by_keyboard(client, secretariat):
    client.force_login(secretariat)
    html = client.get(STATISTICS, {"kind": "year", "year": "2024"}).content.decode()
    boxes = re.findall(r'<div class="overflow-auto[^"]*"[^>]*>', html)
    assert len(boxes) == 2
    for box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box and "aria-labelledby=" in box


def _legend(svg: str) -> list[tuple[float, float]]:
    """(x, y) of the legend's two colour keys, the last two 10 × 8 boxes of a chart."""
    boxes = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="10" height="8"', svg)
    return [(float(x), float(y)) for x, y in boxes[-2:]]


def test_a_phones_chart_keeps_its_bars_values_and_legend_inside_its_width():
    rows = [("Святошинський", 1378, 1469), ("Печерський", 544, "<5"), ("Дарницький", 2132, 2040)]
    labels = {"current_label": "01.01–30.09.2026", "previous_label": "01.01–30.09.2025"}
    narrow = paired_bars(rows, **labels, width=320, label_min=0)
    assert 'width="320"' in re.match(r"<svg [^>]*>", narrow).group(0)
    # The longest bar and the value written after it end inside the picture.
    ends = [
        float(x) + float(w)
        for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="9"', narrow)
    ]
    assert max(ends) <= 320 - 56
    values = [
        float(x) + 6.5 * len(text)
        for x, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+"(?: fill="#555")?>([^<]+)</text>', narrow
        )
    ]
    assert max(values) <= 320
    # Two periods do not fit side by side in 320 px: the second goes under the first.
    (first_x, first_y), (second_x, second_y) = _legend(narrow)
    assert second_y > first_y and second_x == first_x
    wide = paired_bars(rows, **labels)
    (_x, wide_first_y), (wide_second_x, wide_second_y) = _legend(wide)
    assert wide_second_y == wide_first_y and wide_second_x > _x + 14 + 6.5 * 16


def test_the_statistics_page_draws_each_chart_for_a_wide_screen_and_for_a_phone(
    client, secretariat
):
    client.force_login(secretariat)
    html = client.get(STATISTICS, {"kind": "year", "year": "2024"}).content.decode()
    assert len(re.findall(r'<div class="d-md-none chart-narrow"><svg ', html)) == 2
    assert len(re.findall(r'<div class="overflow-auto d-none d-md-block"[^>]*><svg ', html)) == 2
    # Each picture names its own hatch pattern: a pattern defined in a hidden picture would
    # leave the shown one's suppressed bars blank.
    patterns = re.findall(r'<pattern id="([^"]+)"', html)
    assert len(patterns) == 4 and len(set(patterns)) == 4


# --- sub-navigation and small links: contrast -----------------------------------------------


def test_the_active_section_is_a_dark_pill_and_the_others_dark_links(client, secretariat):
    client.force_login(secretariat)
    page = client.get(STATISTICS, {"kind": "year", "year": "2024"}).content.decode()
    html = re.search(r'<ul class="nav nav-pills.*?</ul>', page, re.S).group(0)
    # The shared .nav-link.active colours the text portal blue on a blue pill (1.86:1).
    assert "nav-link active" not in html
    assert re.search(r'class="nav-link text-bg-dark[^"]*" aria-current="page"', html)
    assert 'class="nav-link link-dark"' in html
    xlsx = re.search(r'<a class="([^"]*)" href="\?[^"]*format=xlsx', page).group(1)
    assert "btn-outline-dark" in xlsx  # outline-secondary on the page background is 4.4:1


# --- the executor's quarterly form ----------------------------------------------------------


@pytest.fixture
def measure(executor):
    programme = Programme.objects.create(code="p", title="Програма", year_from=2022, year_to=2026)
    task = ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання")
    measure = Measure.objects.create(task=task, code="1.1", title="Тренінги для поліції")
    measure.executors.add(Organisation.objects.get(code="city-centre"))
    indicator = Indicator.objects.create(measure=measure, code="1", title="Навчено", unit="осіб")
    IndicatorPlan.objects.create(indicator=indicator, year=YEAR, value=Decimal("50"))
    IndicatorPlan.objects.create(indicator=indicator, year=YEAR + 1, value=Decimal("70"))
    Funding.objects.create(measure=measure, year=YEAR, source="city_budget", amount=Decimal(100))
    Funding.objects.create(measure=measure, year=YEAR, source="other", amount=Decimal("20.5"))
    return measure


def _url(measure) -> str:
    return f"/programme/measures/{measure.pk}/progress/{YEAR}/{QUARTER}/"


def _post(measure, **extra) -> dict:
    return {
        "status": "done",
        "spent": "10",
        "narrative": "Зроблено",
        f"ind-{measure.indicators.get().pk}": "45",
        **extra,
    }


def test_a_new_report_has_no_status_until_the_executor_chooses_one(client, executor, measure):
    client.force_login(executor)
    html = client.get(_url(measure)).content.decode()
    select = re.search(r'<select[^>]*id="status".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*selected[^>]*>([^<]*)<", select) == ["—"]
    response = client.post(_url(measure), _post(measure, status=""))
    assert response.status_code == 400
    assert not Progress.objects.exists()
    error = re.search(
        r'<div class="invalid-feedback" id="status-error">([^<]*)<', response.content.decode()
    )
    assert error and error.group(1) == gettext("Choose the status of the measure.")


def test_the_plan_for_the_year_stands_beside_spending_and_each_indicator(client, executor, measure):
    client.force_login(executor)
    html = client.get(_url(measure)).content.decode()
    indicator = measure.indicators.get()
    spent = re.search(r'data-testid="plan-spent">([^<]*)<', html).group(1)
    planned = re.search(rf'data-testid="plan-ind-{indicator.pk}">([^<]*)<', html).group(1)
    assert spent.endswith("120,5")  # both sources of that year
    assert planned.endswith("50,0") and "70" not in planned  # that year's plan, not the next


def test_a_wrong_value_is_shown_at_its_field_and_the_typed_input_is_kept(client, executor, measure):
    client.force_login(executor)
    response = client.post(_url(measure), _post(measure, spent="багато", narrative="Текст"))
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<input[^>]*id="spent"[^>]*aria-invalid="true"[^>]*>', html)
    assert 'id="spent-error"' in html
    assert 'value="багато"' in html and "Текст</textarea>" in html
    assert 'href="#spent"' in html  # and the summary above links to it
    assert not Progress.objects.exists()


def test_a_status_badge_shows_the_whole_status(client, coordinator, executor, measure):
    services.progress_submit(
        actor=executor,
        measure_id=measure.pk,
        year=YEAR,
        quarter=QUARTER,
        status="in_progress",
        spent=Decimal(1),
        narrative="",
        actuals={},
    )
    client.force_login(coordinator)
    html = client.get("/programme/", {"year": YEAR}).content.decode()
    badge = re.search(r'data-testid="status-badge">([^<]*)<', html).group(1)
    assert badge == gettext("in progress")
    assert "…" not in badge
