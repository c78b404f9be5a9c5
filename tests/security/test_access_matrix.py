"""The access matrix, generated from the URL conf: every URL that names an object, requested by
every persona who may not see that object, answers exactly as it does for an id that does not
exist, shows nothing of the object, and leaves a denied event in the audit.

The objects belong to another district's centre (Obolonskyi) and its police; a confidential
case of that centre is tried by a colleague who is not its responsible worker. A new URL whose
path carries an object id must be added to OBJECT_URLS below, or `test_every_object_url_is_
in_the_matrix` fails: protection is generated, not remembered.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cases import services as case_services
from cases.lifecycle import services as lifecycle
from cases.lifecycle import transfers
from cases.merge import services as merge_services
from cases.team import services as team_services
from orders import services as order_services
from portal.models import AuditAction, AuditEvent, District, Notification, OrganisationKind
from portal.roles import Role
from programme.council.models import (
    AgendaItem,
    AgendaMaterial,
    Assignment,
    Decision,
    Meeting,
    Memorandum,
)
from programme.models import Indicator, Measure, Programme, ProgrammeTask, Progress, ReportRun
from referrals import services as referral_services
from referrals.models import InteractionProcedure, Referral
from tests.cases.factories import person, register_case
from tests.cases.plans.factories import case_plan, safety_plan
from tests.cases.test_views import PNG
from tests.factories import OrganisationFactory, member
from tests.orders.factories import urgent
from tests.referrals.factories import catalogue_for_darnytskyi

SECRET_SURNAME = "Недоторканна"
MISSING = 987654321

# URL name → {path argument: object of the world}. Arguments that are not object ids (a year,
# a quarter) are given as plain values; a plain text value is written "=text".
OBJECT_URLS: dict[str, dict[str, str | int]] = {
    "cases:detail": {"pk": "case"},
    "cases:edit": {"pk": "case"},
    "cases:print": {"pk": "case"},
    "cases:section": {"pk": "case", "key": "=orders"},
    "cases:victim_name": {"pk": "case"},
    "cases:merge_candidates": {"pk": "offender"},
    "cases:merge_compare": {"pk": "offender", "other_pk": "duplicate"},
    "cases:merge": {"pk": "merge"},
    "cases:merge_undo": {"pk": "merge"},
    "cases:person_cases": {"person_pk": "offender"},
    "cases:person": {"pk": "case", "person_pk": "offender"},
    "cases:participant_add": {"pk": "case"},
    "cases:status": {"pk": "case"},
    "cases:consent": {"pk": "case"},
    "cases:note_add": {"pk": "case"},
    "cases:task_add": {"pk": "case"},
    "cases:task_done": {"pk": "case", "task_pk": "task"},
    "cases:incident_add": {"pk": "case"},
    "cases:risk_add": {"pk": "case"},
    "cases:needs_add": {"pk": "case"},
    "cases:attachment_add": {"pk": "case"},
    "cases:attachment_download": {"pk": "case", "attachment_pk": "attachment"},
    "cases:grant_access": {"pk": "case"},
    "cases:revoke_access": {"pk": "case", "user_pk": "grantee"},
    "cases:safety_plan": {"pk": "case"},
    "cases:safety_plan_print": {"pk": "case"},
    "cases:case_plan": {"pk": "case"},
    "cases:goal_new": {"pk": "case"},
    "cases:goal_edit": {"pk": "case", "goal_pk": "goal"},
    "cases:action_status": {"pk": "case", "action_pk": "plan_action"},
    "cases:case_plan_submit": {"pk": "case"},
    "cases:case_plan_approve": {"pk": "case"},
    "cases:case_plan_return": {"pk": "case"},
    "cases:closure_request": {"pk": "case"},
    "cases:closure_approve": {"pk": "case", "request_pk": "closure"},
    "cases:closure_return": {"pk": "case", "request_pk": "closure"},
    "cases:reopen": {"pk": "case"},
    "cases:reassign": {"pk": "case"},
    "cases:transfer_request": {"pk": "case"},
    "cases:transfer": {"pk": "transfer"},
    "cases:team_convene": {"pk": "case"},
    "cases:team": {"pk": "team"},
    "cases:team_member_add": {"pk": "team"},
    "cases:team_member_remove": {"pk": "team", "member_pk": "team_member"},
    "cases:team_extend": {"pk": "team"},
    "cases:team_close": {"pk": "team"},
    "cases:conference_new": {"pk": "team"},
    "cases:conference": {"pk": "conference"},
    "cases:conference_print": {"pk": "conference"},
    "cases:transfer_accept": {"pk": "transfer"},
    "cases:transfer_decline": {"pk": "transfer"},
    "cases:transfer_withdraw": {"pk": "transfer"},
    "orders:restrictive_new": {"case_pk": "case"},
    "orders:offender": {"person_pk": "offender"},
    "orders:detail": {"pk": "order"},
    "orders:extend": {"pk": "order"},
    "orders:breach": {"pk": "order"},
    "orders:cancel": {"pk": "order"},
    "orders:appeal": {"pk": "order"},
    "orders:appeal_decision": {"pk": "order"},
    "orders:preventive_new": {"case_pk": "case"},
    "orders:programme_new": {"case_pk": "case"},
    "orders:preventive": {"pk": "preventive"},
    "orders:programme": {"pk": "programme"},
    "referrals:case": {"case_pk": "case"},
    "referrals:case_plan": {"case_pk": "case"},
    "referrals:case_apply": {"case_pk": "case", "plan_pk": "plan"},
    "referrals:detail": {"pk": "referral"},
    "referrals:letter": {"pk": "referral"},
    "referrals:procedure_step": {"pk": "procedure", "step": "=approve"},
    "referrals:accept": {"pk": "referral"},
    "referrals:decline": {"pk": "referral"},
    "referrals:start": {"pk": "referral"},
    "referrals:complete": {"pk": "referral"},
    "referrals:cancel": {"pk": "referral"},
    "referrals:assign": {"pk": "referral"},
    "programme:measure": {"pk": "measure"},
    "programme:progress": {"measure_pk": "measure", "year": 2024, "quarter": 1},
    "programme:progress_reopen": {"pk": "progress"},
    "programme:report": {"pk": "run"},
    "programme:report_download": {"pk": "run"},
    "council:meeting": {"pk": "meeting"},
    "council:meeting_advance": {"pk": "meeting"},
    "council:item_add": {"pk": "meeting"},
    "council:attendance": {"pk": "meeting"},
    "council:minutes": {"pk": "meeting"},
    "council:meeting_confirm": {"pk": "meeting"},
    "council:material_run": {"pk": "item"},
    "council:material_statistics": {"pk": "item"},
    "council:material_orders": {"pk": "item"},
    "council:material": {"pk": "material"},
    "council:memorandum": {"pk": "memorandum"},
    "council:memorandum_report": {"pk": "memorandum"},
    "council:memorandum_terminate": {"pk": "memorandum"},
    "council:item": {"pk": "item"},
    "council:item_record": {"pk": "item"},
    "council:decision_add": {"pk": "item"},
    "council:assignment_new": {"pk": "decision"},
    "council:assignment": {"pk": "assignment"},
    "council:assignment_start": {"pk": "assignment"},
    "council:assignment_report": {"pk": "assignment"},
    "council:assignment_accept": {"pk": "assignment"},
    "council:assignment_return": {"pk": "assignment"},
    "council:assignment_extend": {"pk": "assignment"},
    "structure:editor": {"pk": "programme_plan"},
    "structure:structure_on": {"pk": "programme_plan"},
    "structure:header_edit": {"pk": "programme_plan"},
    "structure:windows": {"pk": "programme_plan"},
    "structure:task_new": {"pk": "programme_plan"},
    "structure:task_edit": {"pk": "programme_task"},
    "structure:task_delete": {"pk": "programme_task"},
    "structure:measure_new": {"pk": "programme_task"},
    "structure:measure_edit": {"pk": "measure"},
    "structure:measure_delete": {"pk": "measure"},
    "structure:indicator_new": {"pk": "measure"},
    "structure:indicator_edit": {"pk": "indicator"},
    "structure:indicator_delete": {"pk": "indicator"},
    "portal:notification_open": {"pk": "notification"},
    "cases:saved_filter_delete": {"pk": "saved_filter"},
}

# A user's own things: a notice, a saved filter of the case list.
OWN_ONLY = {"portal:notification_open", "cases:saved_filter_delete"}

CASE_WORLD = ("cases:", "orders:", "referrals:")
# Who must be refused, per family of URLs. Coordinators see every case (read-only) and the
# secretariat manages the programme, so they are not in these lists.
REFUSED = {
    # The head of the Darnytskyi centre: heads see their own organisation's cases only.
    "case": [
        "owner",
        "colleague",
        "head",
        "provider",
        "police",
        "secretariat",
        "executor",
        "admin",
    ],
    "programme_measure": ["owner", "colleague", "provider", "police", "admin", "executor"],
    "programme_run": ["owner", "colleague", "provider", "police", "admin", "executor"],
    # The programme editor is the secretariat's alone; coordinators read the programme only.
    "programme_structure": [
        "owner",
        "colleague",
        "provider",
        "police",
        "admin",
        "executor",
        "coordinator",
    ],
    # The council's meetings are the secretariat's and coordinators'; the assignment belongs
    # to the Obolonskyi centre, so the executor of another organisation is refused too.
    "council": ["owner", "colleague", "provider", "police", "admin", "executor"],
    # A notice or a saved filter is its owner's alone: every other persona, the coordinator too.
    "own": [
        "owner",
        "colleague",
        "provider",
        "police",
        "coordinator",
        "secretariat",
        "executor",
        "admin",
    ],
}


def _family(name: str) -> str:
    if name in OWN_ONLY:
        return "own"
    if name.startswith(CASE_WORLD):
        return "case"
    if name in ("programme:measure", "programme:progress"):
        return "programme_measure"
    if name.startswith("council:"):
        return "council"
    if name.startswith("structure:"):
        return "programme_structure"
    return "programme_run"


def _object_patterns() -> dict[str, str]:
    """URL name → route, for every pattern whose path has an int converter."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = entry.namespace or namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), ns)
            elif isinstance(entry, URLPattern):
                converters = getattr(entry.pattern, "converters", {})
                if any(type(c).__name__ == "IntConverter" for c in converters.values()):
                    found[f"{namespace}:{entry.name}"] = prefix + str(entry.pattern)

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_object_url_is_in_the_matrix():
    missing = set(_object_patterns()) - set(OBJECT_URLS)
    assert not missing, f"add these URLs to OBJECT_URLS and REFUSED: {sorted(missing)}"


