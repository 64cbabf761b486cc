"""WordPress authors as accounts and author profiles of this site.

An account is created inactive and without a usable password: importing a blog never lets
anyone log in. A login that names an existing account with the same email is that person;
with another email it is someone else, whose account gets a free username (reported). A
login Django's usernames cannot take (``>themereviewteam``) is cleaned to one it can, and an
email address it cannot store is left out: both reported, the import goes on.
"""

import html
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from blog.models import Author

from .models import ImportedAuthor

USERNAME_LENGTH = 150
EMAIL_LENGTH = 254
# What Django's username validator refuses (it takes letters, digits and @.+-_).
_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")


def first_free(value, taken, limit):
    """``value``, or ``value-2``, ``value-3``… the first that ``taken`` says is free."""
    candidate, number = value[:limit], 1
    while taken(candidate):
        number += 1
        suffix = f"-{number}"
        candidate = value[: limit - len(suffix)] + suffix
    return candidate


def clean_login(login):
    """``login`` without what Django's usernames cannot hold: ``>themereviewteam`` and
    ``themereviewteam`` are one person (an item's creator is found by it, too)."""
    return _NOT_IN_USERNAME.sub("", login)[:USERNAME_LENGTH]


def _username(login, report):
    """``login`` as a username Django's validator accepts."""
    username = clean_login(login) or "author"
    if username != login:
        report.warnings.append(
            f"Author “{login}”: not a valid username here, the account is “{username}”."
        )
    return username


def _email(wp_author, report):
    """The author's email, if it is one this site can store."""
    email = wp_author.email
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    if email and len(email) <= EMAIL_LENGTH:
        return email
    if wp_author.email:
        report.warnings.append(
            f"Author “{wp_author.login}”: “{wp_author.email[:80]}” is not a usable email "
            "address, left out."
        )
    return ""


def _account(wp_author, report):
    """The account of ``wp_author``, and whether it was there before."""
    users = get_user_model().objects
    login, email = _username(wp_author.login, report), _email(wp_author, report)
    same = users.filter(username=login).first()
    if same is not None and email and same.email.lower() == email.lower():
        return same, True
    username = first_free(login, lambda name: users.filter(username=name).exists(), USERNAME_LENGTH)
    if username != login:
        report.warnings.append(
            f"Author “{wp_author.login}”: the username “{login}” belongs to another person "
            f"here (another email); the account is “{username}”."
        )
    user = users.model(
        username=username,
        email=email,
        first_name=html.unescape(wp_author.first_name)[:150],
        last_name=html.unescape(wp_author.last_name)[:150],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    return user, False


def _profile(user, wp_author):
    if existing := Author.objects.filter(user=user).first():
        return existing
    name = html.unescape(wp_author.display_name or wp_author.login).strip()[:100]
    slug = first_free(
        slugify(name) or slugify(wp_author.login) or "author",
        lambda slug: Author.objects.filter(slug=slug).exists(),
        100,
    )
    return Author.objects.create(user=user, display_name=name, slug=slug)


def login_key(login):
    """A login as ``ImportedAuthor`` keeps it (as written in the file, cut to fit)."""
    return login[:USERNAME_LENGTH]


def author_for(wp_author, source, report, placeholder=""):
    """The author profile ``wp_author`` is here, created on its first import (found again
    by ``login_key``; the import counts those imported before at its end).

    ``placeholder``: why an item's creator gets an author made from its login (the warning
    says it); "" for an author the export describes.
    """
    known = ImportedAuthor.objects.filter(source=source, login=login_key(wp_author.login))
    if imported := known.select_related("author__user").first():
        return imported.author
    with transaction.atomic():
        user, existed = _account(wp_author, report)
        author = _profile(user, wp_author)
        ImportedAuthor.objects.create(
            author=author, source=source, login=login_key(wp_author.login)
        )
    if placeholder:
        report.authors["placeholder"] += 1
        report.warnings.append(
            f"Creator “{wp_author.login}” {placeholder}: a placeholder author "
            f"“{author.display_name}” was created."
        )
    else:
        report.authors["matched" if existed else "created"] += 1
    return author
