"""Transfer of a case's lead to another organisation (cases.lifecycle.transfers): who may ask
and answer, what the sender keeps, and that a refusal changes nothing."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from cases import services as case_services
from cases.lifecycle import services as lifecycle
from cases.lifecycle import transfers
from cases.lifecycle.selectors import lead_targets
from cases.models import (
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseTransfer,
    Task,
    TransferStatus,
)
from cases.selectors import cases_editable_by, cases_visible_to
from portal.models import AuditEvent, Notification, OrganisationKind
from portal.roles import Role
from tests.cases.factories import register_case
from tests.factories import OrganisationFactory, member


@pytest.fixture
def obolon_head(organisations):
    return member(Role.HEAD, organisations["css_obolonskyi"], "head-obolon")


@pytest.fixture
def case(owner):
    case = register_case(owner)
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    return Case.objects.get(pk=case.pk)


def _ask(case, actor, organisations, keep_read=False):
    return transfers.transfer_request(
        actor=actor,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Постраждала переїхала на Оболонь",
        keep_read=keep_read,
    )


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.owner_id, fresh.responsible_id, fresh.version) == (
        case.owner_id,
        case.responsible_id,
        case.version,
    )


# --- asking ----------------------------------------------------------------------------------


def test_a_worker_asks_another_centre_to_take_the_lead(case, owner, organisations, obolon_head):
    transfer = _ask(case, owner, organisations, keep_read=True)
    assert (transfer.status, transfer.from_organisation, transfer.keep_read_requested) == (
        TransferStatus.PENDING,
        organisations["css_darnytskyi"],
        True,
    )
    _unchanged(case)
    assert CaseEvent.objects.filter(case=case, kind="case.transfer_requested").exists()
    notice = Notification.objects.get(user=obolon_head)
    assert notice.url == f"/cases/transfers/{transfer.pk}/"


def test_a_pending_transfer_cannot_be_duplicated(
    case, owner, colleague, organisations, obolon_head
):
    _ask(case, owner, organisations)
    with pytest.raises(ValidationError, match="вже чекає"):
        _ask(case, colleague, organisations)
    assert CaseTransfer.objects.count() == 1


def test_only_organisations_that_lead_cases_and_have_a_head_are_offered(
    case, organisations, obolon_head
):
    headless = OrganisationFactory(
        code="css-desnianskyi", kind=OrganisationKind.SOCIAL_SERVICES_CENTRE
    )
    targets = set(lead_targets(owner_id=case.owner_id))
    assert organisations["css_obolonskyi"] in targets
    assert organisations["css_darnytskyi"] not in targets  # the owner itself
    assert organisations["shelter"] not in targets
    assert headless not in targets


@pytest.mark.parametrize(
    "target", ["shelter", "css_darnytskyi", "police_darnytskyi", "junk", "huge"]
)
def test_a_target_that_cannot_lead_is_refused(case, owner, organisations, obolon_head, target):
    value = {"junk": "abc", "huge": "99999999999999999999"}.get(target)
    value = value or organisations[target].pk
    with pytest.raises(ValidationError, match="може вести випадок"):
        transfers.transfer_request(
            actor=owner, case_id=case.pk, to_organisation_id=value, reason="Причина"
        )
    assert not CaseTransfer.objects.exists()


def test_the_reason_is_required(case, owner, organisations, obolon_head):
    with pytest.raises(ValidationError, match="чому"):
        transfers.transfer_request(
            actor=owner,
            case_id=case.pk,
            to_organisation_id=organisations["css_obolonskyi"].pk,
            reason="   ",
        )
    assert not CaseTransfer.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "police", "coordinator", "provider"])
def test_only_the_leading_organisation_asks(case, personas, organisations, obolon_head, who):
    with pytest.raises(PermissionDenied):
        _ask(case, personas[who], organisations)
    assert not CaseTransfer.objects.exists()


def test_a_case_waiting_for_closure_is_not_transferred_and_vice_versa(
    case, owner, organisations, obolon_head
):
    lifecycle.closure_request(actor=owner, case_id=case.pk, reason="moved_away")
    with pytest.raises(ValidationError, match="Закриття цього випадку"):
        _ask(case, owner, organisations)
    other = register_case(owner)
    _ask(other, owner, organisations)
    with pytest.raises(ValidationError, match="передається"):
        lifecycle.closure_request(actor=owner, case_id=other.pk, reason="moved_away")


# --- accepting -------------------------------------------------------------------------------


def test_the_receiving_head_accepts_and_the_sender_loses_the_case(
    case, owner, colleague, head, organisations, obolon_head, outsider
):
    task = case_services.task_add(
        actor=owner, case_id=case.pk, title="Візит", due_date=timezone.localdate()
    )
    transfer = _ask(case, owner, organisations)
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk
    )
    case.refresh_from_db()
    assert (case.owner, case.responsible) == (organisations["css_obolonskyi"], outsider)
    for sender in (owner, colleague, head):
        sender._acting_membership = None
        assert not cases_visible_to(sender).filter(pk=case.pk).exists()
    assert cases_editable_by(outsider).filter(pk=case.pk).exists()
    assert Task.objects.get(pk=task.pk).assignee == outsider
    transfer.refresh_from_db()
    assert (transfer.status, transfer.new_responsible, transfer.keep_read_granted) == (
        TransferStatus.ACCEPTED,
        outsider,
        False,
    )
    event = CaseEvent.objects.get(case=case, kind="case.transferred")
    assert event.detail["tasks_moved"] == 1
    assert AuditEvent.objects.filter(user=obolon_head, object_type="cases.case").exists()
    assert Notification.objects.filter(user=owner, title__contains=case.number).exists()
    assert Notification.objects.filter(user=outsider, title__contains=case.number).exists()


def test_the_creator_of_the_case_loses_it_too(organisations, obolon_head, outsider):
    """The 'who registered it still sees it' rule (police) does not keep a sender's worker."""
    worker = member(Role.SOCIAL_WORKER, organisations["css_darnytskyi"], "creator")
    case = register_case(worker)
    transfer = _ask(case, worker, organisations)
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk
    )
    worker._acting_membership = None
    assert not cases_visible_to(worker).filter(pk=case.pk).exists()


