import hashlib
import html
import time
import unicodedata
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags

from .models import Comment, Report, Subscription
from .moderation import Rule, Verdict, hold
from .post_authors import signature
from .sanitize import render_comment_html

FORM_SALT = "comments.form"
# A form open longer than this is re-issued rather than trusted: its signed timestamp
# could otherwise be replayed by a bot forever.
FORM_MAX_AGE = 2 * 24 * 3600
# Newlines and tabs are how people type; every other control character is refused.
ALLOWED_CONTROL = {"\n", "\r", "\t"}


def refuse_control_characters(value):
    if any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROL for c in value):
        raise forms.ValidationError(
            "This contains invisible control characters; please remove them.", code="control"
        )


# Letters of some scripts that show as blank space (Hangul fillers, the blank Braille pattern),
# and marks with no look of their own (grapheme joiner, variation selectors, Mongolian ones).
BLANK_CHARACTERS = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
# Whitespace, controls and format characters (zero-width spaces and joiners, the word joiner,
# the byte order mark, soft hyphens, bidi controls, tags...).
INVISIBLE_CATEGORIES = {"Zs", "Zl", "Zp", "Cc", "Cf"}


def is_invisible(char):
    return (
        char.isspace()
        or unicodedata.category(char) in INVISIBLE_CATEGORIES
        or char in BLANK_CHARACTERS
    )


def shows_nothing(text):
    return all(map(is_invisible, text))


def refuse_invisible_name(value):
    if shows_nothing(value):
        raise forms.ValidationError(
            "Your name shows no letters: it has only spaces or invisible characters.",
            code="invisible",
        )


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(text):
    """The text as a duplicate check compares it: whitespace and case do not count."""
    return digest(" ".join(text.split()).casefold())


def issue(post, at=None):
    """A new form token: which post the form is for and when it was shown, signed."""
    at = time.time() if at is None else at
    return signing.dumps({"post": post.pk, "at": at}, salt=FORM_SALT)


