"""The admin's post list fits a 1280 px window and a phone, every column and link in reach."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import VIEWPORTS
from .test_layout import OVERFLOWING

# Each header cell and each row's last links: where they lie, and the box they may scroll in.
# On a phone the rows stack and the headers are hidden; each cell then says what it is.
MEASURE = """() => {
    const rect = el => {
        const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, width: r.width, height: r.height};
    };
    const box = document.querySelector('#changelist-form .results');
    const visible = el => getComputedStyle(el).display !== 'none' && rect(el).width > 0;
    return {
        viewport: window.innerWidth,
        pageWidth: document.documentElement.scrollWidth,
        box: rect(box),
        boxScrolls: box.scrollWidth > box.clientWidth + 1,
        headers: [...document.querySelectorAll('#result_list thead th')].filter(visible)
            .map(th => ({name: th.innerText.trim(), ...rect(th)})),
        cells: [...document.querySelectorAll(
            '#result_list tbody td.field-pending_comments, #result_list tbody td.field-preview_link'
        )].map(td => ({
            name: td.className, text: td.innerText.trim(),
            label: getComputedStyle(td, '::before').content, ...rect(td),
        })),
    };
}"""


@pytest.fixture
def post_list(make_post, make_comment, author):
    """Posts as a real blog has them: long titles, drafts, scheduled, pending comments."""
    author.display_name = "Mara Quist-Oyelaran"
    author.save()
    now = timezone.now()
    titles = [
        "The quiet return of the tram: thirty cities that tore up their tracks lay them again",
        "Bus lanes",
        "Why every ring road promised to end congestion, and what the traffic counts say",
    ]
    for number, title in enumerate(titles):
        post = make_post(title=title, published_at=now - timedelta(days=number + 1))
        make_comment(post, status="pending", body="Is the data public?")
        make_comment(post, status="approved", body="Great piece.")
    make_post(title="A draft about cycle paths and who they are for", status="draft")
    make_post(title="Scheduled: the night bus", published_at=now + timedelta(days=3))


def _problems(layout):
    """Every header cell and the rows' Pending and View links must lie within reach."""
    found = []
    if layout["pageWidth"] > layout["viewport"]:
        found.append(f"the page scrolls sideways: {layout['pageWidth']} > {layout['viewport']}")
    left = max(0, layout["box"]["left"]) - 0.5
    right = min(layout["viewport"], layout["box"]["right"]) + 0.5
    for item in [*layout["headers"], *layout["cells"]]:
        if item["width"] <= 0 or item["left"] < left or item["right"] > right:
            found.append(f"cut off: {item}")
    return found


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_post_list_fits_without_cutting_columns(
    new_page, log_in, django_user_model, post_list, screenshot, axe, viewport
):
    """Every column of the post list, Pending and the View links included, is on the screen."""
    django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    page = log_in(new_page(viewport), "admin")
    page.goto("/admin/blog/post/")
    screenshot(page, f"{viewport}-admin-post-list")
    layout = page.evaluate(MEASURE)
    problems = _problems(layout)
    assert not problems, (problems, page.evaluate(OVERFLOWING))
    assert not layout["boxScrolls"], "the table scrolls inside its box: columns are hidden"
    assert len(layout["cells"]) == 2 * 5
    if viewport == "phone":  # the headers are hidden: each count says what it counts
        pending = [cell for cell in layout["cells"] if "pending" in cell["name"]]
        assert all("Pending" in cell["label"] for cell in pending), pending
    found = axe(page)
    assert not found, axe.describe(found)