def test_police_who_registered_the_case_keep_seeing_it(
    police, organisations, obolon_head, outsider
):
    case = register_case(police)
    owner = member(Role.SOCIAL_WORKER, case.owner, "owner-of-police-case")
    transfer = transfers.transfer_request(
        actor=owner,
        case_id=case.pk,
        to_organisation_id=organisations["css_obolonskyi"].pk,
        reason="Переїзд",
    )
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk
    )
    police._acting_membership = None
    assert cases_visible_to(police).filter(pk=case.pk).exists()


def test_read_access_kept_when_the_receiver_allows_it_and_never_edit(
    case, owner, colleague, organisations, obolon_head, outsider
):
    transfer = _ask(case, owner, organisations, keep_read=True)
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk, keep_read=True
    )
    for sender in (owner, colleague):
        sender._acting_membership = None
        assert cases_visible_to(sender).filter(pk=case.pk).exists()
        assert not cases_editable_by(sender).filter(pk=case.pk).exists()
    grant = CaseGroupObjectPermission.objects.get(content_object=case)
    assert (grant.group, grant.permission.codename) == (
        organisations["css_darnytskyi"].group,
        "view_case",
    )


def test_read_access_is_not_given_when_the_sender_did_not_ask(
    case, owner, organisations, obolon_head, outsider
):
    transfer = _ask(case, owner, organisations, keep_read=False)
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk, keep_read=True
    )
    assert not CaseGroupObjectPermission.objects.exists()


def test_the_senders_kept_read_access_does_not_cover_a_confidential_case(
    owner, organisations, obolon_head, outsider
):
    case = register_case(owner, confidential=True)
    Case.objects.filter(pk=case.pk).update(responsible=owner)
    transfer = _ask(case, owner, organisations, keep_read=True)
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk, keep_read=True
    )
    owner._acting_membership = None
    assert not cases_visible_to(owner).filter(pk=case.pk).exists()


def test_an_earlier_read_grant_ends_when_the_lead_moves_again_without_it(
    case, owner, organisations, obolon_head, outsider, head
):
    first = _ask(case, owner, organisations, keep_read=True)
    transfers.transfer_accept(
        actor=obolon_head, transfer_id=first.pk, responsible_id=outsider.pk, keep_read=True
    )
    back = transfers.transfer_request(
        actor=outsider,
        case_id=case.pk,
        to_organisation_id=organisations["css_darnytskyi"].pk,
        reason="Повернулася",
        keep_read=False,
    )
    transfers.transfer_accept(actor=head, transfer_id=back.pk, responsible_id=owner.pk)
    assert not CaseGroupObjectPermission.objects.filter(
        group=organisations["css_obolonskyi"].group
    ).exists()
    outsider._acting_membership = None
    assert not cases_visible_to(outsider).filter(pk=case.pk).exists()