class CommentForm(forms.ModelForm):
    """A reader's comment, with the bot traps riding along as hidden fields.

    Bot traps never show an error, so a bot learns nothing: a filled honeypot is kept as
    spam; a form sent too fast, unsigned or used twice waits for a moderator with the reason
    (a person whose browser filled the form in for them must not lose their comment).
    """

    author_url = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Optional.",
    )
    remember = forms.BooleanField(
        label="Remember my name, email and website on this browser",
        required=False,
    )
    notify = forms.ChoiceField(
        label="Email me",
        choices=Subscription.Wants.choices,
        required=False,
        initial=Subscription.Wants.NOTHING,
        widget=forms.RadioSelect,
        help_text="Once your comment is published, we email you a link to confirm. "
        "Every email has a link to stop them.",
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Humans never see it (moved off-screen by CSS and hidden from assistive technology); the
    # name tempts bots, while browsers have no autofill rule for it.
    homepage_url = forms.CharField(required=False, label="Leave this field empty")
    issued = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "author_url", "body"]
        labels = {"author_name": "Name", "author_email": "Email", "body": "Comment"}
        help_texts = {
            "author_email": "Never shown publicly.",
            "body": "You may use <em>, <strong>, <code>, <pre>, <blockquote>, lists and "
            "links; a blank line starts a new paragraph.",
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, post, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.user = user if user is not None and user.is_authenticated else None
        self.fields["body"].validators.append(refuse_control_characters)
        self.fields["author_name"].validators += [refuse_control_characters, refuse_invisible_name]
        self.fields["author_url"].widget.attrs["autocomplete"] = "url"
        if self.user:
            for name in ("author_name", "author_email", "author_url", "remember"):
                del self.fields[name]
            if not self.user.email:
                del self.fields["notify"]  # nowhere to write to
        if not self.is_bound:
            self.initial["issued"] = issue(post)

    def _issued(self):
        """The signed issue record sent back with the form, or None if missing or forged."""
        try:
            issued = signing.loads(self.cleaned_data.get("issued") or "", salt=FORM_SALT)
        except signing.BadSignature:
            return None
        return issued if issued.get("post") == self.post.pk else None

    def clean(self):
        cleaned_data = super().clean()
        issued = self._issued()
        if issued and time.time() - issued.get("at", 0) > FORM_MAX_AGE:
            # The re-rendered form carries a fresh record, dated as if the page had been open
            # long enough (a human has read it), so sending it again at once works.
            self.data = self.data.copy()
            self.data["issued"] = issue(self.post, at=time.time() - settings.COMMENTS_MIN_SECONDS)
            raise forms.ValidationError(
                "This page was open for more than two days, so your comment was not posted. "
                "It is kept below: please send it again.",
                code="expired",
            )
        return cleaned_data

    def clean_body(self):
        """The comment as readers will see it has some text: not only invisible characters,
        character references to them (``&#8203;``), HTML comments or empty tags."""
        body = self.cleaned_data["body"]
        if shows_nothing(html.unescape(strip_tags(render_comment_html(body)))):
            raise forms.ValidationError(
                "Your comment would show no text: it has only spaces, invisible characters "
                "or empty tags.",
                code="invisible",
            )
        return body

    def clean_parent(self):
        """A reply answers a published comment of the same post."""
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.filter(post=self.post, pk=parent_id).first()
        if parent is None or not parent.accepts_replies:
            raise forms.ValidationError(
                "The comment you are replying to is no longer available.", code="parent"
            )
        return parent

    @cached_property
    def signed_as(self):
        """How a logged-in member's comment will be signed ("Commenting as…")."""
        return signature(self.user, self.post)

    @property
    def trap(self):
        """The verdict of the bot check this submission tripped, or None.

        How fast the form came back is for the rules to judge (``elapsed``): its minimum is
        tuned by moderators, and trusted commenters skip it.
        """
        if self.cleaned_data.get("homepage_url"):
            return Verdict(Comment.Status.SPAM, "Spam: the hidden honeypot field was filled in.")
        if self._issued() is None:
            return hold("the form's signed timestamp was missing or forged.", Rule.UNSIGNED)
        if self._form_used_before():
            return hold("this form had already been used to send a comment.", Rule.REUSED)
        return None

    @property
    def elapsed(self):
        """Seconds between showing the form and sending it, or None for an unsigned form."""
        issued = self._issued()
        return None if issued is None else time.time() - issued.get("at", 0)

    def _form_used_before(self):
        """A double click is a duplicate, refused before this matters; anything else is a replay."""
        since = timezone.now() - timedelta(seconds=FORM_MAX_AGE)
        return Comment.objects.filter(
            post=self.post, created_at__gte=since, form_token=digest(self.cleaned_data["issued"])
        ).exists()

    def save(self, commit=True):
        comment = super().save(commit=False)
        comment.post = self.post
        comment.parent = self.cleaned_data.get("parent")
        comment.fingerprint = fingerprint(comment.body)
        issued = self.cleaned_data.get("issued")
        comment.form_token = digest(issued) if issued else ""
        if self.user:
            comment.user = self.user
            name, comment.by_post_author = self.signed_as
            comment.author_name = name[: Comment._meta.get_field("author_name").max_length]
            comment.author_email = self.user.email
        if commit:
            comment.save()
        return comment


class EditForm(forms.ModelForm):
    """Its author's new text for a comment: the same checks as the text of a new one."""

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Your comment"}
        help_texts = {"body": CommentForm.Meta.help_texts["body"]}
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].validators.append(refuse_control_characters)

    clean_body = CommentForm.clean_body


class ReportForm(forms.ModelForm):
    """Why a reader asks moderators to look at a comment: a reason, and a note if they wish."""

    class Meta:
        model = Report
        fields = ["reason", "note"]
        labels = {"reason": "What is wrong with it?", "note": "Anything moderators should know"}
        help_texts = {"note": "Optional, up to 500 characters; only moderators read it."}
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
        }
        error_messages = {
            "reason": {
                "required": "Choose what is wrong with the comment.",
                "invalid_choice": "Choose one of the reasons listed.",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.Reason.choices  # no blank choice among radios
        self.fields["note"].validators.append(refuse_control_characters)
