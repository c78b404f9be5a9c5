"""Statistics and reports read from a real PostgreSQL streaming replica (made with
`pg_basebackup -R` from the test server), and from the primary when the replica lags more than
PORTAL_REPLICA_MAX_LAG_SECONDS. The command runs in its own process with DATABASE_REPLICA_URL,
as a deployment would; the replica's statement log shows who answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.conf import settings

from portal.calendar import KYIV
from tests.cases.factories import intake
from tests.faults.conftest import ROOT, database_url_for_processes, wait_for
from tests.faults.pgcluster import Cluster, require_embedded_superuser

pytestmark = pytest.mark.django_db(transaction=True)


def _register_in_2024(owner, day: int):
    from cases import services

    reported = datetime(2024, 5, day, 12, tzinfo=KYIV)
    data = intake(
        reported_at=reported,
        incident={"occurred_at": reported - timedelta(hours=2), "forms": ["physical"]},
    )
    return services.case_register(actor=owner, data=data)


def _report_json(*, replica: Cluster | None, max_lag: int) -> tuple[dict, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url_for_processes(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PORTAL_REPLICA_MAX_LAG_SECONDS": str(max_lag),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    if replica is not None:
        env["DATABASE_REPLICA_URL"] = replica.url()
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "programme_report",
            "--year",
            "2024",
            "--months",
            "9",
            "--format",
            "json",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout), done.stderr


def _reports(figures: dict) -> int:
    return figures["cases"]["registered"]["current"]


@pytest.fixture
def replica():
    require_embedded_superuser()
    cluster = Cluster(standby=True, extra=["-c", "log_statement=all", "-c", "hot_standby=on"])
    cluster.start()
    yield cluster
    cluster.remove()


def _caught_up(primary_lsn: str, replica: Cluster) -> bool:
    [(replayed,)] = replica.execute("SELECT pg_last_wal_replay_lsn()::text")
    [(behind,)] = replica.execute(
        "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [primary_lsn]
    )
    return replayed is not None and behind <= 0


def _primary_lsn() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def test_reports_read_from_a_fresh_replica_and_from_the_primary_when_it_lags(
    owner, programme, replica
):
    for day in (3, 4, 5, 6, 7, 8):  # six reports in May 2024: above the small-count rule
        _register_in_2024(owner, day)
    lsn = _primary_lsn()
    wait_for(lambda: _caught_up(lsn, replica), timeout=60, what="the replica to catch up")

    without_replica, _ = _report_json(replica=None, max_lag=30)
    # That report brought the statistics rollups up to date on the primary; the replica
    # serves them once it has replayed that.
    lsn = _primary_lsn()
    wait_for(lambda: _caught_up(lsn, replica), timeout=60, what="the replica to catch up")
    from_replica, log = _report_json(replica=replica, max_lag=30)
    assert from_replica == without_replica  # figure for figure
    assert _reports(from_replica) == 6
    # The replica answered the statistics: the rollups and the referrals' medians.
    assert "programme_daycount" in replica.log.read_text()
    assert "referrals_referral" in replica.log.read_text()
    assert "read from the primary" not in log

    replica.execute("SELECT pg_wal_replay_pause()")
    _register_in_2024(owner, 9)
    lsn_after = _primary_lsn()
    wait_for(
        lambda: replica.execute(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_receive_lsn()) <= 0", [lsn_after]
        )[0][0],
        timeout=60,
        what="the replica to receive (not replay) the new report",
    )

    stale, _ = _report_json(replica=replica, max_lag=3600)
    assert _reports(stale) == 6  # the lagging replica still answers when lag is tolerated
    fresh, log = _report_json(replica=replica, max_lag=0)
    assert _reports(fresh) == 7  # beyond the tolerated lag: the primary answered
    assert "reports read from the primary" in log


def test_without_a_replica_url_everything_reads_from_the_primary():
    from django.db import DEFAULT_DB_ALIAS

    from portal.dbrouting import ReplicaRouter, reporting_alias, reporting_reads

    assert reporting_alias() == DEFAULT_DB_ALIAS
    with reporting_reads() as alias:
        assert alias == DEFAULT_DB_ALIAS
    assert ReplicaRouter().db_for_read(None) is None  # outside: Django's default


def test_the_report_is_read_where_reports_read():
    """The statistics page and the PDF gather their figures through `for_reporting`: from the
    replica when there is one."""
    from portal.dbrouting import for_reporting
    from programme.report import report_context

    assert report_context.__code__ is for_reporting(lambda: None).__code__
