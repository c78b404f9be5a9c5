"""City-wide aggregates are counted ahead of their readers: once counted, no reader waits for
them again (portal.caching.RefreshedAggregate, portal.tasks.refresh_aggregate)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.models import Case
from portal.caching import refreshed_aggregate
from portal.tasks import refresh_aggregate
from tests.cases.factories import register_case

COUNTED: list[str] = []  # who counted: "request" or "worker" (the worker runs in this process)


@refreshed_aggregate("test:cases", ttl=60)
def cases_of(district: str) -> int:
    COUNTED.append(district)
    return Case.objects.filter(district__slug=district).count()


def _age(district: str, seconds: int) -> None:
    """Make the kept figures look `seconds` old, as if counted then."""
    key = cases_of.cache_key({"district": district})
    entry = cache.get(key)
    cache.set(key, {**entry, "computed_at": entry["computed_at"] - timedelta(seconds=seconds)})


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not refresh the figures"
        time.sleep(0.05)


@pytest.fixture(autouse=True)
def _fresh_count():
    COUNTED.clear()


def test_the_first_reader_counts_and_the_next_readers_of_the_minute_read_the_same_figures(
    owner,
):
    register_case(owner)
    first = cases_of(district="darnytskyi")
    register_case(owner)
    again = cases_of(district="darnytskyi")
    assert first["value"] == again["value"] == 1
    assert again["computed_at"] == first["computed_at"]
    assert COUNTED == ["darnytskyi"]


def test_each_set_of_arguments_is_counted_and_kept_apart(owner):
    register_case(owner)
    assert cases_of(district="darnytskyi")["value"] == 1
    assert cases_of(district="obolonskyi")["value"] == 0
    assert COUNTED == ["darnytskyi", "obolonskyi"]


@pytest.mark.celery
def test_a_reader_of_old_figures_gets_them_at_once_and_the_worker_counts_them_anew(
    celery_worker, owner
):
    register_case(owner)
    cases_of(district="darnytskyi")
    register_case(owner)
    _age("darnytskyi", 61)
    COUNTED.clear()

    shown = cases_of(district="darnytskyi")
    assert shown["value"] == 1  # the kept figures, not counted in the request
    _wait_for(lambda: cases_of(district="darnytskyi")["value"] == 2)
    assert COUNTED == ["darnytskyi"]  # by the worker, once
    fresh = cases_of(district="darnytskyi")
    assert timezone.now() - fresh["computed_at"] < timedelta(seconds=20)
    # The mark that kept other readers from asking again lasts no longer than the freshness:
    # when the new figures are a minute old, the next reader asks again.
    mark = cache.make_and_validate_key(
        cases_of.cache_key({"district": "darnytskyi"}) + ":refreshing"
    )
    assert 0 < cache._cache.get_client(mark).ttl(mark) <= 60


@pytest.mark.celery
def test_many_readers_of_old_figures_ask_for_one_count(celery_worker, owner):
    register_case(owner)
    cases_of(district="darnytskyi")
    _age("darnytskyi", 61)
    COUNTED.clear()

    for _ in range(20):
        assert cases_of(district="darnytskyi")["value"] == 1
    _wait_for(lambda: COUNTED)
    time.sleep(0.5)  # a second task, had one been queued, would have run by now
    assert COUNTED == ["darnytskyi"]


def test_figures_nobody_refreshed_for_five_minutes_are_gone_and_the_reader_counts_them(owner):
    register_case(owner)
    cases_of(district="darnytskyi")
    key = cases_of.cache_key({"district": "darnytskyi"})
    stored = cache.make_and_validate_key(key)
    seconds_left = cache._cache.get_client(stored).ttl(stored)  # Redis's own TTL of the entry
    assert 240 < seconds_left <= 300  # kept five times as long as they are fresh
    cache.delete(key)
    register_case(owner)
    assert cases_of(district="darnytskyi")["value"] == 2
    assert COUNTED == ["darnytskyi", "darnytskyi"]


def test_the_refresh_task_runs_only_a_refreshed_aggregate_whatever_path_it_is_given(db):
    with pytest.raises(TypeError):
        refresh_aggregate.run("portal.tasks.heartbeat", {})
    with pytest.raises(ImportError):
        refresh_aggregate.run("os.nothing_here", {})
    refresh_aggregate.run(cases_of.path, {"district": "darnytskyi"})
    assert COUNTED == ["darnytskyi"]
    assert cases_of(district="darnytskyi")["value"] == 0
    assert COUNTED == ["darnytskyi"]  # read from what the task kept


def test_the_orders_panel_names_districts_in_each_readers_language(client, coordinator):
    """The year-on-year panel is kept per language: an English reader after a Ukrainian one
    does not get Ukrainian district names (nor the other way round)."""
    client.force_login(coordinator)
    assert "Дарницький" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Darnytskyi" in page
    assert "Дарницький" not in page
