"""How the audit log names orders, and which audited order objects belong to a case.

Registered in OrdersConfig.ready(); one query per object type for a whole page of ids. An order
is named by its number and kind — never by the people it protects or restrains.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import (
    Breach,
    OffenderProgramme,
    OrderAppeal,
    OrderExtension,
    OrderKind,
    PreventiveRecord,
    RestrainingOrder,
)
from portal.audit_labels import register, register_scope, rows_for

SCOPE_LIMIT = 1000


def _order_label(number: str, kind: str) -> str:
    kind_label = OrderKind(kind).label if kind in OrderKind.values else kind
    return _("order № %(number)s (%(kind)s)") % {"number": number, "kind": kind_label}


def order_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(RestrainingOrder.objects, ids, "number", "kind")
    return {str(pk): _order_label(number, kind) for pk, number, kind in rows}


def order_numbers(ids: list[str]) -> dict[str, str]:
    """Orders listed together by a read (the orders list, a dashboard): their numbers."""
    # A non-breaking space: a long list wraps between numbers, never after a «№».
    rows = rows_for(RestrainingOrder.objects, ids, "number")
    return {str(pk): f"№\u00a0{number}" for pk, number in rows}


def extension_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(OrderExtension.objects, ids, "order__number", "order__kind")
    return {
        str(pk): _("extension of the %(order)s") % {"order": _order_label(number, kind)}
        for pk, number, kind in rows
    }


def breach_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Breach.objects, ids, "order__number", "order__kind")
    return {
        str(pk): _("breach of the %(order)s") % {"order": _order_label(number, kind)}
        for pk, number, kind in rows
    }


def appeal_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(OrderAppeal.objects, ids, "order__number", "order__kind")
    return {
        str(pk): _("appeal against the %(order)s") % {"order": _order_label(number, kind)}
        for pk, number, kind in rows
    }


def preventive_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(PreventiveRecord.objects, ids, "case__number", "taken_on")
    return {
        str(pk): _("preventive record of case %(case)s from %(date)s")
        % {"case": number, "date": taken_on.strftime("%d.%m.%Y")}
        for pk, number, taken_on in rows
    }


def programme_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(OffenderProgramme.objects, ids, "case__number", "referred_on")
    return {
        str(pk): _("offender programme of case %(case)s from %(date)s")
        % {"case": number, "date": referred_on.strftime("%d.%m.%Y")}
        for pk, number, referred_on in rows
    }


def case_objects(number: str) -> dict[str, list[str]]:
    orders = list(
        RestrainingOrder.objects.filter(case__number=number).values_list("pk", flat=True)[
            :SCOPE_LIMIT
        ]
    )
    records = PreventiveRecord.objects.filter(case__number=number).values_list("pk", flat=True)
    programmes = OffenderProgramme.objects.filter(case__number=number).values_list("pk", flat=True)
    measures = {
        "orders.preventiverecord": [str(pk) for pk in records[:SCOPE_LIMIT]],
        "orders.offenderprogramme": [str(pk) for pk in programmes[:SCOPE_LIMIT]],
    }
    measures = {key: ids for key, ids in measures.items() if ids}
    if not orders:
        return measures
    extensions = OrderExtension.objects.filter(order_id__in=orders).values_list("pk", flat=True)
    breaches = Breach.objects.filter(order_id__in=orders).values_list("pk", flat=True)
    appeals = OrderAppeal.objects.filter(order_id__in=orders).values_list("pk", flat=True)
    return {
        "orders.restrainingorder": [str(pk) for pk in orders],
        "orders.orderextension": [str(pk) for pk in extensions[:SCOPE_LIMIT]],
        "orders.breach": [str(pk) for pk in breaches[:SCOPE_LIMIT]],
        "orders.orderappeal": [str(pk) for pk in appeals[:SCOPE_LIMIT]],
        **measures,
    }


def register_audit_labels() -> None:
    register("orders.restrainingorder", order_labels, in_lists=order_numbers)
    register("orders.orderextension", extension_labels)
    register("orders.breach", breach_labels)
    register("orders.orderappeal", appeal_labels)
    register("orders.preventiverecord", preventive_labels)
    register("orders.offenderprogramme", programme_labels)
    register_scope("case", case_objects)
    register_detail_words()


def register_detail_words() -> None:
    """How the orders app's audit details read in the log (portal.audit_words)."""
    from orders.models import AppealOutcome, ProgrammeStatus
    from portal.audit_words import register_words

    for phrase, words in {
        "cancelled": gettext_lazy("Cancelled"),
        "cancelled on appeal": gettext_lazy("Cancelled on appeal"),
        "removed": gettext_lazy("Removed"),
        "preventive form": gettext_lazy("The form of the preventive record"),
        "programme form": gettext_lazy("The form of the offender programme"),
        "orders": gettext_lazy("The person's orders"),
    }.items():
        register_words(re.escape(phrase), words)
    register_words(
        r"outcome (?P<outcome>[a-z_]+)",
        gettext_lazy("The court's outcome: %(outcome)s"),
        labels={"outcome": AppealOutcome.choices},
        object_types=["orders.orderappeal"],
    )
    register_words(
        r"(?P<status>[a-z_]+)",
        gettext_lazy("Programme status: %(status)s"),
        labels={"status": ProgrammeStatus.choices},
        object_types=["orders.offenderprogramme"],
    )
