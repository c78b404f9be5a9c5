"""Issue 11's arithmetic, each rule on figures counted by hand: shares and changes from the
unrounded values, no base is "—", people not referrals, nights inside the period, the court's
decision date, the age at the order's start, unknown ages and initiators kept in their rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO

import time_machine
from django.utils import translation
from openpyxl import load_workbook

from cases.models import Channel, Person
from cases.services import PersonData
from orders import services as order_services
from portal.calendar import KYIV
from programme.figures import period_for
from programme.report import render_html
from programme.statistics import statistics
from referrals import services as referral_services
from tests.cases.factories import person, register_case
from tests.orders.factories import share_case_with
from tests.referrals.factories import catalogue_for_darnytskyi, staff

NINE_MONTHS_2024 = period_for("months", 2024, months=9)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=KYIV)


def _case(owner, when, victim=None, **extra):
    return register_case(
        owner,
        reported_at=when,
        victim=victim or person(last_name=f"Особа{when:%y%j%H}"),
        incident={"occurred_at": when - timedelta(hours=1), "forms": ["physical"]},
        **extra,
    )


def _again(case) -> PersonData:
    """The victim of `case` reporting once more."""
    victim = case.participants.get(role="victim").person_id
    return PersonData(last_name="", first_name="", sex="F", existing_person_id=victim)


def test_the_change_of_the_repeat_victim_share_comes_from_the_unrounded_shares(owner):
    # 2023: seven victims, one of them seen in 2022 (1/7 = 14.2857 %). 2024: three victims,
    # two of them seen in 2023 (2/3 = 66.6667 %). From the rounded shares the change would be
    # (66.7 - 14.3) / 14.3 = +366.4 %; from the exact ones it is +366.7 %.
    first = _case(owner, at(2022, 5, 5, 12))
    earlier = [_case(owner, at(2023, 2, 1 + i, 12)) for i in range(6)]
    _case(owner, at(2023, 3, 1, 12), victim=_again(first))
    _case(owner, at(2024, 2, 1, 12), victim=_again(earlier[0]))
    _case(owner, at(2024, 2, 2, 12), victim=_again(earlier[1]))
    _case(owner, at(2024, 2, 3, 12))
    share = statistics(NINE_MONTHS_2024)["cases"]["repeat_victims_pct"]
    assert share == {"current": 66.7, "previous": 14.3, "diff": 52.4, "pct": 366.7}


def test_a_share_and_a_change_without_a_base_are_none_and_a_dash_never_zero(
    owner, client, coordinator
):
    # Nothing in 2023: the share of repeat victims and every change have no base.
    for i in range(6):
        _case(owner, at(2024, 3, 1 + i, 12), channel="police")
    figures = statistics(NINE_MONTHS_2024)
    assert figures["cases"]["repeat_victims_pct"]["previous"] is None
    assert figures["cases"]["repeat_victims_pct"]["pct"] is None
    assert figures["cases"]["registered"]["pct"] is None
    with translation.override("uk"):
        html = render_html(NINE_MONTHS_2024)
    assert "Повторно постраждалі: 0,0 % (—)" in html
    assert "0,0\u00a0%" not in html.split("Повторно постраждалі")[0]  # no change shows 0 %
    client.force_login(coordinator)
    xlsx = client.get(
        "/programme/statistics/", {"kind": "9months", "year": "2024", "format": "xlsx"}
    )
    rows = list(load_workbook(BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    with translation.override("uk"):
        label = str(Channel.POLICE.label)
    police = next(r for r in rows if r[0] == label)
    assert police[1:4] == (6, 0, "—")


def test_shares_and_changes_are_rounded_half_up():
    from programme.figures import change, percent

    assert percent(273, 400) == 68.3  # 68.25: half-up, not to the even 68.2
    assert change(673, 400)["pct"] == 68.3
    from portal.numbers import format_share

    assert format_share(percent(273, 400)) == "68,3\u00a0%"  # a share carries no sign


def _urgent(police, case, *, when, initiated_by="police", number="ТЗП-1"):
    share_case_with(police, case)
    return order_services.order_issue_urgent(
        actor=police,
        number=number,
        issued_at=when,
        ends_at=when + timedelta(days=5),
        measures=["no_contact"],
        initiated_by=initiated_by,
        case_number=case.number,
    )


def test_an_urgent_order_without_a_recorded_initiator_is_not_recorded_not_on_application(
    owner, police
):
    _urgent(police, _case(owner, at(2024, 4, 1, 12)), when=at(2024, 4, 1, 14), initiated_by="")
    orders = statistics(NINE_MONTHS_2024)["orders"]
    assert orders["urgent"]["current"] == 1
    assert orders["urgent_on_application"]["current"] == 0
    assert orders["urgent_initiator_not_recorded"]["current"] == 1


def test_an_offender_under_18_on_the_day_the_order_starts_is_a_minor_whatever_the_flag(
    owner, police
):
    order = _urgent(police, _case(owner, at(2024, 4, 1, 12)), when=at(2024, 4, 1, 14))
    assert not order.offender_minor
    # The offender's date of birth is corrected afterwards: 17 on the day the order started.
    Person.objects.filter(pk=order.offender_id).update(birth_date=date(2006, 4, 2))
    assert statistics(NINE_MONTHS_2024)["orders"]["urgent_minor_offenders"]["current"] == 1


def test_restrictive_orders_are_dated_by_the_courts_decision(owner):
    case = _case(owner, at(2024, 9, 1, 12))
    # Decided on 27.09, in force from 2.10: an order of the nine months, not of October.
    order_services.order_record_restrictive(
        actor=owner,
        case_id=case.pk,
        number="2/754/1",
        court="Дарницький районний суд м. Києва",
        decision_date=date(2024, 9, 27),
        applicant="victim",
        start=date(2024, 10, 2),
        end=date(2025, 1, 2),
        measures=["no_correspondence"],
    )
    orders = statistics(NINE_MONTHS_2024)["orders"]
    assert orders["restrictive"]["current"] == 1
    assert (
        statistics(period_for("quarter", 2024, quarter=4))["orders"]["restrictive"]["current"] == 0
    )


def test_a_victim_without_any_age_is_counted_as_age_unknown(owner):
    _case(owner, at(2024, 4, 1, 12), victim=person(last_name="Безвікова", birth_date=None))
    _case(
        owner,
        at(2024, 4, 2, 12),
        victim=person(last_name="Немовля", birth_date=date(2024, 4, 1)),
        children_service_notified=True,
    )
    ages = statistics(NINE_MONTHS_2024)["cases"]["victim_age"]
    assert ages["unknown"]["current"] == 1
    assert ages["0-17"]["current"] == 1  # an infant of one day is 0, not unknown


def _stay(owner, shelter_staff: dict, victim, *, start: datetime, end: datetime | None, **extra):
    """A shelter stay through the real services, at the moments it happened; `shelter_staff`
    keeps one staff member per shelter the plan chose."""
    with time_machine.travel(start, tick=False):
        case = register_case(
            owner, victim=victim, needs=["shelter"], consent_to_share=True, **extra
        )
        record = referral_services.referral_plan_for_case(actor=owner, case_id=case.pk)
        referrals = referral_services.referral_apply_plan(actor=owner, plan_id=record.pk)
        shelter = next(r for r in referrals if r.service == "shelter")
        code = shelter.provider.code
        if code not in shelter_staff:
            shelter_staff[code] = staff(shelter.provider, f"staff-{code}")
        referral_services.referral_accept(actor=shelter_staff[code], referral_id=shelter.pk)
        referral_services.referral_start(actor=shelter_staff[code], referral_id=shelter.pk)
    if end is not None:
        with time_machine.travel(end, tick=False):
            referral_services.referral_complete(
                actor=shelter_staff[code], referral_id=shelter.pk, outcome="Виїхала"
            )
    return case


def test_placements_count_people_and_bed_days_count_every_night_inside_the_period(
    owner, organisations
):
    catalogue_for_darnytskyi(organisations)
    shelter_staff = {}
    # One woman, three stays: from 20.12.2023 to 5.01.2024 (four nights in 2024), 1–3 March
    # (two nights), 10–11 June (one night). One person, seven nights.
    first = _stay(
        owner, shelter_staff, person(), start=at(2023, 12, 20, 10), end=at(2024, 1, 5, 10)
    )
    stays = [(at(2024, 3, 1, 10), at(2024, 3, 3, 10)), (at(2024, 6, 10, 10), at(2024, 6, 11, 9))]
    for start, end in stays:
        _stay(owner, shelter_staff, _again(first), start=start, end=end)
    referrals = statistics(NINE_MONTHS_2024)["referrals"]
    assert referrals["shelter_placements"]["current"] == 1
    assert referrals["shelter_bed_days"]["current"] == 7
    assert referrals["shelter_persons"]["current"] == 1
    assert referrals["crisis_room_persons"]["current"] == 0
    # A year earlier: the stay that began on 20.12.2023 is outside 1.01–30.09.2023.
    assert referrals["shelter_bed_days"]["previous"] == 0


def test_people_served_are_split_into_women_men_and_children(owner, organisations):
    catalogue_for_darnytskyi(organisations)
    shelter_staff = {}
    _stay(owner, shelter_staff, person(last_name="Жінка"), start=at(2024, 2, 1, 10), end=None)
    _stay(
        owner,
        shelter_staff,
        person(last_name="Чоловік", sex="M", birth_date=date(1980, 1, 1)),
        start=at(2024, 2, 2, 10),
        end=None,
    )
    _stay(
        owner,
        shelter_staff,
        person(last_name="Дівчина", birth_date=date(2008, 2, 3)),  # 15 on the day it was sent
        start=at(2024, 2, 3, 10),
        end=None,
        children_service_notified=True,
    )
    referrals = statistics(NINE_MONTHS_2024, today=date(2024, 10, 1))["referrals"]
    assert referrals["service_women"]["shelter"]["current"] == 1
    assert referrals["service_men"]["shelter"]["current"] == 1
    assert referrals["service_children"]["shelter"]["current"] == 1
    assert referrals["shelter_persons"]["current"] == 3
