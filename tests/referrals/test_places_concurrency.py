"""Two staff of one shelter accept two referrals at the same moment, and only one of them fits
in the free places: the count's row is locked, so the second waits for the first to commit,
then sees the places taken and is refused. Real transactions on real PostgreSQL, two threads
with their own connections; the count never goes below zero."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from referrals import services
from referrals.models import ProviderProfile, Referral, ReferralStatus
from tests.referrals.conftest import send_shelter_referral
from tests.referrals.factories import catalogue_for_darnytskyi, staff

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 20  # seconds: a bound for a broken test, never reached when the locking works


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_two_accepts_for_the_last_places_at_once_take_them_only_once(
    owner, provider, organisations
):
    catalogue_for_darnytskyi(organisations)
    shelter = organisations["shelter"]
    # Each is a mother with one child (two places); three are free: only one stay fits.
    first = send_shelter_referral(owner, organisations, accompanying_children=1)
    second = send_shelter_referral(owner, organisations, accompanying_children=1)
    colleague = staff(shelter, "shelter-colleague")
    ProviderProfile.objects.filter(organisation=shelter).update(capacity_free=3)

    first_holds_the_lock, first_may_commit = threading.Event(), threading.Event()
    second_pid: list[int] = []
    outcome: dict[str, object] = {}

    def accept_first() -> None:
        try:
            with transaction.atomic():
                services.referral_accept(actor=provider, referral_id=first.pk)
                first_holds_the_lock.set()
                first_may_commit.wait(WAIT)
            outcome["first"] = "accepted"
        except ValidationError as error:
            outcome["first"] = error
        finally:
            connections.close_all()

    def accept_second() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            services.referral_accept(actor=colleague, referral_id=second.pk)
            outcome["second"] = "accepted"
        except ValidationError as error:
            outcome["second"] = error
        finally:
            connections.close_all()

    one = threading.Thread(target=accept_first)
    one.start()
    assert first_holds_the_lock.wait(WAIT)
    two = threading.Thread(target=accept_second)
    two.start()
    # The second acceptance is inside its transaction and blocked on the count's row lock.
    blocked = threading.Event()
    for _attempt in range(WAIT * 100):
        if second_pid and _waiting_on_a_lock(second_pid[0]):
            blocked.set()
            break
        blocked.wait(0.01)
    first_may_commit.set()
    one.join(WAIT)
    two.join(WAIT)

    assert blocked.is_set(), "the second acceptance never waited for the first one's lock"
    assert outcome["first"] == "accepted"
    assert isinstance(outcome["second"], ValidationError)
    assert "вільних: 1" in outcome["second"].message_dict["places"][0]
    assert ProviderProfile.objects.get(organisation=shelter).capacity_free == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.bed_taken, first.places) == (ReferralStatus.ACCEPTED, True, 2)
    assert (second.status, second.bed_taken, second.places) == (ReferralStatus.SENT, False, 0)


def test_the_database_refuses_a_count_below_zero_or_a_hold_of_no_place(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    referral = send_shelter_referral(owner, organisations)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProviderProfile.objects.filter(organisation=organisations["shelter"]).update(
            capacity_free=-1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(bed_taken=True, places=0)
