"""Who reaches what at the admin's edges: its "View on site" links and its login lockout."""

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site": only for an object this user may see in the admin, else 404.

    Django's own shortcut sends any staff member to any object's page, which for another
    author's draft reveals its address. Here the object's admin decides first, as its change
    page would; an object shown inline (a post's related media) is decided by its parent's admin.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        model = None
    if model is None or not _visible_in_admin(request, model, object_id):
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)


def _admin_object(request, model, object_id):
    """The object, if ``model`` has an admin that shows it to this user; else None."""
    if not admin.site.is_registered(model):
        return None
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, str(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        return None
    return obj


def _visible_in_admin(request, model, object_id):
    if admin.site.is_registered(model):
        return _admin_object(request, model, object_id) is not None
    try:
        obj = model._default_manager.filter(pk=object_id).first()
    except (ValidationError, ValueError):  # not a key of this model's type
        obj = None
    if obj is None:
        return False
    for field in model._meta.concrete_fields:
        if not field.is_relation or getattr(obj, field.attname) is None:
            continue
        parent = _admin_object(request, field.related_model, getattr(obj, field.attname))
        if parent is not None and any(
            inline.model is model
            for inline in admin.site.get_model_admin(field.related_model).get_inline_instances(
                request, parent
            )
        ):
            return True
    return False


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: when to try again, as a page and a header."""
    cool_off, now = settings.AXES_COOLOFF_TIME, timezone.now()
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "now": now,
        "retry_at": now + cool_off,
    }
    response = render(
        request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
