"""The moderator's workbench: the comment queue, a comment's page, the blocklist.

Every change of status goes through ``comments.services``; this module only asks.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Upper
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from blog.permissions import sees_all_posts

from . import services, tuning
from .admin_personal_data import erase_commenters_data, export_commenters_data
from .admin_posts import event_table
from .admin_reports import (
    REPORTED,
    ReportedFilter,
    open_report_count,
    open_reports,
    reports_summary,
)
from .admin_tasks import JobAdmin  # noqa: F401  (registers the queue's list in its CSP-safe form)
from .admin_tuning import NarrowForm, fix_buttons
from .decisions import back, decide, switch_replies
from .models import PENDING_FIRST, BlockedTerm, Comment, ModerationEvent, Report
from .post_authors import moderates, moderates_every_post
from .reply_emails import site_url

Status = Comment.Status
Action = ModerationEvent.Action
# What a commenter shares with moderators only.
PRIVATE_FIELDS = {"author_email", "ip_address", "user_agent"}
# The queue's tabs, and the keys that act on the current row (as in WordPress and Gmail).
TABS = [Status.PENDING, Status.APPROVED, Status.SPAM, Status.TRASH, Status.REJECTED]
# The statuses moderators work through, few beside the approved ones: always counted exactly.
WORKED = [status for status in TABS if status != Status.APPROVED]
# Past this many comments in the table, the All and Approved tabs show PostgreSQL's estimate.
EXACT_COUNT_LIMIT = 10_000
# How many posts the "By post" filter offers: those with the most pending comments.
BUSIEST_POSTS = 20
KEYS = {
    Action.APPROVE: "a",
    Action.SPAM: "s",
    Action.REJECT: "r",
    Action.REMOVE: "t",
    Action.RESTORE: "z",
    Action.UNAPPROVE: "u",
}


def _history_count(status):
    same_email = Comment.objects.filter(
        status=status, author_email__iexact=OuterRef("author_email")
    )
    return (
        same_email.annotate(email=Upper("author_email"))
        .values("email")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


def planned_rows(queryset):
    """How many rows PostgreSQL expects ``queryset`` to return, from its statistics alone."""
    plan = json.loads(queryset.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def about(count):
    """An estimate as a moderator reads it: two significant figures, "about 880,000"."""
    return f"about {number_format(round(count, 2 - len(str(count))), force_grouping=True)}"


class CreatedFilter(admin.DateFieldListFilter):
    """The usual ranges, then one link per year of the queue (``created_at__year``).

    In place of a date hierarchy, whose list of years reads every comment (a DISTINCT over the
    whole table: 300 ms at a million). The first and last dates are those of each status, each
    read from the status index: an index on the date alone would tempt the planner away from
    the status index on the tabs, and scan the table for a status whose comments are all old.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg_year = f"{field_path}__year"
        super().__init__(field, request, params, model, model_admin, field_path)
        queue = model_admin.queue(request).values_list(field_path, flat=True)
        ends = [
            queue.filter(status=status).order_by(order)[:1]
            for status in Status
            for order in (field_path, f"-{field_path}")
        ]
        dates = list(ends[0].union(*ends[1:], all=True))
        if dates:
            first, last = (timezone.localtime(date).year for date in (min(dates), max(dates)))
            self.links += tuple(
                (str(year), {self.lookup_kwarg_year: year}) for year in range(last, first - 1, -1)
            )

    def expected_parameters(self):
        return [*super().expected_parameters(), self.lookup_kwarg_year]


