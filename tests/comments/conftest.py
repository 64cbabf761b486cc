import pytest


@pytest.fixture
def editor(django_user_model):
    """A staff member of the Editors group: edits every post, closes discussions, no moderation."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "eddie", email="eddie@example.org", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def users(author, editor, moderator, django_user_model):
    """One account per role; the author owns the ``post`` fixture."""
    return {
        "anonymous": None,
        "reader": django_user_model.objects.create_user("rita", password="pw"),
        "author": author.user,
        "editor": editor,
        "moderator": moderator,
        "superuser": django_user_model.objects.create_superuser("root", "root@example.org", "pw"),
    }