@pytest.mark.parametrize("value", ["", "abc", "-5", "99999999999999999999", "SENDER"])
def test_the_responsible_worker_must_be_of_the_receiving_organisation(
    case, owner, organisations, obolon_head, value
):
    transfer = _ask(case, owner, organisations)
    if value == "SENDER":
        value = owner.pk
    with pytest.raises(ValidationError, match="активного працівника"):
        transfers.transfer_accept(actor=obolon_head, transfer_id=transfer.pk, responsible_id=value)
    _unchanged(case)
    assert CaseTransfer.objects.get().status == TransferStatus.PENDING


@pytest.mark.parametrize("who", ["head", "outsider", "owner", "coordinator"])
def test_only_the_receiving_head_answers(
    case, owner, organisations, obolon_head, personas, head, who
):
    actor = head if who == "head" else personas[who]
    transfer = _ask(case, owner, organisations)
    with pytest.raises(PermissionDenied):
        transfers.transfer_accept(actor=actor, transfer_id=transfer.pk, responsible_id=owner.pk)
    with pytest.raises(PermissionDenied):
        transfers.transfer_decline(actor=actor, transfer_id=transfer.pk, reason="Ні")
    _unchanged(case)
    assert CaseTransfer.objects.get().status == TransferStatus.PENDING


def test_a_declined_transfer_keeps_the_lead_and_says_why(case, owner, organisations, obolon_head):
    transfer = _ask(case, owner, organisations)
    with pytest.raises(ValidationError, match="чому"):
        transfers.transfer_decline(actor=obolon_head, transfer_id=transfer.pk, reason="")
    transfers.transfer_decline(
        actor=obolon_head, transfer_id=transfer.pk, reason="Адреса не в нашому районі"
    )
    _unchanged(case)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.decline_reason) == (
        TransferStatus.DECLINED,
        "Адреса не в нашому районі",
    )
    assert Notification.objects.filter(user=owner, body="Адреса не в нашому районі").exists()
    # Declined, it may be asked again (to the same or another centre).
    _ask(case, owner, organisations)


def test_an_answered_transfer_cannot_be_answered_again(
    case, owner, organisations, obolon_head, outsider
):
    transfer = _ask(case, owner, organisations)
    transfers.transfer_decline(actor=obolon_head, transfer_id=transfer.pk, reason="Ні")
    with pytest.raises(ValidationError, match="вже"):
        transfers.transfer_accept(
            actor=obolon_head, transfer_id=transfer.pk, responsible_id=outsider.pk
        )
    _unchanged(case)


def test_the_sender_withdraws_a_waiting_transfer(
    case, owner, colleague, organisations, obolon_head
):
    transfer = _ask(case, owner, organisations)
    with pytest.raises(PermissionDenied):
        transfers.transfer_withdraw(actor=obolon_head, transfer_id=transfer.pk)
    transfers.transfer_withdraw(actor=colleague, transfer_id=transfer.pk)
    assert CaseTransfer.objects.get().status == TransferStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        transfers.transfer_withdraw(actor=owner, transfer_id=transfer.pk)


@pytest.mark.django_db(transaction=True)
def test_accepting_twice_at_once_moves_the_case_once(organisations):
    from tests.conftest import ensure_reference_data

    ensure_reference_data()
    worker = member(Role.SOCIAL_WORKER, organisations["css_darnytskyi"], "w")
    receiving = organisations["css_obolonskyi"]
    heads = [member(Role.HEAD, receiving, "h1"), member(Role.HEAD, receiving, "h2")]
    case = register_case(worker)
    transfer = _ask(case, worker, organisations)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user):
        try:
            barrier.wait()
            transfers.transfer_accept(actor=user, transfer_id=transfer.pk, responsible_id=user.pk)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(h,)) for h in heads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "stale"]
    assert CaseEvent.objects.filter(case=case, kind="case.transferred").count() == 1
    assert Case.objects.get(pk=case.pk).version == case.version + 1