@pytest.fixture
def world(organisations, outsider, police):
    """Another district's case with everything hanging from it, and programme objects."""
    catalogue_for_darnytskyi(organisations)
    obolon = District.objects.get(slug="obolonskyi")
    police_obolon = member(
        Role.POLICE_OFFICER,
        OrganisationFactory(
            code="police-obolonskyi",
            kind=OrganisationKind.POLICE_UNIT,
            district_slugs=["obolonskyi"],
        ),
        "police-obolon",
    )
    case = register_case(
        outsider,
        district_id=obolon.pk,
        needs=["legal"],
        consent_to_share=True,
        victim=person(SECRET_SURNAME, "Ліна", phone="0679998877"),
    )
    confidential = register_case(
        outsider,
        district_id=obolon.pk,
        confidential=True,
        victim=person(SECRET_SURNAME, "Ярина"),
    )
    task = case_services.task_add(
        actor=outsider, case_id=case.pk, title="Зателефонувати", due_date=timezone.localdate()
    )
    attachment = case_services.attachment_add(
        actor=outsider,
        case_id=case.pk,
        upload=SimpleUploadedFile("scan.png", PNG, content_type="image/png"),
    )
    order = urgent(police_obolon, case)
    preventive = order_services.preventive_record_take(
        actor=police_obolon,
        case_id=case.pk,
        basis="order",
        order_id=order.pk,
        taken_on=timezone.localdate(),
    )
    offender_programme = order_services.offender_programme_refer(
        actor=outsider,
        case_id=case.pk,
        referred_by="court",
        referred_on=timezone.localdate(),
        provider="Міський центр",
    )
    record = referral_services.referral_plan_for_case(actor=outsider, case_id=case.pk)
    referral_services.referral_apply_plan(actor=outsider, plan_id=record.pk)
    referral = Referral.objects.filter(case=case).exclude(provider=organisations["shelter"]).first()
    closure = lifecycle.closure_request(actor=outsider, case_id=case.pk, reason="moved_away")
    # A transfer of another Obolonskyi case to a third centre: neither end is the Darnytskyi one.
    podil = OrganisationFactory(
        code="css-podilskyi",
        kind=OrganisationKind.SOCIAL_SERVICES_CENTRE,
        district_slugs=["podilskyi"],
    )
    member(Role.HEAD, podil, "head-podil")
    moving = register_case(outsider, district_id=obolon.pk, victim=person(SECRET_SURNAME, "Олеся"))
    transfer = transfers.transfer_request(
        actor=outsider, case_id=moving.pk, to_organisation_id=podil.pk, reason="Переїзд"
    )
    grantee = member(Role.SOCIAL_WORKER, organisations["css_obolonskyi"], "obolon-2")
    # Two records of the secret victim merged by the Obolonskyi head, and a third one left.
    head_obolon = member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")
    twice = register_case(
        outsider, district_id=obolon.pk, victim=person(SECRET_SURNAME, "Ліна", phone="0679998877")
    )
    thrice = register_case(outsider, district_id=obolon.pk, victim=person(SECRET_SURNAME, "Ліна"))
    merge = merge_services.person_merge(
        actor=head_obolon,
        kept_id=case.participants.get(role="victim").person_id,
        duplicate_id=twice.participants.get(role="victim").person_id,
        choices={},
        reason="Та сама особа, той самий телефон",
    )
    # The case's multidisciplinary team, with the Obolonskyi colleague on it and a conference.
    team = team_services.team_convene(
        actor=outsider, case_id=case.pk, purpose="Складний випадок", ends_on=timezone.localdate()
    )
    team_member = team_services.team_member_add(
        actor=outsider,
        team_id=team.pk,
        membership_id=grantee.memberships.get().pk,
        role="social_services",
    )
    conference = team_services.conference_record(
        actor=outsider,
        team_id=team.pk,
        held_on=timezone.localdate(),
        form="online",
        situation=SECRET_SURNAME,
        case_manager_id=grantee.pk,
        present_ids=[team_member.pk],
        next_review=None,
        decisions=[],
    )
    programme = Programme.objects.create(
        code="p-test", title="Програма", year_from=2024, year_to=2024
    )
    measure = Measure.objects.create(
        task=ProgrammeTask.objects.create(programme=programme, code="1", title="Завдання"),
        code="1.1",
        title="Захід",
    )
    measure.executors.set([organisations["css_obolonskyi"]])
    indicator = Indicator.objects.create(measure=measure, code="1.1.1", title="Осіб", unit="осіб")
    progress = Progress.objects.create(
        measure=measure, year=2024, quarter=1, status="done", spent=0, submitted_at=timezone.now()
    )
    run = ReportRun.objects.create(
        kind="9months",
        year=2024,
        period_start=timezone.localdate().replace(year=2024, month=1, day=1),
        period_end=timezone.localdate().replace(year=2024, month=9, day=30),
        status="done",
    )
    council_meeting = Meeting.objects.create(number=1, date=timezone.localdate(), status="held")
    council_item = AgendaItem.objects.create(meeting=council_meeting, position=1, title="Питання")
    council_decision = Decision.objects.create(item=council_item, sequence=1, number="1.1")
    council_assignment = Assignment.objects.create(
        decision=council_decision,
        assignee=organisations["css_obolonskyi"],
        text="Доручення",
        term="щокварталу",
    )
    council_material = AgendaMaterial.objects.create(
        item=council_item, kind="orders_ytd", title="Приписи", figures={}
    )
    # A memorandum with the Obolonskyi centre: the executor of another organisation is refused.
    council_memorandum = Memorandum.objects.create(
        number="1",
        signed_on=timezone.localdate(),
        valid_from=timezone.localdate(),
        partner=organisations["css_obolonskyi"],
        areas="Співпраця",
    )
    # The plans of the case: the safety plan and a case plan whose action is a task.
    safety_plan(outsider, case)
    case_plan(outsider, case)
    plan_action = case.case_plan.goals.get().actions.get()
    # The other centre's worker is told of an answer to a referral of the secret case.
    notification = Notification.objects.create(
        user=outsider,
        title=f"Направлення прийнято: {SECRET_SURNAME}",
        url=f"/referrals/case/{case.pk}/",
    )
    procedure = InteractionProcedure.objects.create(title="Порядок взаємодії", label="проєкт")
    saved_filter = case_services.saved_filter_add(
        actor=outsider, name=SECRET_SURNAME, query=QueryDict("risk_level=high")
    )
    confidential_task = case_services.task_add(
        actor=outsider,
        case_id=confidential.pk,
        title="Таємне",
        due_date=timezone.localdate() + timedelta(days=1),
    )
    return {
        "open": {
            "case": case.pk,
            "task": task.pk,
            "attachment": attachment.pk,
            "grantee": grantee.pk,
            "offender": case.participants.get(role="offender").person_id,
            "order": order.pk,
            "preventive": preventive.pk,
            "programme": offender_programme.pk,
            "plan": record.pk,
            "referral": referral.pk,
            "closure": closure.pk,
            "transfer": transfer.pk,
            "team": team.pk,
            "merge": merge.pk,
            "duplicate": thrice.participants.get(role="victim").person_id,
            "team_member": team_member.pk,
            "conference": conference.pk,
            "measure": measure.pk,
            "programme_plan": programme.pk,
            "programme_task": measure.task_id,
            "indicator": indicator.pk,
            "progress": progress.pk,
            "run": run.pk,
            "meeting": council_meeting.pk,
            "item": council_item.pk,
            "decision": council_decision.pk,
            "assignment": council_assignment.pk,
            "material": council_material.pk,
            "memorandum": council_memorandum.pk,
            "goal": plan_action.goal_id,
            "plan_action": plan_action.pk,
            "notification": notification.pk,
            "saved_filter": saved_filter.pk,
            "procedure": procedure.pk,
        },
        "confidential": {"case": confidential.pk, "task": confidential_task.pk},
    }


