"""Readable names for the objects in the audit log, contributed by the apps that own them.

An audit event stores only `object_type` ("cases.case") and `object_id` ("246"): the audit table
must not depend on (or be blocked by) the rows it talks about. To show "випадок КИЇВ-2024-000123"
instead of "cases.case #246", `portal` would have to import every app — against the dependency
direction (programme → cases, orders, referrals → portal). So, as `cases.sections` does for the
case page, each app registers here from its AppConfig.ready():

    register("cases.case", case_labels)        # ["246", "247"] → {"246": "випадок КИЇВ-…"}
    register_scope("case", case_objects)       # "КИЇВ-2024-000123" → {"cases.case": ["246"], …}

A label function receives every id of its type on one page and answers with ONE query, so a page
costs one query per object type, never one per row. Ids are text in the audit table and may be
anything (a URL path for a refused page): label functions keep only the ids they understand
(`numeric_ids`) and leave the rest to the generic fallback.

Labels identify, they do not describe: a case by its number, a person by surname and initials,
an order by its number — the audit reader needs to know *which* record, not what is in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from portal.bilingual import in_reader_language

LabelMany = Callable[[list[str]], dict[str, str]]
# A scope resolver answers "which audited objects belong to X?" as {object_type: [object ids]}.
ScopeResolver = Callable[[str], dict[str, list[str]]]

# How the admin's deletions begin their detail (portal.admin_site); the object's name follows.
ADMIN_DELETED = "admin deleted: "
# How many ids of one type a query of list_labels_for looks up.
LIST_BATCH = 5_000
# Postgres integer and bigint keys; a longer string of digits is not an id of ours.
MAX_ID_DIGITS = 18

_LABELS: dict[str, LabelMany] = {}
_LIST_LABELS: dict[str, LabelMany] = {}
_SCOPES: dict[str, list[ScopeResolver]] = defaultdict(list)


def register(object_type: str, label_many: LabelMany, *, in_lists: LabelMany | None = None) -> None:
    """`in_lists`: the short names of the type's objects where a read lists many of them
    (list_labels_for); a type without them is listed by its ids."""
    _LABELS[object_type] = label_many
    if in_lists is not None:
        _LIST_LABELS[object_type] = in_lists


def is_named(object_type: str) -> bool:
    """Whether an app gave the objects of this type a label (else the log says "object …")."""
    return object_type in _LABELS


def register_scope(scope: str, resolver: ScopeResolver) -> None:
    """Add the objects an app knows to belong to a scope ("case", "person")."""
    if resolver not in _SCOPES[scope]:
        _SCOPES[scope].append(resolver)


def named_labels(queryset, *, related: Iterable[str] = (), kind: bool = True) -> LabelMany:
    """Labels for objects that their own name identifies without personal data (a programme by
    its title, a council meeting by "№ 5, 17.10.2024"): their kind (unless the name says it)
    and str(), one query for a page of ids (`related`: what str() reads through a relation)."""

    def label_many(ids: list[str]) -> dict[str, str]:
        prefix = f"{queryset.model._meta.verbose_name} " if kind else ""
        found = queryset.filter(pk__in=numeric_ids(ids)).order_by()
        if related:  # select_related() without names would join every foreign key
            found = found.select_related(*related)
        return {str(obj.pk): f"{prefix}{obj}" for obj in found}

    return label_many


def register_named(queryset, *, related: Iterable[str] = (), kind: bool = True) -> None:
    """Name the objects of `queryset`'s model in the log by named_labels."""
    register(queryset.model._meta.label_lower, named_labels(queryset, related=related, kind=kind))


def numeric_ids(ids: Iterable[str]) -> list[int]:
    """The ids that can be primary keys; junk never reaches a query."""
    return sorted({int(i) for i in ids if i.isascii() and i.isdigit() and len(i) <= MAX_ID_DIGITS})


def rows_for(queryset, ids: Iterable[str], *fields: str):
    """(pk, *fields) of the rows with these ids, unordered: the one query of a label function."""
    return queryset.filter(pk__in=numeric_ids(ids)).order_by().values_list("pk", *fields)


def initials(*names: str) -> str:
    return " ".join(f"{name.strip()[0]}." for name in names if name and name.strip())


def person_name(last_name: str, first_name: str, patronymic: str = "") -> str:
    """Surname and initials — enough to recognise, less than the full name."""
    return " ".join(part for part in [last_name, initials(first_name, patronymic)] if part)


def verbose_name_of(object_type: str, *, plural: bool = False) -> str:
    try:
        meta = apps.get_model(object_type)._meta
    except (LookupError, ValueError):
        return object_type
    return str(meta.verbose_name_plural if plural else meta.verbose_name)


def fallback_label(object_type: str, object_id: str) -> str:
    if not object_id:
        return verbose_name_of(object_type, plural=True)
    return _("object (%(type)s, № %(id)s)") % {
        "type": verbose_name_of(object_type),
        "id": object_id,
    }