class BusiestPostFilter(admin.RelatedFieldListFilter):
    """The posts with the most pending comments, and the post chosen (``post__id__exact``).

    Offering every post with comments read the whole table and listed thousands of posts. Any
    post can still be chosen in the URL, as the post list's pending counts and the moderator's
    bar on a post page link to it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "post with pending comments"

    def has_output(self):
        """Shown with one post to offer, or none but the one chosen: Django applies only the
        filters it shows, and a post chosen from elsewhere must still narrow the list."""
        return bool(self.lookup_choices or self.lookup_val)

    def field_choices(self, field, request, model_admin):
        queue = model_admin.queue(request).order_by()
        busiest = (
            queue.pending()
            .values_list("post", "post__title")
            .annotate(pending=Count("*"))  # of rows, not ids: read from the index alone
            .order_by("-pending", "post__title")[:BUSIEST_POSTS]
        )
        choices = [(pk, f"{title} ({pending})") for pk, title, pending in busiest]
        offered = {str(pk) for pk, _ in choices}
        chosen = [pk for pk in self.lookup_val or () if pk not in offered]
        if chosen:  # a post from the post list: named only if this person sees its comments
            choices += queue.filter(post__in=chosen).values_list("post", "post__title").distinct()
        return choices


def _apply(modeladmin, request, queryset, action, **options):
    """Apply ``action`` to each selected comment; report the ones it did not apply to."""
    done, refused = 0, []
    for comment in queryset.order_by():
        if not comment.moderatable:
            refused.append(f"Comment #{comment.pk} is on another author's post: not changed.")
            continue
        try:
            services.moderate(comment, action, request.user, base_url=site_url(request), **options)
            done += 1
        except services.NotAllowed as refusal:
            refused.append(str(refusal))
    if done:
        label = Action(action).label.lower()
        modeladmin.message_user(request, f"{done} comment(s) {label}.", messages.SUCCESS)
    for refusal in refused:
        modeladmin.message_user(request, refusal, messages.WARNING)


@admin.action(description="Approve selected comments", permissions=["moderate"])
def approve(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.APPROVE)


@admin.action(description="Reject selected comments", permissions=["moderate"])
def reject(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.REJECT)


@admin.action(description="Mark selected comments as spam", permissions=["moderate"])
def mark_spam(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.SPAM)


@admin.action(description="Restore selected comments from trash or spam", permissions=["moderate"])
def restore(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.RESTORE)


class RemoveForm(forms.Form):
    replies = forms.ChoiceField(
        label="Their replies",
        choices=services.RepliesFate.choices,
        initial=services.RepliesFate.KEEP,
        widget=forms.RadioSelect,
    )


@admin.action(description="Move selected comments to the trash", permissions=["moderate"])
def move_to_trash(modeladmin, request, queryset):
    """Comments with replies first ask what becomes of the replies (kept, by default)."""
    with_replies = [comment for comment in queryset if comment.has_replies]
    form = RemoveForm(request.POST if "replies" in request.POST else None)
    if with_replies and not form.is_valid():
        return modeladmin.remove_confirmation(request, list(queryset), with_replies, form)
    fate = form.cleaned_data["replies"] if form.is_bound else services.RepliesFate.KEEP
    _apply(modeladmin, request, queryset, Action.REMOVE, replies=fate)
    return None


@admin.action(
    description="Delete selected comments permanently (trash only)", permissions=["delete"]
)
def delete_permanently(modeladmin, request, queryset):
    """Deleting is the last step of the trash: anything else is moved there first."""
    if request.POST.get("post") != "yes":
        return TemplateResponse(
            request,
            "admin/comments/comment/delete_permanently.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": "Delete comments permanently?",
                "comments": list(queryset),
                "opts": modeladmin.model._meta,
                "action_name": "delete_permanently",
            },
        )
    deleted, refused = 0, []
    for comment in queryset.order_by("-depth"):
        try:
            services.delete_permanently(comment, request.user)
            deleted += 1
        except services.NotAllowed as refusal:
            refused.append(str(refusal))
        except Comment.DoesNotExist:
            deleted += 1  # gone with the comment it replied to
    if deleted:
        modeladmin.message_user(request, f"{deleted} comment(s) deleted.", messages.SUCCESS)
    for refusal in refused:
        modeladmin.message_user(request, refusal, messages.WARNING)
    return None


class CommentAdminForm(forms.ModelForm):
    """The status field offers only the moves the transition table allows from here.

    Moving to the trash is not among them: it asks what becomes of the replies (Trash…).
    """

    # The status this page showed, sent back: a decision made meanwhile is not overwritten.
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields and self.instance.pk:
            current = self.instance.status
            self.fields["seen_status"].initial = current
            targets = {current} | {
                services.TRANSITIONS[action].target
                for action in services.allowed_actions(self.instance)
                if action != Action.REMOVE
            }
            self.fields["status"].choices = [
                (value, label) for value, label in Status.choices if value in targets
            ]

    def clean(self):
        """Someone else's decision made while this page was open is not overwritten."""
        cleaned_data = super().clean()
        seen, now = cleaned_data.get("seen_status"), self.initial.get("status")
        if "status" in self.changed_data and seen and seen != now:
            raise forms.ValidationError(
                f"This comment was {Status(now).label.lower()} meanwhile: reload to see it.",
                code="stale",
            )
        return cleaned_data


