"""The Build page in a real browser: change the cell, upload a good and a bad CSV, take screenshots."""
from __future__ import annotations

from browser_helpers import assert_no_exception, goto_page, pick, wait_idle

# 200 rows: the default T = 50 needs 3·T + 4 = 154 values (training, validation and test parts)
ROWS = [f"{2020 + d // 336}-{1 + d // 28 % 12:02d}-{1 + d % 28:02d},{(d * 7) % 23}" for d in range(200)]
GOOD_CSV = "\n".join(["date,temp", *ROWS])
BAD_CSV = "\n".join(["date,temp", *ROWS[:10], "2024-01-11,warm", *ROWS[11:]])  # line 12 is not a number


def equations(page) -> str:
    """The TeX source of every formula on the page (KaTeX keeps it in a MathML annotation)."""
    return " ".join(page.get_by_test_id("stMain").locator(".katex-mathml annotation").all_text_contents())


def summary(page) -> str:
    """The one-line description of the network under 'Your network'."""
    return page.get_by_test_id("stMain").locator("p", has_text="units,").first.inner_text()


def choose(page, label: str, option: str) -> None:
    pick(page, page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text=label).first, option)
    wait_idle(page)


def upload(page, name: str, text: str) -> None:
    page.get_by_test_id("stMain").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    wait_idle(page)


def test_build_page(page, app_url, shots):
    page.goto(app_url)
    wait_idle(page)
    page.wait_for_selector(".main-svg")
    assert_no_exception(page)
    page.screenshot(path=str(shots / "home-1280x800.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(shots / "home-1920x1080.png"))
    page.set_viewport_size({"width": 1280, "height": 800})

    goto_page(page, app_url, "Build")
    page.wait_for_selector('[data-testid="stMain"] .main-svg')
    assert_no_exception(page)
    assert "c_t" in equations(page) and "r_t" not in equations(page)  # LSTM by default

    choose(page, "Cell", "GRU")
    assert_no_exception(page)
    tex = equations(page)
    assert all(g in tex for g in ("r_t", "z_t", "n_t")) and "c_t" not in tex
    assert summary(page).startswith("GRU")
    page.screenshot(path=str(shots / "build-1280x800.png"))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=str(shots / "build-1920x1080.png"))
    page.set_viewport_size({"width": 1280, "height": 800})

    choose(page, "Task", "Your CSV")
    upload(page, "weather.csv", GOOD_CSV)
    assert_no_exception(page)
    assert page.get_by_test_id("stAlertContentError").count() == 0
    built = summary(page)
    assert "Your CSV" in built

    upload(page, "broken.csv", BAD_CSV)
    assert_no_exception(page)
    error = page.get_by_test_id("stAlertContentError")
    error.first.wait_for()
    assert "'warm' is not a finite number" in error.first.inner_text()
    assert summary(page) == built  # the network and its data were kept
    error.first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "build-upload-error.png"))


def test_build_a_bidirectional_peephole_lstm(page, app_url, shots):
    """The Bidirectional toggle is off and disabled on a forecasting task, works on the sum of neighbours, and the
    page then shows both directions' equations and a diagram of two chains per layer."""
    goto_page(page, app_url, "Build")
    page.wait_for_selector('[data-testid="stMain"] .main-svg')
    toggle = page.get_by_test_id("stMain").get_by_role("switch", name="Bidirectional")
    assert toggle.is_disabled() and not toggle.is_checked()  # the default task forecasts a sine
    choose(page, "Task", "Sum of neighbours (needs both sides)")
    choose(page, "Cell", "Peephole LSTM")
    toggle = page.get_by_test_id("stMain").get_by_role("switch", name="Bidirectional")
    assert toggle.is_enabled()
    page.get_by_test_id("stMain").get_by_text("Bidirectional", exact=True).click()
    wait_idle(page)
    assert_no_exception(page)
    page.get_by_test_id("stMain").locator("p", has_text="Bidirectional Peephole LSTM").first.wait_for()
    tex = equations(page)
    assert r"\overleftarrow{h}_{t+1}" in tex and r"w_{ci}" in tex
    assert page.get_by_test_id("stMain").locator(".main-svg text", has_text="←").count() == 4  # 4 steps, 1 layer
    page.get_by_test_id("stMain").locator(".main-svg").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "build-bidirectional.png"))
