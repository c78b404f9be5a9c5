"""The coordinator's routing policy page: the rules in words with a form per rule, the JSON as
an advanced view, the preview on recent cases and publishing (referrals.policy_editor)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.roles import Capability, can
from referrals import services
from referrals.forms import POLICY_MAX_LENGTH, PolicyForm, parse_policy
from referrals.policy_editor import (
    RuleForm,
    find_rule,
    rule_cards,
    rule_initial,
    with_rule,
    without_rule,
)
from referrals.routing.explain import SERVICE_LABELS
from referrals.selectors import active_policy_record, policy_versions, recent_cases_for_preview


def _body_length(request: HttpRequest) -> int:
    raw = request.META.get("CONTENT_LENGTH") or "0"
    return int(raw) if raw.isascii() and raw.isdigit() else 0


def _form_errors(form) -> list[str]:
    return [str(message) for messages_ in form.errors.values() for message in messages_]


def _parsed(text: str) -> dict | None:
    try:
        return parse_policy(text)
    except ValidationError:
        return None


class _Step:
    """What one POST made of the page: the draft, its errors, an open rule form, a preview."""

    def __init__(self, draft: str) -> None:
        self.draft = draft
        self.errors: list[str] = []
        self.status = 200
        self.rule_form: RuleForm | None = None
        self.preview: list | None = None
        self.published = None

    def fail(self, messages_: list[str]) -> None:
        self.errors, self.status = [str(m) for m in messages_], 400


def _rule_step(request: HttpRequest, step: _Step, data, action: str) -> bool:
    """Opening, saving or deleting a rule of the draft. True if the draft changed."""
    draft = _parsed(step.draft)
    if action == "save_rule":
        existing = find_rule(draft or {}, data.get("rule_id", "")[:16])
        form = RuleForm(data, existing=existing)
        if form.is_valid():
            try:
                step.draft = with_rule(form.cleaned_data["rules"], form.rule())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.info(
                    request,
                    _("The rule is changed in the draft. Check the preview, then publish it."),
                )
                return True
        step.rule_form, step.status = form, 400
        return False
    if draft is None:
        step.fail([_("The draft is not valid: correct it in the advanced view first.")])
        return False
    rule_id = action.split(":", 1)[1][:16] if ":" in action else ""
    if action == "new":
        step.rule_form = RuleForm(initial=rule_initial(step.draft, None))
        return False
    rule = find_rule(draft, rule_id)
    if rule is None:
        step.fail([_("This rule is no longer in the draft. Open it again.")])
        return False
    if action.startswith("edit:"):
        step.rule_form = RuleForm(initial=rule_initial(step.draft, rule), existing=rule)
        return False
    try:
        step.draft = without_rule(draft, rule_id)
    except ValidationError as error:
        step.fail(error.messages)
        return False
    messages.info(
        request, _("The rule is removed from the draft. Check the preview, then publish it.")
    )
    return True


def _preview_or_publish(request: HttpRequest, step: _Step, data, *, publish: bool) -> None:
    form = PolicyForm(data)
    if not form.is_valid():
        step.fail(_form_errors(form))
        return
    rules_json = form.cleaned_data["rules"]
    try:
        if publish:
            step.published = services.policy_publish(
                actor=request.user, rules_json=rules_json, note=form.cleaned_data["note"]
            )
            return
        step.preview = services.policy_preview(
            rules_json=rules_json, cases=recent_cases_for_preview(request.user)
        )
    except ValidationError as error:
        step.fail(error.messages)
    except (ValueError, KeyError, TypeError) as error:
        # A draft the engine accepts but cannot evaluate (e.g. a number compared with a text)
        # fails in the preview: said to the coordinator, not a 500.
        step.fail([_("The policy is not valid: %(error)s") % {"error": error}])


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.POLICY_EDIT):
        raise Http404
    active = active_policy_record()
    step = _Step(json.dumps({"rules": active.rules}, ensure_ascii=False, indent=2))
    if request.method == "POST":
        try:
            # Django refuses to read a body past DATA_UPLOAD_MAX_MEMORY_SIZE; a middleware that
            # tried first may have left the stream half read, so the length decides first.
            if _body_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                raise RequestDataTooBig
            data = request.POST
        except RequestDataTooBig:
            data = None
            step.fail([_("The request is too large. Nothing was changed.")])
            step.status = 413
        if data is not None:
            step.draft = data.get("rules", "")[:POLICY_MAX_LENGTH] or step.draft
            action = data.get("action", "preview")[:40]
            if action in ("publish", "preview"):
                _preview_or_publish(request, step, data, publish=action == "publish")
                if step.published is not None:
                    messages.success(
                        request,
                        _("Policy version %(v)s is now in force.") % {"v": step.published.version},
                    )
                    return redirect("referrals:policy")
            elif _rule_step(request, step, data, action):
                _preview_or_publish(request, step, {"rules": step.draft}, publish=False)
    draft = _parsed(step.draft)
    return render(
        request,
        "referrals/policy.html",
        {
            "active": active,
            "versions": policy_versions(request.user),
            "draft": step.draft,
            "cards": rule_cards(draft if draft is not None else {"rules": active.rules}),
            "draft_changed": draft is not None and draft["rules"] != active.rules,
            "rule_form": step.rule_form,
            "errors": step.errors,
            "preview": step.preview,
            "preview_changed": any(
                row["added"] or row["removed"] or row["changed"] for row in step.preview or []
            ),
            "labels": SERVICE_LABELS,
        },
        status=step.status,
    )