def action_for(current, target):
    """The moderation action that takes a comment from ``current`` to ``target``."""
    for action, rule in services.TRANSITIONS.items():
        if current in rule.sources and rule.target == target:
            return action
    raise services.NotAllowed(f"A {current} comment cannot become {target}.")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: status tabs, pending first, one-click decisions."""

    form = CommentAdminForm
    list_display = ["comment_cell", "status_cell"]
    list_display_links = None
    list_filter = [
        "status",
        ReportedFilter,
        ("created_at", CreatedFilter),
        ("post", BusiestPostFilter),
    ]
    search_fields = ["author_name", "author_email", "ip_address", "body"]
    list_select_related = ["post", "parent", "moderated_by"]
    list_per_page = 50
    actions = [
        approve,
        reject,
        mark_spam,
        move_to_trash,
        restore,
        delete_permanently,
        export_commenters_data,
        erase_commenters_data,
    ]
    ordering = [PENDING_FIRST.asc(), "-created_at"]
    # Django's other counts would each read the whole table: the total beside a filtered
    # count, and a count per filter choice ("Show counts"). The tabs say how many there are.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    fieldsets = [
        ("Context", {"fields": ["post_link", "parent_context"]}),
        (None, {"fields": ["author_name", "author_email", "author_url", "user", "body"]}),
        ("Versions", {"fields": ["versions"]}),
        (
            "Moderation",
            {"fields": ["status", "seen_status", "status_reason", "moderated_by", "moderated_at"]},
        ),
        ("Origin", {"fields": ["created_at", "edited_at", "ip_address", "user_agent"]}),
        ("History", {"fields": ["history"]}),
    ]
    readonly_fields = [
        "post_link",
        "parent_context",
        "user",
        "status_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
        "edited_at",
        "ip_address",
        "user_agent",
        "versions",
        "history",
    ]

    class Media:
        css = {"all": ["admin/css/moderation.css"]}
        js = ["js/decisions.js", "admin/js/moderation_queue.js"]

    # --- Permissions ---------------------------------------------------------------------------

    def moderates_every_post(self, request):
        """Moderators act on every comment, and alone see what commenters shared with them
        (email, IP address, user agent), the blocklist and the staff reply: an author who
        moderates their posts judges what was said, not who said it."""
        return moderates_every_post(request.user)

    def has_moderate_permission(self, request, obj=None):
        """Moderators decide on every comment; with ``COMMENTS_AUTHORS_MODERATE`` an author on
        those of their own posts (``obj``'s post; with no ``obj``, on some)."""
        if self.moderates_every_post(request):
            return True
        if obj is None:
            # A queue of one's own posts' comments is all theirs to decide; someone who sees
            # every comment (an editor) decides only if they write posts too.
            return settings.COMMENTS_AUTHORS_MODERATE and (
                not self.sees_every_comment(request) or hasattr(request.user, "author")
            )
        return moderates(request.user, obj.post)

    def has_personal_data_permission(self, request):
        return self.moderates_every_post(request)  # commenters' data, on every post

    def has_change_permission(self, request, obj=None):
        if self.moderates_every_post(request):
            return super().has_change_permission(request, obj)
        return self.has_moderate_permission(request, obj)  # an author's decision, or nothing

    def has_add_permission(self, request):
        return False  # Comments come from readers, through the site.

    def has_delete_permission(self, request, obj=None):
        """Permanent deletion is for the trash only, and never of a placeholder for replies."""
        allowed = super().has_delete_permission(request, obj)
        return (
            allowed
            and self.moderates_every_post(request)
            and (obj is None or (obj.status == Status.TRASH and not services.holds_up(obj)))
        )

    def delete_model(self, request, obj):
        services.delete_permanently(obj, request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_permanently
        return actions

    def lookup_allowed(self, lookup, value, request=None):
        """No filtering by a private field in the URL (that would reveal it letter by letter)."""
        if lookup.split("__")[0] in PRIVATE_FIELDS and not (
            request is not None and self.moderates_every_post(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_fields(self, request):
        if self.moderates_every_post(request):
            return self.search_fields
        return [field for field in self.search_fields if field not in PRIVATE_FIELDS]

    def get_fieldsets(self, request, obj=None):
        """Emails and network origins are for moderators; authors read the conversation."""
        if self.moderates_every_post(request):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in PRIVATE_FIELDS]})
            for name, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        # Moderators judge a comment; they do not rewrite what a reader said.
        return [*self.readonly_fields, "author_name", "author_email", "author_url", "body"]

    def get_list_display(self, request):
        if self.moderates_every_post(request):
            return ["comment_cell", "status_cell", "row_actions", "commenter"]
        if self.has_moderate_permission(request):
            return ["comment_cell", "status_cell", "row_actions"]
        return self.list_display

    # --- The queue -----------------------------------------------------------------------------

    def sees_every_comment(self, request):
        return self.moderates_every_post(request) or sees_all_posts(request.user)

    def queue(self, request):
        """The comments this person may list: all of them, or an author's on their posts."""
        queryset = super().get_queryset(request)
        if self.sees_every_comment(request):
            return queryset
        return queryset.filter(post__author__user=request.user)

    def get_queryset(self, request):
        queryset = self.queue(request).annotate(
            has_replies=Exists(Comment.objects.filter(parent=OuterRef("pk"))),
            open_reports=open_reports(with_notes=self.moderates_every_post(request)),
        )
        if self.moderates_every_post(request):
            return queryset.annotate(
                moderatable=Value(True),
                tunes_rules=Value(True),  # the fixes beside Approve change site-wide rules
                approved_by_email=_history_count(Status.APPROVED),
                pending_by_email=_history_count(Status.PENDING),
                spam_by_email=_history_count(Status.SPAM),
            )
        if self.has_moderate_permission(request):
            # An author who also sees others' posts (an editor) acts on their own only.
            own_post = ExpressionWrapper(Q(post__author__user=request.user), BooleanField())
            return queryset.annotate(moderatable=own_post)
        return queryset

    def get_ordering(self, request):
        """Pending first where statuses mix; a status tab in its index's order, newest first;
        the Reported tab most reported first."""
        if request.GET.get(REPORTED) == ReportedFilter.OPEN:
            return [open_report_count().desc(), "-created_at"]
        if "status__exact" in request.GET:
            return ["-created_at"]
        return self.ordering

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": "Moderation queue",
            **(extra_context or {}),
            "status_tabs": self.status_tabs(request),
            "moderates": self.has_moderate_permission(request),
            "keys": [(key, services.TRANSITIONS[action].label) for action, key in KEYS.items()],
        }
        return super().changelist_view(request, extra_context)

    def status_counts(self, request):
        """What each tab of this person's queue shows: a count, or an estimate ("about 880,000").

        The statuses moderators work through are counted through the status index. All and
        Approved grow with the site: past ``EXACT_COUNT_LIMIT`` comments in the whole table,
        counting them would read all of it (350 ms at a million), so All is PostgreSQL's
        estimate and Approved what the other tabs leave of it. An author's share is counted:
        the planner's statistics describe the table, not one author's posts (it guessed 17,000
        of 410,000).
        """
        queue = self.queue(request).order_by()
        # COUNT(*): no column but the status, so the index alone answers. The reported
        # comments are counted in the same query (one row, from the open reports' index).
        reported = (
            Report.objects.open()
            .filter(comment__in=queue)
            .annotate(tab=Value(REPORTED, output_field=CharField()))
            .values_list("tab")
            .annotate(n=Count("comment", distinct=True))
            .order_by()
        )
        worked = dict(
            queue.filter(status__in=WORKED)
            .values_list("status")
            .annotate(n=Count("*"))
            .union(reported, all=True)
        )
        counts = {status: worked.get(status, 0) for status in WORKED}
        exact = {**counts, REPORTED: worked.get(REPORTED, 0)}
        if self.sees_every_comment(request):
            total = queue[: EXACT_COUNT_LIMIT + 1].count()
            if total > EXACT_COUNT_LIMIT:
                total = max(planned_rows(queue), total)
                approved = max(total - sum(counts.values()), 0)
                return {**exact, Status.APPROVED: about(approved), "all": about(total)}
        else:
            total = queue.count()
        return {**exact, Status.APPROVED: total - sum(counts.values()), "all": total}

    def status_tabs(self, request):
        counts = self.status_counts(request)
        reported = request.GET.get(REPORTED) == ReportedFilter.OPEN
        current = REPORTED if reported else request.GET.get("status__exact", "")
        base = reverse("admin:comments_comment_changelist")
        tabs = [("", "All", counts["all"])] + [(s, Status(s).label, counts[s]) for s in TABS]
        tabs.insert(2, (REPORTED, "Reported", counts[REPORTED]))  # after Pending
        return [
            {
                "status": status,
                "label": label,
                "count": count,
                "url": self._tab_url(base, status),
                "current": status == current,
            }
            for status, label, count in tabs
        ]

    @staticmethod
    def _tab_url(base, status):
        if status == REPORTED:
            return f"{base}?{REPORTED}={ReportedFilter.OPEN}"
        return f"{base}?status__exact={status}" if status else base

    @admin.display(description="Comment")
    def comment_cell(self, comment):
        parent = ""
        if comment.parent_id:
            parent = format_html(
                '<p class="queue-parent">In reply to <bdi>{}</bdi>: “<bdi>{}</bdi>”</p>',
                comment.parent.author_name,
                Truncator(comment.parent.body).chars(160),
            )
        label = "Author" if comment.by_post_author else "Staff" if comment.by_staff else ""
        badge = format_html(' <span class="queue-badge">{}</span>', label) if label else ""
        # Readers' pages show approved comments; moderators reach the others from the row.
        on_site = (
            format_html(' · <a href="{}">View on site</a>', comment.get_absolute_url())
            if comment.is_approved
            else ""
        )
        return format_html(
            '<p class="queue-meta"><strong><bdi>{}</bdi></strong>{} on <a href="{}">{}</a>'
            ' · <time datetime="{}">{}</time></p>'
            '{}<div class="queue-body">{}</div>'
            '<p class="queue-links"><a href="{}">Details and history</a>{}</p>',
            comment.author_name,
            badge,
            reverse("admin:blog_post_change", args=[comment.post_id]),
            comment.post,
            comment.created_at.isoformat(),
            date_format(timezone.localtime(comment.created_at), "j M Y, H:i"),
            parent,
            mark_safe(comment.body_html),  # sanitized when the comment was saved
            reverse("admin:comments_comment_change", args=[comment.pk]),
            on_site,
        )

    @admin.display(description="Status", ordering="status")
    def status_cell(self, comment):
        decided = ""
        if comment.moderated_by:
            decided = format_html(
                '<br><span class="queue-by">by <bdi>{}</bdi></span>',
                comment.moderated_by.get_username(),
            )
        return format_html(
            '<strong class="queue-status" data-status="{}">{}</strong>'
            '<br><span class="queue-reason">{}</span>{}{}',
            comment.status,
            comment.get_status_display(),
            comment.status_reason,
            decided,
            reports_summary(comment.open_reports),
        )

    @admin.display(description="Commenter")
    def commenter(self, comment):
        if not comment.author_email:  # erased on request, or imported without one
            return format_html(
                '<span class="queue-email">no email address</span><br>{}{}',
                comment.ip_address or "no IP address",
                self._block_link(comment) if comment.ip_address else "",
            )
        return format_html(
            '<span class="queue-email"><bdi>{}</bdi></span><br>{}'
            '<br><span class="queue-agent">{}</span>'
            '<br><span class="queue-history">History: {} approved · {} pending · {} spam</span>{}',
            comment.author_email,
            comment.ip_address or "no IP address",
            Truncator(comment.user_agent).chars(60),
            comment.approved_by_email or 0,
            comment.pending_by_email or 0,
            comment.spam_by_email or 0,
            self._block_link(comment),
        )

    @staticmethod
    def _block_link(comment):
        url = reverse("admin:comments_comment_block", args=[comment.pk])
        return format_html('<br><a href="{}">Block this commenter…</a>', url)

    @admin.display(description="Decide")
    def row_actions(self, comment):
        if not comment.moderatable:
            return "—"  # another author's post
        # The status shown travels with the press, so a decision made meanwhile is kept.
        act = f"{reverse('admin:comments_comment_act', args=[comment.pk])}?from={comment.status}"
        buttons = []
        for action in services.allowed_actions(comment):
            label = services.TRANSITIONS[action].label
            if action == Action.REMOVE and comment.has_replies:
                url = reverse("admin:comments_comment_remove", args=[comment.pk])
                buttons.append(
                    format_html(
                        '<a class="button" href="{}" data-action="{}" data-key="{}">{}…</a>',
                        url,
                        action,
                        KEYS[action],
                        label,
                    )
                )
                continue
            buttons.append(
                format_html(
                    '<button type="submit" form="row-actions" formaction="{}" name="action" '
                    'value="{}" data-action="{}" data-key="{}" class="button">{}</button>',
                    act,
                    action,
                    action,
                    KEYS[action],
                    label,
                )
            )
            if action == Action.APPROVE and getattr(comment, "tunes_rules", False):
                buttons.append(fix_buttons(comment))
        if comment.open_reports:
            buttons.append(
                format_html(
                    '<button type="submit" form="row-actions" formaction="{}" '
                    'data-action="dismiss" class="button">Dismiss reports</button>',
                    reverse("admin:comments_comment_dismiss_reports", args=[comment.pk]),
                )
            )
        if not comment.is_approved:
            buttons.append(format_html('<a href="{}">View on site</a>', comment.get_absolute_url()))
        return format_html('<div class="queue-actions">{}</div>', mark_safe(" ".join(buttons)))

    # --- A comment's page ----------------------------------------------------------------------

    @admin.display(description="Post", ordering="post__title")
    def post_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.post.get_absolute_url(), comment.post)

    @admin.display(description="In reply to")
    def parent_context(self, comment):
        if comment.parent is None:
            return "—"
        parent = comment.parent
        return format_html(
            "<bdi>{}</bdi> wrote: “<bdi>{}</bdi>”",
            parent.author_name,
            Truncator(parent.body).chars(300),
        )

    @admin.display(description="Every version")
    def versions(self, comment):
        """What its author wrote, newest first: the text now, then each one an edit replaced."""
        if comment.edited_at is None:
            return "Not edited."
        revisions = list(comment.revisions.all())
        texts = [("Current", comment.edited_at, comment.body_html)] + [
            (
                "As posted" if revision is revisions[-1] else "Edited",
                revision.written_at,
                revision.body_html,
            )
            for revision in revisions
        ]
        return format_html_join(
            "",
            '<div class="comment-version"><p class="queue-meta"><strong>{}</strong> · '
            '<time datetime="{}">{}</time></p><div class="queue-body">{}</div></div>',
            (
                (
                    label,
                    at.isoformat(),
                    date_format(timezone.localtime(at), "j M Y, H:i"),
                    mark_safe(html),  # sanitized when it was written
                )
                for label, at, html in texts
            ),
        )

    @admin.display(description="Moderation log")
    def history(self, comment):
        return event_table(comment.events.select_related("actor"))

    def save_model(self, request, obj, form, change):
        """A new status is a moderation decision: the services make it (and log it)."""
        if "status" in form.changed_data:
            before = form.initial["status"]
            try:
                services.moderate(
                    obj,
                    action_for(before, obj.status),
                    request.user,
                    expected=before,
                    base_url=site_url(request),
                )
            except services.NotAllowed as refusal:  # decided in the instant since the check
                self.message_user(request, str(refusal), messages.ERROR)

    def log_change(self, request, obj, message):
        """The moderation log records decisions; there is nothing else to log here."""

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and self.has_moderate_permission(request, obj):
            context["decide"] = [
                (action, services.TRANSITIONS[action].label)
                for action in services.allowed_actions(obj)
            ]
            context["act_url"] = reverse("admin:comments_comment_act", args=[obj.pk])
            context["remove_url"] = reverse("admin:comments_comment_remove", args=[obj.pk])
            context["replies_url"] = reverse("admin:comments_comment_replies", args=[obj.pk])
        if obj is not None and self.moderates_every_post(request):
            context["reply_url"] = reverse("admin:comments_comment_reply", args=[obj.pk])
            context["may_reply"] = obj.accepts_replies
            context["block_url"] = reverse("admin:comments_comment_block", args=[obj.pk])
            context["fixes"] = tuning.fixes_for(obj)
            context["tune_url"] = reverse("admin:comments_comment_tune", args=[obj.pk])
            context["narrow_url"] = reverse("admin:comments_comment_narrow", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    # --- Views of the workbench ----------------------------------------------------------------

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/act/", view(self.act_view), name="comments_comment_act"),
            path("<int:pk>/remove/", view(self.remove_view), name="comments_comment_remove"),
            path("<int:pk>/reply/", view(self.reply_view), name="comments_comment_reply"),
            path("<int:pk>/block/", view(self.block_view), name="comments_comment_block"),
            path("<int:pk>/replies/", view(self.replies_view), name="comments_comment_replies"),
            path("<int:pk>/tune/", view(self.tune_view), name="comments_comment_tune"),
            path("<int:pk>/narrow/", view(self.narrow_view), name="comments_comment_narrow"),
            path(
                "<int:pk>/dismiss-reports/",
                view(self.dismiss_reports_view),
                name="comments_comment_dismiss_reports",
            ),
            *super().get_urls(),
        ]

    def _moderated_comment(self, request, pk, moderators_only=False):
        """Comment ``pk``, if this person may act on it: 403, or 404 outside their queue.

        ``moderators_only``: the blocklist and the staff reply, not an author's tools.
        """
        allowed = self.moderates_every_post if moderators_only else self.has_moderate_permission
        if not allowed(request):
            raise PermissionDenied
        comment = get_object_or_404(self.queue(request).select_related("post__author"), pk=pk)
        if not self.has_moderate_permission(request, comment):
            raise PermissionDenied
        return comment

    def act_view(self, request, pk):
        """One decision on one comment: a row button, a key, or the comment's page."""
        comment = self._moderated_comment(request, pk)
        if request.method != "POST":
            return redirect("admin:comments_comment_change", pk)
        return decide(
            request,
            comment,
            lambda request, comment: reverse("admin:comments_comment_change", args=[comment.pk]),
            lambda comment: {"counts": self.status_counts(request)},
        )

    def replies_view(self, request, pk):
        """Close or reopen the replies under one comment (as on the post page)."""
        comment = self._moderated_comment(request, pk)
        if request.method == "POST":
            switch_replies(request, comment)
        return redirect("admin:comments_comment_change", pk)

    def tune_view(self, request, pk):
        """A fix beside Approve: tune the rule that held the comment, and approve it."""
        comment = self._moderated_comment(request, pk, moderators_only=True)
        if request.method != "POST":
            return redirect("admin:comments_comment_change", pk)
        try:
            done = tuning.apply_fix(
                comment, request.POST.get("fix", ""), request.user, site_url(request)
            )
        except services.NotAllowed as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Approved the comment by \u2068{comment.author_name}\u2069. {done}",
                messages.SUCCESS,
            )
        return back(
            request,
            comment,
            lambda request, comment: reverse("admin:comments_comment_change", args=[comment.pk]),
        )

    def narrow_view(self, request, pk):
        """Narrow the blocklist entry that held a comment so it lets this one through."""
        comment = self._moderated_comment(request, pk, moderators_only=True)
        term = BlockedTerm.objects.filter(pk=comment.hold_detail.get("term")).first()
        if term is None or "narrow" not in {fix.code for fix in tuning.fixes_for(comment)}:
            self.message_user(
                request, "There is no blocklist entry to narrow for this comment.", messages.ERROR
            )
            return redirect("admin:comments_comment_change", pk)
        form = NarrowForm(request.POST or None, initial={"value": term.value})
        if request.method == "POST" and form.is_valid():
            try:
                done = tuning.narrow_blocked_term(
                    comment, form.cleaned_data["value"], request.user, site_url(request)
                )
            except ValidationError as invalid:
                form.add_error(None, invalid)  # its errors name the field
            except services.NotAllowed as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return redirect("admin:comments_comment_change", pk)
            else:
                self.message_user(
                    request,
                    f"Approved the comment by \u2068{comment.author_name}\u2069. {done}",
                    messages.SUCCESS,
                )
                return redirect(
                    f"{reverse('admin:comments_comment_changelist')}?status__exact=pending"
                )
        return TemplateResponse(
            request,
            "admin/comments/comment/narrow.html",
            {
                **self.admin_site.each_context(request),
                "title": "Narrow the blocklist entry",
                "opts": self.model._meta,
                "comment": comment,
                "term": term,
                "form": form,
            },
        )

    def dismiss_reports_view(self, request, pk):
        """Keep a reported comment as it is: its open reports are resolved (and logged)."""
        comment = self._moderated_comment(request, pk)
        if request.method != "POST":
            return redirect("admin:comments_comment_change", pk)
        try:
            dismissed = services.dismiss_reports(comment, request.user)
        except services.NotAllowed as refusal:
            self.message_user(request, str(refusal), messages.WARNING)
        else:
            self.message_user(
                request,
                f"{services.reports_label(dismissed, 'report')} dismissed: the comment by "
                f"\u2068{comment.author_name}\u2069 stays as it is.",
                messages.SUCCESS,
            )
        return back(
            request, comment, lambda request, comment: reverse("admin:comments_comment_changelist")
        )

    def remove_view(self, request, pk):
        """Move a comment to the trash, choosing the fate of its replies."""
        comment = self._moderated_comment(request, pk)
        form = RemoveForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.moderate(
                    comment, Action.REMOVE, request.user, replies=form.cleaned_data["replies"]
                )
                self.message_user(request, "The comment is in the trash.", messages.SUCCESS)
            except services.NotAllowed as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            return redirect("admin:comments_comment_changelist")
        with_replies = [comment] if comment.replies.exists() else []
        return self.remove_confirmation(request, [comment], with_replies, form, single=True)

    def remove_confirmation(self, request, comments, with_replies, form, single=False):
        return TemplateResponse(
            request,
            "admin/comments/comment/remove_confirmation.html",
            {
                **self.admin_site.each_context(request),
                "title": "Move to the trash?",
                "opts": self.model._meta,
                "comments": comments,
                "with_replies": with_replies,
                "form": form,
                "single": single,
            },
        )

    def reply_view(self, request, pk):
        """A moderator answers from the admin, as themselves, published at once."""
        comment = self._moderated_comment(request, pk, moderators_only=True)
        if request.method != "POST":
            return redirect("admin:comments_comment_change", pk)
        body = request.POST.get("body", "").strip()
        if not body:
            self.message_user(request, "Write a reply first.", messages.ERROR)
            return redirect("admin:comments_comment_change", pk)
        try:
            reply = services.reply_as_staff(comment, request.user, body, site_url(request))
        except services.NotAllowed as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return redirect("admin:comments_comment_change", pk)
        self.message_user(
            request,
            format_html(
                'Your reply is published: <a href="{}">see it</a>.', reply.get_absolute_url()
            ),
            messages.SUCCESS,
        )
        return redirect("admin:comments_comment_change", pk)

    def block_view(self, request, pk):
        """Block a commenter's email or address, after seeing what else that would catch."""
        comment = self._moderated_comment(request, pk, moderators_only=True)
        candidates = _block_candidates(comment)
        if request.method == "POST":
            chosen = {term.kind: term for term, _ in candidates}.get(request.POST.get("kind"))
            action = request.POST.get("block_action", BlockedTerm.Action.SPAM)
            if chosen is None or action not in BlockedTerm.Action.values:
                raise PermissionDenied
            term, created = BlockedTerm.objects.update_or_create(
                kind=chosen.kind,
                value=chosen.value,
                defaults={"action": action, "note": f"From comment #{comment.pk}."},
                create_defaults={
                    "action": action,
                    "note": f"From comment #{comment.pk}.",
                    "created_by": request.user,
                },
            )
            verb = "Blocked" if created else "Updated the blocklist entry"
            self.message_user(
                request, f"{verb}: {term} ({term.get_action_display().lower()}).", messages.SUCCESS
            )
            return redirect("admin:comments_comment_change", pk)
        return TemplateResponse(
            request,
            "admin/comments/comment/block.html",
            {
                **self.admin_site.each_context(request),
                "title": "Block this commenter",
                "opts": self.model._meta,
                "comment": comment,
                "candidates": candidates,
                "actions": BlockedTerm.Action.choices,
            },
        )


def _block_candidates(comment):
    """The entries that would block this commenter, each with the other comments it catches."""
    candidates = []
    if "@" in comment.author_email:  # none once erased, or imported without one
        candidates.append(
            BlockedTerm(kind=BlockedTerm.Kind.EMAIL, value=comment.author_email.lower())
        )
    if comment.ip_address:
        candidates.append(BlockedTerm(kind=BlockedTerm.Kind.IP, value=comment.ip_address))
    found = []
    for term in candidates:
        if term.kind == BlockedTerm.Kind.EMAIL:
            others = Comment.objects.filter(author_email__iexact=term.value)
        else:
            others = Comment.objects.filter(ip_address=term.value)
        others = others.exclude(pk=comment.pk).select_related("post").order_by("-created_at")
        found.append((term, {"count": others.count(), "latest": list(others[:10])}))
    return found


@admin.register(BlockedTerm)
class BlockedTermAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "action", "note", "created_by", "created_at"]
    list_filter = ["kind", "action"]
    search_fields = ["value", "note"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
