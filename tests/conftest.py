"""Shared fixtures: the personas every test reuses, and a real Celery worker on real Redis.

Personas (as in healthchecks' alice/bob/charlie):
  owner       social worker of the Darnytskyi centre of social services (owns cases)
  colleague   another social worker of the same centre
  head        head of the same centre (approves closures, reassigns workers)
  outsider    social worker of the Obolonskyi centre
  provider    staff of a shelter
  police      officer of the Darnytskyi police unit
  coordinator city coordinator (sees every case read-only)
  secretariat council secretariat (aggregates only)
  executor    programme executor
  admin       administrator
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from portal.models import OrganisationKind
from portal.roles import Role
from tests.factories import OrganisationFactory, member


@pytest.fixture(autouse=True, scope="session")
def _flush_may_empty_the_audit_log():
    """Transactional tests empty every table with one TRUNCATE; the audit log refuses TRUNCATE
    unless the owner first says so in the same transaction (portal/migrations/0003)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    from portal.dbroles import ALLOW_AUDIT_TRUNCATE_SQL

    sql_flush = DatabaseOperations.sql_flush

    def sql_flush_allowing_the_audit_log(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        return [ALLOW_AUDIT_TRUNCATE_SQL, *statements] if statements else statements

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush_allowing_the_audit_log)
        yield


@pytest.fixture(autouse=True, scope="session")
def _settings_of_the_test_environment(tmp_path_factory):
    """What scripts/test.sh exports, pinned for every run whatever the shell holds
    (tests/settings.py fills in what portal/settings.py reads at import time): no role needs
    two-factor sign-in
    unless a test says so, plain-HTTP cookies and no HTTPS redirect for the test client, demo
    seeding allowed, and private files in a folder of this run."""
    from django.test.utils import override_settings

    private = tmp_path_factory.mktemp("private")
    with override_settings(
        PORTAL_TWO_FACTOR_ROLES=[],
        SECURE_COOKIES=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
        SECURE_SSL_REDIRECT=False,
        SECURE_PROXY_SSL_HEADER=None,
        SECURE_HSTS_SECONDS=0,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=False,
        PORTAL_DEMO_ALLOWED=True,
        PORTAL_PRIVATE_ROOT=private,
        MEDIA_ROOT=private,
    ):
        yield


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


def ensure_reference_data() -> None:
    """Transactional tests flush every table, including rows that data migrations loaded
    (districts, sub-types of violence); put them back so each test starts from the same world."""
    import importlib

    from django.apps import apps as django_apps

    from portal.models import District

    if District.objects.exists():
        return
    for module, function in [
        ("portal.migrations.0002_extensions_audit_trigger_districts", "load_districts"),
        ("cases.migrations.0002_violence_subtypes", "load"),
        ("referrals.migrations.0002_policy_v1_and_holidays", "load"),
        ("referrals.migrations.0006_holidays_2026_2027_and_martial_law", "load"),
        ("referrals.migrations.0008_policy_descriptions_in_ukrainian", "forwards"),
    ]:
        getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture
def organisations(db):
    ensure_reference_data()
    return {
        "css_darnytskyi": OrganisationFactory(
            code="css-darnytskyi",
            name="ЦСС Дарницького району",
            kind=OrganisationKind.SOCIAL_SERVICES_CENTRE,
            district_slugs=["darnytskyi"],
        ),
        "css_obolonskyi": OrganisationFactory(
            code="css-obolonskyi",
            name="ЦСС Оболонського району",
            kind=OrganisationKind.SOCIAL_SERVICES_CENTRE,
            district_slugs=["obolonskyi"],
        ),
        "shelter": OrganisationFactory(
            code="shelter-1",
            name="Притулок № 1",
            kind=OrganisationKind.SHELTER,
            district_slugs=["darnytskyi"],
        ),
        "police_darnytskyi": OrganisationFactory(
            code="police-darnytskyi",
            name="Дарницьке УП",
            kind=OrganisationKind.POLICE_UNIT,
            district_slugs=["darnytskyi"],
        ),
        "city_centre": OrganisationFactory(
            code="city-centre", name="Міський центр", kind=OrganisationKind.CITY_CENTRE
        ),
        "department": OrganisationFactory(
            code="department", name="Департамент", kind=OrganisationKind.DEPARTMENT
        ),
    }


@pytest.fixture
def owner(organisations):
    return member(Role.SOCIAL_WORKER, organisations["css_darnytskyi"], "owner")


@pytest.fixture
def colleague(organisations):
    return member(Role.SOCIAL_WORKER, organisations["css_darnytskyi"], "colleague")


@pytest.fixture
def head(organisations):
    return member(Role.HEAD, organisations["css_darnytskyi"], "head")


@pytest.fixture
def outsider(organisations):
    return member(Role.SOCIAL_WORKER, organisations["css_obolonskyi"], "outsider")


@pytest.fixture
def provider(organisations):
    return member(Role.PROVIDER_STAFF, organisations["shelter"], "provider")


@pytest.fixture
def police(organisations):
    return member(Role.POLICE_OFFICER, organisations["police_darnytskyi"], "police")


@pytest.fixture
def coordinator(organisations):
    return member(Role.COORDINATOR, organisations["city_centre"], "coordinator")


@pytest.fixture
def secretariat(organisations):
    return member(Role.SECRETARIAT, organisations["department"], "secretariat")


@pytest.fixture
def executor(organisations):
    return member(Role.EXECUTOR, organisations["city_centre"], "executor")


def _administrator(organisations, username: str):
    user = member(Role.ADMINISTRATOR, organisations["department"], username)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


@pytest.fixture
def admin_user(organisations):
    return _administrator(organisations, "admin")


@pytest.fixture
def second_admin(organisations):
    """Another administrator: what one gives, the other confirms; what one opens, the other
    may have changed."""
    return _administrator(organisations, "admin2")


@pytest.fixture
def personas(
    owner,
    colleague,
    head,
    outsider,
    provider,
    police,
    coordinator,
    secretariat,
    executor,
    admin_user,
):
    return {
        "owner": owner,
        "colleague": colleague,
        "head": head,
        "outsider": outsider,
        "provider": provider,
        "police": police,
        "coordinator": coordinator,
        "secretariat": secretariat,
        "executor": executor,
        "admin": admin_user,
    }


@pytest.fixture(scope="session")
def celery_worker_session():
    """A real Celery worker (solo pool, in a thread) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from portal.celery import app

    app.conf.task_always_eager = False
    with start_worker(
        app,
        queues=settings.PORTAL_CELERY_QUEUES,
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        shutdown_timeout=30,
        loglevel="WARNING",
    ) as worker:
        yield worker


@pytest.fixture
def celery_worker(celery_worker_session, transactional_db):
    """Use in tests whose tasks read rows: the worker's own connection sees only committed data,
    hence `transactional_db`."""
    import time

    from celery.worker import state

    from portal.celery import app

    app.control.purge()
    yield celery_worker_session
    # A task the test left running (a second report it ordered, a notice) would still write
    # while the test's tables are emptied, and the flush deadlocks with it: wait until the
    # worker, which runs in this process, has nothing in hand, then drop what is queued.
    deadline = time.monotonic() + 60
    while (state.active_requests or state.reserved_requests) and time.monotonic() < deadline:
        time.sleep(0.05)
    app.control.purge()