def _path(route: str, values: dict[str, object]) -> str:
    path = "/" + route
    for key, value in values.items():
        for converter in ("int", "slug", "str"):
            path = path.replace(f"<{converter}:{key}>", str(value))
    return path


def _values(name: str, objects: dict[str, int], *, missing: bool) -> dict[str, object] | None:
    values = {}
    for key, ref in OBJECT_URLS[name].items():
        if isinstance(ref, int):
            values[key] = ref
        elif ref.startswith("="):  # a plain value of the path, not an object
            values[key] = ref[1:]
        elif ref not in objects:
            return None
        else:
            values[key] = MISSING if missing else objects[ref]
    return values


def _denied_events() -> int:
    return AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count()


def _try_every_url(client, user, objects: dict[str, int], names: list[str]) -> list[str]:
    routes = _object_patterns()
    client.force_login(user)
    problems = []
    for name in names:
        foreign = _values(name, objects, missing=False)
        if foreign is None:
            continue
        missing = _values(name, objects, missing=True)
        for method in ("get", "post"):
            before = _denied_events()
            answer = getattr(client, method)(_path(routes[name], foreign))
            after = _denied_events()
            control = getattr(client, method)(_path(routes[name], missing))
            where = f"{user.username} {method.upper()} {name}"
            if answer.status_code == 405:
                if control.status_code != 405:
                    problems.append(f"{where}: 405 for the object, {control.status_code} without")
                continue
            if answer.status_code not in (403, 404):
                problems.append(f"{where}: answered {answer.status_code}")
            if answer.status_code != control.status_code:
                problems.append(
                    f"{where}: {answer.status_code} for the object but "
                    f"{control.status_code} for a missing id (an existence oracle)"
                )
            body = b"".join(answer) if answer.streaming else answer.content
            if SECRET_SURNAME.encode() in body:
                problems.append(f"{where}: shows the victim")
            if after <= before:
                problems.append(f"{where}: no denied event in the audit")
    return problems


@pytest.mark.parametrize("persona", sorted({p for refused in REFUSED.values() for p in refused}))
def test_an_object_of_another_organisation_is_refused_like_a_missing_one(
    client, personas, world, persona
):
    names = [name for name in OBJECT_URLS if persona in REFUSED[_family(name)]]
    problems = _try_every_url(client, personas[persona], world["open"], names)
    assert not problems, "\n".join(problems)


def test_a_confidential_case_is_refused_to_a_colleague_who_is_not_responsible(
    client, organisations, world
):
    colleague = member(Role.SOCIAL_WORKER, organisations["css_obolonskyi"], "obolon-colleague")
    names = [name for name in OBJECT_URLS if name.startswith("cases:")]
    problems = _try_every_url(client, colleague, world["confidential"], names)
    assert not problems, "\n".join(problems)
