"""Redis stopped for real (the test's own server, not the suite's): pages, search and intake keep
working because the cache fails open and sessions live in the database; a report ordered
meanwhile waits in the transactional outbox, the page says so, and it reaches the broker exactly
once when Redis is back."""

from __future__ import annotations

import time

import pytest

from cases.models import Case
from portal.models import OutboxMessage
from portal.outbox import outbox_enqueue, outbox_publish
from programme.models import ReportRun, RunStatus
from tests.cases.factories import register_case
from tests.cases.test_intake import _post as intake_post
from tests.faults.conftest import served_by

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_redis_down_pages_search_and_intake_keep_working(client, owner, fault_redis):
    case = register_case(owner)
    client.force_login(owner)
    with served_by(fault_redis):
        assert client.get("/").status_code == 200  # the cache works while Redis is up
        fault_redis.stop()
        for path in ["/", "/cases/", f"/cases/?q={case.number}", f"/cases/{case.pk}/"]:
            response = client.get(path)
            assert response.status_code == 200, path
        response = client.post("/cases/new/", intake_post(**{"offender-unknown": "on"}))
        assert response.status_code == 302
        assert Case.objects.count() == 2


def test_a_report_ordered_with_redis_down_waits_in_the_outbox_and_is_sent_once_when_it_is_back(
    client, secretariat, fault_redis
):
    client.force_login(secretariat)
    with served_by(fault_redis):
        fault_redis.stop()
        started = time.monotonic()
        response = client.post("/programme/reports/", {"kind": "9months", "year": "2024"})
        answered_in = time.monotonic() - started
        assert response.status_code == 302
        assert answered_in < 3, f"the order waited {answered_in:.1f} s for the broker"
        run = ReportRun.objects.get()
        assert run.status == RunStatus.QUEUED
        [message] = OutboxMessage.objects.all()
        assert message.sent_at is None and message.attempts == 1
        assert message.kwargs == {"run_id": run.pk}
        page = client.get(f"/programme/reports/{run.pk}/").content.decode()
        assert "Черга завдань зараз недоступна" in page

        assert outbox_publish() == 0  # the relay while Redis is still down: nothing lost
        fault_redis.start()
        assert outbox_publish() == 1
        assert outbox_publish() == 0  # a second relay sends nothing twice
        assert fault_redis.queue_length("reports") == 1
        message.refresh_from_db()
        assert message.sent_at is not None
        page = client.get(f"/programme/reports/{run.pk}/").content.decode()
        assert "Черга завдань зараз недоступна" not in page


def test_a_message_of_a_rolled_back_change_is_never_sent(fault_redis):
    from django.db import transaction

    with served_by(fault_redis):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox_enqueue(task="portal.tasks.heartbeat")
            raise RuntimeError("the change is refused")
        assert not OutboxMessage.objects.exists()
        assert fault_redis.queue_length("default") == 0


def test_with_redis_up_a_message_is_sent_when_the_change_commits(fault_redis):
    with served_by(fault_redis):
        outbox_enqueue(task="portal.tasks.heartbeat")  # autocommit: committed at once
        assert fault_redis.queue_length("default") == 1
        assert OutboxMessage.objects.get().sent_at is not None
