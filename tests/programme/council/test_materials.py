"""Generated materials of an agenda item: a finished report run, the statistics of a period and
the urgent orders since 1 January — frozen when attached, published (small counts hidden),
aggregates only, attached by the secretariat and read by whoever sees the meeting."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from portal.models import AuditAction, AuditEvent
from programme.council import materials
from programme.council.models import AgendaMaterial
from programme.figures import period_for
from programme.models import ReportRun
from programme.statistics import statistics
from tests.cases.factories import register_case
from tests.orders.factories import urgent

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(meeting):
    return meeting.items.get()


@pytest.fixture
def spring_case(owner, police):
    """One case with one urgent order in March 2026: counts of one, which must never show."""
    with time_machine.travel("2026-03-10 12:00 +0200", tick=False):
        case = register_case(owner)
        urgent(police, case)
    return case


@pytest.fixture
def run(settings, tmp_path, spring_case):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    period = period_for("quarter", 2026, quarter=1)
    run = ReportRun.objects.create(
        kind="quarter",
        year=2026,
        quarter=1,
        period_start=period.start,
        period_end=period.end,
        status="done",
        figures=statistics(period, today=date(2026, 4, 1)),
    )
    run.file.save("report-q1.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return run


def test_a_finished_run_is_attached_with_its_file_and_published_figures(secretariat, item, run):
    material = materials.material_attach_run(actor=secretariat, item_id=item.pk, run_id=run.pk)
    assert material.report_run == run and material.report_file == run.file.name
    assert material.figures["orders"]["urgent"]["current"] == "<5"
    assert run.figures["orders"]["urgent"]["current"] == 1  # the run itself stays exact
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_type="programme.agendamaterial"
    ).exists()


def test_an_unfinished_run_cannot_be_attached(secretariat, item, run):
    ReportRun.objects.filter(pk=run.pk).update(status="running")
    with pytest.raises(ValidationError, match="finished report"):
        materials.material_attach_run(actor=secretariat, item_id=item.pk, run_id=run.pk)


def test_a_statistics_snapshot_stays_as_it_was_when_later_cases_arrive(
    secretariat, item, spring_case, owner
):
    material = materials.material_attach_statistics(
        actor=secretariat, item_id=item.pk, kind="quarter", year=2026, quarter=1
    )
    assert (material.period_start, material.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert material.figures["cases"]["registered"]["current"] == "<5"
    frozen = dict(material.figures)
    with time_machine.travel("2026-03-11 12:00 +0200", tick=False):
        for _n in range(6):
            register_case(owner)
    material.refresh_from_db()
    assert material.figures == frozen
    live = statistics(period_for("quarter", 2026, quarter=1))
    assert live["cases"]["registered"]["current"] == 7


def test_the_orders_comparison_is_published_and_counted_to_a_month_end(
    secretariat, item, spring_case
):
    material = materials.material_attach_orders(actor=secretariat, item_id=item.pk)
    # the meeting is on 01.10.2026: counted to 30.09.2026, as the orders page counts for the
    # roles that see aggregates only
    assert material.period_end == date(2026, 9, 30)
    assert material.figures["published"] is True
    assert material.figures["current"]["urgent"] == "<5"
    assert "30.09.2026" in material.title


def test_the_meeting_page_lists_materials_and_the_material_page_shows_frozen_figures(
    client, secretariat, coordinator, item, spring_case
):
    material = materials.material_attach_statistics(
        actor=secretariat, item_id=item.pk, kind="9months", year=2026
    )
    for user in (secretariat, coordinator):
        client.force_login(user)
        page = client.get(reverse("programme:council:meeting", args=[item.meeting_id]))
        assert material.title in page.content.decode()
        answer = client.get(reverse("programme:council:material", args=[material.pk]))
        body = answer.content.decode()
        assert answer.status_code == 200 and 'data-testid="frozen"' in body
        assert "&lt;5" in body
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.VIEW, object_type="programme.agendamaterial"
        ).count()
        == 2
    )


def test_materials_are_the_secretariats_to_attach(client, personas, item, spring_case):
    for name in ("coordinator", "executor", "owner", "police"):
        with pytest.raises(PermissionDenied):
            materials.material_attach_orders(actor=personas[name], item_id=item.pk)
        client.force_login(personas[name])
        answer = client.post(reverse("programme:council:material_orders", args=[item.pk]))
        assert answer.status_code == 404
    assert not AgendaMaterial.objects.exists()


def test_outsiders_cannot_read_a_material(client, personas, secretariat, item, spring_case):
    material = materials.material_attach_orders(actor=secretariat, item_id=item.pk)
    for name in ("executor", "owner", "police", "provider", "admin"):
        client.force_login(personas[name])
        answer = client.get(reverse("programme:council:material", args=[material.pk]))
        assert answer.status_code == 404


def test_materials_close_with_the_agenda(secretariat, held, spring_case):
    with pytest.raises(ValidationError, match="is held"):
        materials.material_attach_orders(actor=secretariat, item_id=held.items.get().pk)


def test_the_item_page_offers_the_three_materials(client, secretariat, item, run):
    client.force_login(secretariat)
    page = client.get(reverse("programme:council:item", args=[item.pk])).content.decode()
    for testid in ("material-run-form", "material-statistics-form", "material-orders-form"):
        assert testid in page
    answer = client.post(
        reverse("programme:council:material_statistics", args=[item.pk]),
        {"kind": "quarter", "year": 2026, "quarter": 1},
    )
    assert answer.status_code == 302
    answer = client.post(reverse("programme:council:material_run", args=[item.pk]), {"run": run.pk})
    assert AgendaMaterial.objects.filter(item=item).count() == 2
