"""The post body's rich-text editor: the widget is served, and what it sends is still sanitised."""

from blog.models import Post


def _form_data(author, body):
    return {
        "title": "Night trains",
        "slug": "night-trains",
        "author": author.pk,
        "standfirst": "",
        "body": body,
        "published_at_0": "",
        "published_at_1": "",
        "media-TOTAL_FORMS": "0",
        "media-INITIAL_FORMS": "0",
        "_draft": "1",
    }


def test_add_form_renders_the_editor_under_the_csp_nonce(admin_client):
    """The body is the prose editor, its import map carrying the nonce the CSP header names."""
    response = admin_client.get("/admin/blog/post/add/")
    html = response.content.decode()
    assert "data-django-prose-editor-post=" in html
    assert "js/post_editor.js" in html
    nonce = html.split('<script type="importmap" nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]


def test_editor_html_is_saved_sanitised_and_removals_reported(admin_client, author):
    """Markup the editor makes is kept; a hand-made <script> is removed whole and reported."""
    body = (
        '<h2>Getting there</h2><p><strong>Go</strong> <a href="https://oebb.at/">by train</a></p>'
    )
    response = admin_client.post(
        "/admin/blog/post/add/", _form_data(author, body + "<script>alert(1)</script>"), follow=True
    )
    post = Post.objects.get(slug="night-trains")
    assert post.body == body
    assert "&lt;script&gt; (with its content)" in response.content.decode()
