"""The readers' reports in the moderation queue: its Reported tab, and what each row shows of
a comment's open reports, read in the row's own query."""

from collections import Counter

from django.contrib import admin
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import JSONObject
from django.utils.html import format_html, format_html_join

from . import services
from .models import Report

# The Reported tab (after Pending): comments with open reports, whatever their status.
REPORTED = "reported"


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers reported and no moderator has dealt with yet, most reported first
    (the queue's Reported tab, ``?reported=open``)."""

    title = "readers' reports"
    parameter_name = REPORTED
    OPEN = "open"

    def lookups(self, request, model_admin):
        return [(self.OPEN, "Open reports")]

    def queryset(self, request, queryset):
        if self.value() != self.OPEN:
            return queryset
        return queryset.filter(Exists(Report.objects.open().filter(comment=OuterRef("pk"))))


def open_report_count():
    open_reports = Report.objects.open().filter(comment=OuterRef("pk")).order_by()
    return Subquery(open_reports.values("comment").annotate(n=Count("*")).values("n"))


def open_reports(with_notes):
    """Each comment's open reports, as [{"reason": …, "note": …}], in the row's own query.

    Readers write their notes for moderators (the report form says so): others get none.
    """
    note = F("note") if with_notes else Value("")
    return ArraySubquery(
        Report.objects.open()
        .filter(comment=OuterRef("pk"))
        .order_by("created_at", "id")
        .values(json=JSONObject(reason="reason", note=note))
    )


def reports_summary(reports):
    """A row's open reports: how many, their reasons with counts, and the readers' notes."""
    if not reports:
        return ""
    notes = [report["note"] for report in reports if report["note"]]
    return format_html(
        '<div class="queue-reports"><strong>{}</strong>: {}{}</div>',
        services.reports_label(len(reports), "open report"),
        services.reasons_summary(Counter(report["reason"] for report in reports)),
        format_html(
            '<ul class="queue-report-notes">{}</ul>',
            format_html_join("", "<li>“<bdi>{}</bdi>”</li>", ((note,) for note in notes)),
        )
        if notes
        else "",
    )
