"""A commenter's own edits, and every reader's view of a comment's earlier versions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from . import editing, services
from .forms import EditForm
from .models import Comment
from .reply_emails import site_url
from .viewer import Viewer
from .views import readable_comment, redirect_to_own


@never_cache
def edit_comment(request, pk):
    """Its author edits a comment while the window is open; refused, their text stays.

    Authorship is proved by the account that wrote it or by this browser's cookie of its
    own comments; to anyone else the page does not exist.
    """
    comment = get_object_or_404(Comment.objects.select_related("post"), pk=pk)
    if not Viewer.of(request, comment.post).wrote(comment):
        raise Http404("No such comment.")
    was = comment.status
    form = EditForm(request.POST or None, instance=comment)
    refusal = editing.refusal(comment)
    if request.method == "POST" and refusal is None and form.is_valid():
        if not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return redirect_to_own(request, comment)
        author = request.user if request.user.is_authenticated else None
        try:
            comment = services.edit(
                comment, form.cleaned_data["body"], by=author, base_url=site_url(request)
            )
        except services.NotAllowed as refused:  # the window closed, or a moderator decided
            refusal = str(refused)
        else:
            messages.success(request, _saved(was, comment))
            return redirect_to_own(request, comment)
    context = {
        "comment": comment,
        "form": form,
        "refusal": refusal,
        "editable_until": editing.editable_until(comment),
    }
    status = 200 if request.method != "POST" else 403 if refusal else 400
    return render(request, "comments/edit.html", context, status=status)


def _saved(was, comment):
    if comment.status == Comment.Status.APPROVED:
        return "Your edit is saved."
    if was == Comment.Status.APPROVED:
        return (
            f"Your edit is saved. {comment.status_reason} "
            "Your comment will show again once a moderator approves it."
        )
    return "Your edit is saved; it is awaiting moderation."


def history(request, pk):
    """A comment's earlier versions, newest first: those readers saw, or all of them for its
    writer and moderators (a version replaced before approval was never public)."""
    comment, viewer = readable_comment(request, pk)
    revisions = comment.revisions.all()
    if not (viewer.moderates or viewer.wrote(comment)):
        revisions = revisions.filter(public=True)  # never approved, never shown to readers
    context = {
        "comment": comment,
        "revisions": revisions,
        "in_place": viewer.location_of(comment),
    }
    return render(request, "comments/history.html", context)
