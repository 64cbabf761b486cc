import re
import threading

import pytest
from django.db import connection
from django.test import Client

from blog.models import Post
from comments.closing import load_state
from comments.models import Comment

WRITERS = 8
ATTEMPTS_EACH = 12


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_no_comment_is_accepted_after_the_discussion_is_closed(
    make_post, comment_data, django_user_model, settings
):
    """Comments racing a moderator's close are stored before it or refused, never after."""
    settings.COMMENTS_RATE_LIMIT = 10_000
    post = make_post()
    moderator = django_user_model.objects.create_superuser("boss", password="pw")
    accepted, refused, errors = [], [], []
    enough_accepted = threading.Event()
    lock = threading.Lock()

    def write(number):
        client = Client(REMOTE_ADDR=f"192.0.2.{number + 1}")
        try:
            for attempt in range(ATTEMPTS_EACH):
                body = f"writer {number} attempt {attempt}"
                response = client.post(
                    f"/posts/{post.slug}/comment/", comment_data(post, body=body)
                )
                with lock:
                    if response.status_code == 302:
                        accepted.append(int(re.search(r"#comment-(\d+)", response["Location"])[1]))
                        if len(accepted) >= WRITERS * 2:
                            enough_accepted.set()
                    elif response.status_code == 403:
                        refused.append(body)
                    else:
                        errors.append(response.status_code)
        finally:
            connection.close()

    snapshot = []

    def close():
        try:
            enough_accepted.wait(timeout=30)
            admin = Client()
            admin.force_login(moderator)
            response = admin.post(
                "/admin/blog/post/", {"action": "close_comments", "_selected_action": [post.pk]}
            )
            assert response.status_code == 302
            # Everything committed by now is all that may ever be stored.
            snapshot.extend(Comment.objects.values_list("pk", flat=True))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert load_state(Post.objects.get(pk=post.pk)).closed
    assert accepted, "some comments should land before the close"
    assert refused, "some comments should arrive after the close"
    stored = set(Comment.objects.values_list("pk", flat=True))
    assert stored == set(snapshot), "a comment was stored after the close committed"
    assert set(accepted) == stored
    assert len(accepted) + len(refused) == WRITERS * ATTEMPTS_EACH
