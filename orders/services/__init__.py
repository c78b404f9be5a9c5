"""Writes on the special measures against offenders, by sub-domain: restraining orders (urgent
and restrictive, extensions, breaches, cancellation, expiry notices) and the other two measures
(preventive record, offender programme). Callers use `from orders import services`."""

from orders.services.appeals import order_appeal_decide, order_appeal_file
from orders.services.measures import (
    offender_programme_refer,
    offender_programme_update,
    preventive_record_remove,
    preventive_record_take,
)
from orders.services.restraining import (
    CASE_NOT_AVAILABLE,
    NewCaseForOrder,
    breach_record,
    order_announce_expiry,
    order_cancel,
    order_extend,
    order_issue_urgent,
    order_record_restrictive,
)

__all__ = [
    "CASE_NOT_AVAILABLE",
    "NewCaseForOrder",
    "breach_record",
    "offender_programme_refer",
    "offender_programme_update",
    "order_announce_expiry",
    "order_appeal_decide",
    "order_appeal_file",
    "order_cancel",
    "order_extend",
    "order_issue_urgent",
    "order_record_restrictive",
    "preventive_record_remove",
    "preventive_record_take",
]