def labels_for(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels of (object_type, object_id) pairs: one call (one query) per registered type, and
    one query more for the objects that are gone (deleted_labels)."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in pairs:
        if object_type:
            by_type[object_type].add(object_id)
    labels: dict[tuple[str, str], str] = {}
    missing: list[tuple[str, str]] = []
    for object_type, ids in by_type.items():
        label_many = _LABELS.get(object_type)
        with_id = sorted(i for i in ids if i)
        found = label_many(with_id) if label_many and with_id else {}
        for object_id in ids:
            if object_id in found:
                labels[object_type, object_id] = found[object_id]
            else:
                labels[object_type, object_id] = fallback_label(object_type, object_id)
                if label_many and object_id:
                    missing.append((object_type, object_id))
    labels.update(deleted_labels(missing))
    return labels


def list_labels_for(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Names of the records that reads showed together (a list's page, an inbox), for the
    types whose app gave them one (`register(..., in_lists=…)`): a case's or an order's number,
    short, as the event's object column already says their kind. A type without (the people
    of an intake lookup) keeps its ids, as does a record no longer there. An export's chunk
    may list a hundred thousand ids: they are looked up LIST_BATCH at a time."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in pairs:
        if object_type in _LIST_LABELS:
            by_type[object_type].add(object_id)
    names: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        ordered = sorted(ids)
        for start in range(0, len(ordered), LIST_BATCH):
            found = _LIST_LABELS[object_type](ordered[start : start + LIST_BATCH])
            names.update(((object_type, object_id), name) for object_id, name in found.items())
    return names


def deleted_labels(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels of objects that an audit event says were deleted: the name the deletion recorded
    (the admin writes "admin deleted: <name>") or the kind and number, marked as deleted. An id
    that no deletion names (junk, or an object never made) keeps the generic label."""
    if not pairs:
        return {}
    from portal.models import AuditAction, AuditEvent

    by_type: dict[str, set[str]] = defaultdict(set)
    for object_type, object_id in pairs:
        by_type[object_type].add(object_id)
    condition = Q()
    for object_type, ids in by_type.items():
        condition |= Q(object_type=object_type, object_id__in=sorted(ids))
    deletions = (
        AuditEvent.objects.filter(condition, action=AuditAction.DELETE)
        .order_by("object_type", "object_id", "-at")
        .distinct("object_type", "object_id")
        .values_list("object_type", "object_id", "detail")
    )
    labels = {}
    for object_type, object_id, detail in deletions:
        kind = verbose_name_of(object_type)
        name = detail.removeprefix(ADMIN_DELETED) if detail.startswith(ADMIN_DELETED) else ""
        labels[object_type, object_id] = (
            _("%(kind)s “%(name)s” (deleted)") % {"kind": kind, "name": name}
            if name
            else _("%(kind)s № %(id)s (deleted)") % {"kind": kind, "id": object_id}
        )
    return labels


def scope_objects(scope: str, key: str) -> dict[str, set[str]]:
    """Every audited object that the registered apps place in the scope, by object type."""
    merged: dict[str, set[str]] = defaultdict(set)
    for resolver in _SCOPES.get(scope, []):
        for object_type, ids in resolver(key).items():
            merged[object_type].update(str(i) for i in ids)
    return {t: ids for t, ids in merged.items() if ids}


def _user_labels(ids: list[str]) -> dict[str, str]:
    from portal.models import User

    rows = rows_for(User.objects, ids, "username")
    return {str(pk): _("user %(username)s") % {"username": username} for pk, username in rows}


def _organisation_labels(ids: list[str]) -> dict[str, str]:
    from portal.models import Organisation

    rows = rows_for(Organisation.objects, ids, "name", "name_en")
    return {str(pk): in_reader_language(name, name_en) for pk, name, name_en in rows}


def _group_labels(ids: list[str]) -> dict[str, str]:
    """An organisation's permission group by its organisation, never by its code ("org:…")."""
    from django.contrib.auth.models import Group

    rows = rows_for(Group.objects, ids, "name", "organisation__name", "organisation__name_en")
    return {
        str(pk): _("permission group of %(organisation)s")
        % {"organisation": in_reader_language(org, org_en) if org else name}
        for pk, name, org, org_en in rows
    }


# A refused address (portal.errors): the object is the page the user asked for.
PAGE = "portal.page"


def _page_labels(ids: list[str]) -> dict[str, str]:
    return {path: _("page %(path)s") % {"path": path} for path in ids}


register(PAGE, _page_labels)


def _device_labels(ids: list[str]) -> dict[str, str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    rows = rows_for(TOTPDevice.objects, ids, "user__username")
    return {
        str(pk): _("authenticator app of user %(username)s") % {"username": username}
        for pk, username in rows
    }


def _event_labels(ids: list[str]) -> dict[str, str]:
    """An event of the log itself (opened in the admin): by its number and Kyiv time."""
    from portal.models import AuditEvent

    rows = rows_for(AuditEvent.objects, ids, "at")
    return {
        str(pk): _("audit log event № %(id)s of %(at)s")
        % {"id": pk, "at": localtime(at).strftime("%d.%m.%Y %H:%M")}
        for pk, at in rows
    }


def _sign_in_record_labels(model_label: str) -> LabelMany:
    """django-axes's records of sign-ins (an administrator deletes a series to unlock an
    account): by whose sign-in and from where."""

    def label_many(ids: list[str]) -> dict[str, str]:
        rows = rows_for(apps.get_model(model_label).objects, ids, "username", "ip_address")
        return {
            str(pk): _("%(kind)s: %(username)s from %(ip)s")
            % {"kind": verbose_name_of(model_label), "username": username, "ip": ip}
            for pk, username, ip in rows
        }

    return label_many


# portal's own objects: sign-ins are audited against the user.
register("portal.user", _user_labels)
register("portal.organisation", _organisation_labels)
register("auth.group", _group_labels)
register("portal.auditevent", _event_labels)
# What an administrator changes in the admin besides (portal.admin_site audits it).
register("otp_totp.totpdevice", _device_labels)
for _label in ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"):
    register(_label, _sign_in_record_labels(_label))
