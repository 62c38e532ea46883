"""Sentiment, word by word (issue 12) in a real browser: the preset opens Step through on "this movie is not good"
with the trained weights imported, the words follow the step clock (the outlined word, the step's line), the
running prediction turns at "not"; Build shows the text pipeline and refuses bad labelled CSV files with a clear
message, changing nothing. Screenshot for the README: sentiment-1280x800.png."""
from __future__ import annotations

import re
from urllib.parse import urlparse

import numpy as np
import pytest
import torch
from browser_helpers import assert_no_exception, goto_page, wait_idle
from playwright.sync_api import expect
from test_build_browser import choose, summary, upload
from test_lecture_browser import import_file, main

from explorer.lecture.export import weights_safetensors
from explorer.lecture.presets import PRESETS, load
from explorer.trace.running import running_positive

pytestmark = pytest.mark.browser

KEY = "sentiment-word-by-word"
SLIDER = ".st-key-step_player input[type=range]"
WORDS = ".st-key-step_words .rnnx-words > span"
LINE = ".st-key-step_words_step p"


@pytest.fixture(scope="module")
def trained():
    """The preset trained headless for its budget (~35 s): its weights and its running prediction."""
    torch.set_num_threads(1)
    lab = load(KEY)
    list(lab.trainer.run(PRESETS[KEY].train.steps))
    ids = np.array(lab.task.pipeline("this movie is not good").ids)
    return weights_safetensors(lab.model), running_positive(lab.model, ids)


def load_preset(page, app_url) -> None:
    """Click "Load" on the preset's card on Home and wait for Step through to say it is loaded."""
    goto_page(page, app_url, "Home")
    card = main(page).get_by_test_id("stVerticalBlock").filter(has=page.locator(f".st-key-home_preset_{KEY}")).last
    card.get_by_role("button", name="Load").click()
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") == "/step_through", timeout=60_000)
    expect(main(page).get_by_test_id("stAlert").filter(has_text="Sentiment, word by word loaded.")).to_be_visible(
        timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)


def outlined(page) -> int:
    """The 1-based position of the outlined word (0: none)."""
    return page.evaluate(f"""() => [...document.querySelectorAll("{WORDS}")]
        .findIndex((s) => s.classList.contains("rnnx-now")) + 1""")


def test_sentiment_word_by_word(page, app_url, shots, trained):
    weights, probs = trained
    load_preset(page, app_url)
    import_file(page, "sentiment.safetensors", weights)
    expect(page.get_by_test_id("stSidebar").get_by_text("Weights loaded")).to_be_visible()
    goto_page(page, app_url, "Step through")
    page.wait_for_function(f"document.querySelectorAll('{WORDS}').length === 5", timeout=60_000)
    assert_no_exception(page)
    words = page.locator(WORDS).all_inner_texts()
    assert [w.strip() for w in words] == ["this", "movie", "is", "not", "good"]
    page.wait_for_function(f"document.querySelector('{LINE}')?.textContent.startsWith('Word 1 of 5: this')",
                           timeout=60_000)
    assert outlined(page) == 1
    page.locator(SLIDER).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('{LINE}').textContent.startsWith('Word 4 of 5: not')")
    assert outlined(page) == 4
    line = page.locator(LINE).first.inner_text()
    shown = float(re.search(r"after it = ([0-9.]+)", line).group(1))
    assert shown == pytest.approx(probs[3], abs=6e-4) and shown < 0.5 < probs[2]  # the trained weights' numbers
    hover = page.locator(WORDS).nth(3).get_attribute("title")
    assert f"P(positive) = {probs[3]:.3f}" in hover
    expect(page.locator(".st-key-step_words_step")).to_contain_text("The text is labelled negative")
    page.locator(".st-key-step_words").scroll_into_view_if_needed()
    page.locator(".st-key-step_words_chart .main-svg").first.wait_for()
    page.evaluate("document.querySelector('.st-key-step_words').scrollIntoView({block: 'start'})")
    page.mouse.wheel(0, -90)  # the heading "Sentiment, word by word" above the words
    wait_idle(page)
    page.screenshot(path=str(shots / "sentiment-1280x800.png"))


ONE_CLASS = "text,label\n" + "".join(f"good film {i},positive\n" for i in range(30))
GOOD = "text,label\n" + "".join(f"good film {i},positive\nbad film {i},negative\n" for i in range(30))


def test_build_shows_the_pipeline_and_refuses_bad_labelled_csv(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    goto_page(page, app_url, "Build")
    choose(page, "Task", "Sentiment of movie reviews (English)")
    expect(main(page).get_by_text("How the network reads text")).to_be_visible(timeout=60_000)
    expect(main(page).get_by_text("Built from the training split only", exact=False)).to_be_visible()
    assert_no_exception(page)
    choose(page, "Task", "Your labelled texts (sentiment)")
    upload(page, "one-class.csv", ONE_CLASS)
    alert = main(page).get_by_test_id("stAlert").filter(has_text="Every text is labelled positive")
    expect(alert).to_contain_text("Nothing was changed", timeout=60_000)
    assert "Sentiment of movie reviews (English)" in summary(page)  # the network and data are still the old ones
    page.get_by_test_id("stMain").get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "latin1.csv", "mimeType": "text/csv",
                "buffer": ("text,label\n" + "café au lait,positive\n" * 20).encode("latin-1")}])
    wait_idle(page)
    expect(main(page).get_by_test_id("stAlert").filter(has_text="not UTF-8 text")).to_contain_text(
        "Nothing was changed", timeout=60_000)
    assert "Sentiment of movie reviews (English)" in summary(page)
    upload(page, "good.csv", GOOD)
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMain"] p')]
        .some((p) => p.textContent.includes("units,") && p.textContent.includes("Your labelled texts"))""",
                           timeout=60_000)
    expect(main(page).get_by_text("How the network reads text")).to_be_visible(timeout=60_000)
    assert_no_exception(page)
