"""The moderator's one-click fixes for a held comment: tune the rule that held it, approve it.

Each fix is one operation in the manner of ``services``: one transaction that takes the
discussion's lock, checks that the comment is still waiting on the rule the fix tunes,
changes the rule (a ``TUNE`` event, from the old to the new setting, on the comment and its
post) and approves the comment (an ``APPROVE`` event). The rules read the tuned setting with
every new comment, so it applies to the next one.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from . import services
from .models import BlockedTerm, Comment, ModerationEvent, Threshold, TrustedCommenter, person_name
from .moderation import describe, matches, recognisable

Rule = Comment.HoldRule
Action = ModerationEvent.Action


@dataclass(frozen=True)
class Fix:
    code: str
    label: str  # what the button says: it approves too, and says so
    asks: bool = False  # needs more than a click: a form (``narrow_blocked_term``)


def fixes_for(comment):
    """The fixes offered beside Approve for a held comment; none once a moderator decided it,
    or for a comment held before the rules recorded why (its text reason still shows)."""
    if comment.status != Comment.Status.PENDING or comment.moderated_at or not comment.hold_rule:
        return []
    detail, fixes = comment.hold_detail, []
    if comment.hold_rule == Rule.LINKS:
        fixes.append(Fix("links", f"Approve and raise the link limit to {detail['links']}"))
    elif comment.hold_rule == Rule.TOO_FAST and detail["elapsed"]:
        # Sent at once is what bots do: no one click turns the timing off for the whole site.
        fixes.append(Fix("wait", f"Approve and lower the wait to {detail['elapsed']} s"))
    elif comment.hold_rule == Rule.BLOCKED:
        fixes.append(Fix("unblock", f"Approve and remove blocklist entry “{detail['value']}”"))
        fixes.append(Fix("narrow", f"Narrow blocklist entry “{detail['value']}”…", asks=True))
    if comment.hold_rule in TRUST_SKIPS and recognisable(comment):
        fixes.append(Fix("trust", "Approve and trust this commenter"))
    return fixes


# The holds a trusted commenter skips (see ``moderation.judge``).
TRUST_SKIPS = {Rule.LINKS, Rule.TOO_FAST, Rule.NEW}


def apply_fix(comment, code, by, base_url):
    """Apply the one-click fix ``code`` for the held ``comment`` and approve it; return what
    was done. Raises ``services.NotAllowed`` when the fix no longer applies (decided meanwhile).
    ``base_url``: the site's address, for the emails the approval sends.
    """
    operation = FIXES.get(code)
    if operation is None:
        raise services.NotAllowed("There is no such fix: nothing was changed.")
    return _fix_and_approve(comment, code, by, base_url, lambda held: operation(held, by))


def narrow_blocked_term(comment, value, by, base_url):
    """Narrow the blocklist entry that held ``comment`` to ``value``, which must no longer
    catch it, and approve the comment. Raises ``ValidationError`` for a value the entry cannot
    take, ``services.NotAllowed`` when the fix no longer applies."""
    return _fix_and_approve(
        comment, "narrow", by, base_url, lambda held: _narrow(held, value.strip(), by)
    )


def _fix_and_approve(comment, code, by, base_url, tune):
    with transaction.atomic():
        services.begin_change(comment.post_id, seen=False)  # approving counts it
        held = Comment.objects.select_for_update().get(pk=comment.pk)
        if code not in {offered.code for offered in fixes_for(held)}:
            raise services.NotAllowed(
                f"Comment #{held.pk} is no longer held by that rule: nothing was changed."
            )
        done = tune(held)
        services.moderate(
            held,
            Action.APPROVE,
            by,
            reason=f"Approved by {person_name(by)}, who {done[0].lower()}{done[1:]}",
            expected=Comment.Status.PENDING,
            base_url=base_url,
        )
    comment.refresh_from_db()
    return done


def _tuned(held, by, before, after, reason):
    services.record(
        post_id=held.post_id,
        comment=held,
        action=Action.TUNE,
        actor=by,
        before=str(before),
        after=str(after),
        reason=reason,
    )
    return reason


def _set_threshold(held, by, name, value, better):
    """Move threshold ``name`` to ``value`` unless it is already ``better`` (a comparison)."""
    row = Threshold.objects.select_for_update().filter(name=name).first()
    before = row.value if row else Threshold.default(name)
    label = Threshold.Name(name).label.lower()
    if better(before, value):
        return f"Kept the {label} at {before}: it was tuned meanwhile."
    Threshold.objects.update_or_create(name=name, defaults={"value": value, "changed_by": by})
    reason = f"Changed the {label} from {before} to {value} (comment #{held.pk})."
    return _tuned(held, by, before, value, reason)


def _raise_link_limit(held, by):
    links = held.hold_detail["links"]
    return _set_threshold(held, by, Threshold.Name.MAX_LINKS, links, lambda now, new: now >= new)


def _lower_wait(held, by):
    seconds = held.hold_detail["elapsed"]
    return _set_threshold(
        held, by, Threshold.Name.MIN_SECONDS, seconds, lambda now, new: now <= new
    )


def _trust(held, by):
    who = (
        {"user": held.user}
        if held.user_id
        else {
            "browser_key": held.browser_key,
            "email": held.author_email.lower(),
        }
    )
    _, created = TrustedCommenter.objects.get_or_create(
        **who, defaults={"comment": held, "trusted_by": by}
    )
    name = f"\u2068{held.author_name}\u2069"
    if not created:
        return f"Found {name} trusted already."
    where = "their account" if held.user_id else "their email on this browser"
    reason = f"Trusted {name} ({where}): no holds for links, speed or new commenters."
    return _tuned(held, by, "", "trusted", reason)


def _remove_blocked_term(held, by):
    term = BlockedTerm.objects.select_for_update().filter(pk=held.hold_detail["term"]).first()
    if term is None:
        return "Found the blocklist entry removed already."
    if not matches(term, held):
        return f"Found the blocklist entry for {describe(term)} narrowed meanwhile: kept it."
    reason = f"Removed the blocklist entry for {describe(term)} (comment #{held.pk})."
    _tuned(held, by, term.action, "removed", reason)
    term.delete()
    return reason


def _narrow(held, value, by):
    term = BlockedTerm.objects.select_for_update().filter(pk=held.hold_detail["term"]).first()
    if term is None:
        raise services.NotAllowed("That blocklist entry was removed meanwhile: approve instead.")
    before = term.value
    term.value = value
    term.clean()  # a ValidationError names the field
    if matches(term, held):
        raise ValidationError({"value": "This still catches the comment: narrow it further."})
    if BlockedTerm.objects.filter(kind=term.kind, value=term.value).exclude(pk=term.pk).exists():
        raise ValidationError({"value": "The blocklist has this entry already."})
    term.save(update_fields=["value"])
    if term.kind == BlockedTerm.Kind.PHRASE:
        what = f"blocked phrase “{before}” to “{term.value}”"
    else:  # emails and addresses are for moderators' eyes: the log names the entry
        what = f"blocklist entry #{term.pk} ({term.get_kind_display().lower()})"
    reason = f"Narrowed the {what} so it no longer catches comment #{held.pk}."
    return _tuned(held, by, "", "narrowed", reason)


FIXES = {
    "links": _raise_link_limit,
    "wait": _lower_wait,
    "trust": _trust,
    "unblock": _remove_blocked_term,
}
