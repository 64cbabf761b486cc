import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.validators import URLValidator

from .models import Comment

FORM_SALT = "comments.form"
# Newlines and tabs are how people type; every other control character is refused.
ALLOWED_CONTROL = {"\n", "\r", "\t"}


def refuse_control_characters(value):
    if any(unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROL for c in value):
        raise forms.ValidationError(
            "This contains invisible control characters; please remove them.", code="control"
        )


class CommentForm(forms.ModelForm):
    """A reader's comment, with the bot traps riding along as hidden fields.

    Bot traps never show an error: ``bot_trap`` names the tripped check and the
    comment is kept as spam, so a bot learns nothing.
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
        self.fields["body"].min_length = 1
        self.fields["body"].validators.append(refuse_control_characters)
        self.fields["author_name"].validators.append(refuse_control_characters)
        self.fields["author_url"].widget.attrs["autocomplete"] = "url"
        if self.user:
            for name in ("author_name", "author_email", "author_url", "remember"):
                del self.fields[name]
        if not self.is_bound:
            self.initial["issued"] = signing.dumps(
                {"post": post.pk, "at": time.time()}, salt=FORM_SALT
            )

    def clean_parent(self):
        """A reply attaches to a visible comment of the same post, within the depth limit."""
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.approved().filter(post=self.post, pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(
                "The comment you are replying to is no longer available.", code="parent"
            )
        if parent.depth >= settings.COMMENTS_MAX_DEPTH - 1:
            parent = parent.parent  # The deepest level replies as a sibling.
        return parent

    @property
    def bot_trap(self):
        """The name of the bot check this submission tripped, or ""."""
        if self.cleaned_data.get("homepage_url"):
            return "honeypot field"
        try:
            issued = signing.loads(self.cleaned_data.get("issued") or "", salt=FORM_SALT)
        except signing.BadSignature:
            return "form signature check"
        if issued.get("post") != self.post.pk:
            return "form signature check"
        if time.time() - issued.get("at", 0) < settings.COMMENTS_MIN_SECONDS:
            return "minimum-time check"
        return ""

    def save(self, commit=True):
        comment = super().save(commit=False)
        comment.post = self.post
        comment.parent = self.cleaned_data.get("parent")
        if self.user:
            comment.user = self.user
            comment.author_name = self.user.get_full_name() or self.user.get_username()
            comment.author_email = self.user.email
        if commit:
            comment.save()
        return comment
