"""Who may see and edit which posts: one rule for the admin and the preview pages."""


def edits_all_posts(user):
    """Superusers and editors edit every post; authors only their own."""
    return user.has_perm("blog.change_any_post")


def sees_all_posts(user):
    """Moderators also see every post (to open and close discussions), read-only."""
    return edits_all_posts(user) or user.has_perm("blog.change_discussion")


def may_edit(user, post):
    """Editors edit every post, authors their own (the admin applies the same rule)."""
    return user.has_perm("blog.change_post") and (
        edits_all_posts(user) or post.author.user_id == user.pk
    )
