"""The cases app's dashboard panels (cases/panels.py): the coordinator's city-wide counts, kept
and refreshed ahead of their readers, and who gets them."""

from __future__ import annotations

from django.core.cache import cache

from cases.models import Case, CaseStatus
from cases.panels import city_case_counts
from tests.cases.factories import register_case

PANEL = "Випадки в місті"


def _panel(client) -> str:
    page = client.get("/").content.decode()
    assert PANEL in page
    return page.split(PANEL)[1].split('class="card-header')[0]


def _row(panel: str, label: str) -> str:
    return panel.split(f"<td>{label}</td>")[1].split("</td>")[0]


def test_the_coordinator_reads_the_citys_cases_by_status_and_the_open_high_risk_ones(
    client, owner, coordinator
):
    high = register_case(owner, risk_answers={"threats_to_kill": True})
    register_case(owner, risk_answers={"threats_to_kill": True})
    register_case(owner)
    Case.objects.filter(pk=high.pk).update(
        status=CaseStatus.CLOSED, close_reason_code="goals_reached"
    )
    client.force_login(coordinator)
    panel = _panel(client)
    assert _row(panel, "Новий") == '<td class="text-end">2'
    assert _row(panel, "Закрито") == '<td class="text-end">1'
    # A closed high-risk case is not an open one.
    assert "Відкриті випадки з високим ризиком: <strong>1</strong>" in panel
    assert "Підраховано о" in panel


def test_a_case_registered_after_the_count_appears_once_the_figures_are_counted_anew(
    client, owner, coordinator
):
    register_case(owner)
    client.force_login(coordinator)
    assert _row(_panel(client), "Новий") == '<td class="text-end">1'
    register_case(owner)
    # Within the minute the kept figures are shown, as the panel says.
    assert _row(_panel(client), "Новий") == '<td class="text-end">1'
    city_case_counts.refresh()  # what the worker does once the figures are a minute old
    assert _row(_panel(client), "Новий") == '<td class="text-end">2'


def test_the_city_wide_counts_are_kept_without_a_single_name_or_id(owner, coordinator):
    register_case(owner)
    entry = city_case_counts()
    kept = cache.get(city_case_counts.cache_key({}))
    assert kept == entry
    assert set(kept["value"]) == {"counts", "high_open"}
    assert all(isinstance(n, int) for n in kept["value"]["counts"].values())


def test_roles_that_do_not_see_the_whole_city_get_no_city_wide_counts(client, personas):
    for name in ["owner", "head", "police", "provider", "secretariat", "executor"]:
        client.force_login(personas[name])
        assert PANEL not in client.get("/").content.decode(), name
