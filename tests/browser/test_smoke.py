"""Smoke test in a real browser: the home page and every sidebar page render without exception."""
from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest
from browser_helpers import assert_no_exception, nav_links, wait_idle

pytestmark = pytest.mark.browser


def _path(url: str) -> str:
    return urlparse(url).path.rstrip("/")


def _expand_nav(page) -> None:
    """Streamlit folds long page lists behind a 'View more' button: unfold it."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and more.first.is_visible() and "more" in more.first.inner_text().lower():
        more.first.click()


def test_every_page_renders(page, app_url, tmp_path):
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stApp"]')
    wait_idle(page)
    assert_no_exception(page)
    page.screenshot(path=str(tmp_path / "00-home.png"), full_page=True)

    _expand_nav(page)
    links = nav_links(page)
    titles = [t.strip() for t in links.all_inner_texts()]
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    # A single-page app (no pages/ yet) has no sidebar nav: the home page check suffices.
    visited = []
    for i, (title, href) in enumerate(zip(titles, hrefs), start=1):
        _expand_nav(page)
        link = nav_links(page).nth(i - 1)
        assert link.inner_text().strip() == title, "sidebar nav changed while clicking through it"
        link.click()
        if href:
            want = _path(urljoin(page.url, href))
            page.wait_for_url(lambda url, want=want: _path(url) == want)
        wait_idle(page)
        assert_no_exception(page)
        safe = "".join(c if c.isalnum() else "-" for c in title)[:40]
        page.screenshot(path=str(tmp_path / f"{i:02d}-{safe}.png"), full_page=True)
        visited.append(title)
    assert visited == titles
