"""Who may see and edit which posts: one rule for the admin and the preview pages."""


def edits_all_posts(user):
    """Superusers and editors edit every post; authors only their own."""
    return user.has_perm("blog.change_any_post")


def sees_all_posts(user):
    """Moderators also see every post (to open and close discussions), read-only."""
    return edits_all_posts(user) or user.has_perm("blog.change_discussion")
