"""Exercises in the browser: a wrong answer shows the failing case, a right one
is marked solved, hints come one at a time, and progress survives a reload."""

import re

import pytest

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser import SAMPLING

RIGHT = "import numpy as np\ndef sample(probabilities, n, rng): return np.minimum(np.searchsorted(np.cumsum(probabilities), rng.random(n), side='right'), len(probabilities) - 1)\n"
WRONG = "import numpy as np\ndef sample(probabilities, n, rng): return rng.integers(0, len(probabilities), n)\n"


def first_exercise(page):
    """Scroll to the first exercise and wait for its editor, made as it comes near."""
    exercise = page.locator(".exercise").first
    for _ in range(3):  # after a reload the browser may restore the reader's earlier scroll position a moment later
        exercise.scroll_into_view_if_needed()
        try:
            exercise.locator(".cm-content").wait_for(timeout=10_000)
            return exercise
        except PlaywrightTimeout:
            continue
    exercise.locator(".cm-content").wait_for()
    return exercise


def first_listing(page, server):
    """The sampling page's first runnable listing, its editor ready."""
    page.goto(server + SAMPLING)
    listing = page.locator(".runnable").first
    listing.scroll_into_view_if_needed()
    listing.locator(".cm-content").wait_for()
    return listing


def type_code(page, exercise, code: str) -> None:
    exercise.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(code)


def verdict(page, exercise) -> tuple[str, str]:
    page.wait_for_function(
        "el => /exercise__result--/.test(el.className)", arg=exercise.locator(".exercise__result").element_handle(), timeout=90_000
    )
    return exercise.locator(".exercise__result").get_attribute("class"), exercise.locator(".exercise__result").inner_text()


def check(page, exercise, code: str) -> tuple[str, str]:
    """Type code in place of the exercise's, press Check, and read the verdict's class and text."""
    type_code(page, exercise, code)
    exercise.locator(".exercise__check").click()
    return verdict(page, exercise)


def test_a_wrong_answer_names_the_failing_case_and_a_right_one_is_solved(page, server):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    assert exercise.locator(".exercise__solution").is_hidden()  # no peeking before a try
    kind, text = check(page, exercise, WRONG)
    assert "exercise__result--failed" in kind
    assert text.startswith("the share of each outcome, for p = [0.2, 0.5, 0.3]: expected [0.2 0.5 0.3] (within 0.015), got")
    assert exercise.locator(".exercise__solution").is_visible()

    type_code(page, exercise, RIGHT)
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("() => document.querySelector('.exercise__result').className.includes('passed')", timeout=90_000)
    assert "All checks pass" in exercise.locator(".exercise__result").inner_text()
    total = page.locator(".exercise").count()
    here = page.locator(".md-nav--primary a.md-nav__link[data-progress]:not([data-progress=''])")
    assert here.count() == 1 and here.get_attribute("title") == f"Exercises solved: 1 of {total}"

    page.reload()
    exercise = first_exercise(page)
    assert page.locator(".exercise-summary").inner_text() == f"Exercises on this page: 1 of {total} solved."
    assert here.count() == 1
    assert page.evaluate("Object.keys(localStorage).some(k => k.startsWith('exercise-code:'))")
    assert page.watch.errors == []


def test_hints_are_revealed_one_at_a_time(page, server):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    hints = exercise.locator(".exercise__hints li")
    total = hints.count()
    assert total >= 2 and exercise.locator(".exercise__hints li:visible").count() == 0
    for shown in range(1, total + 1):
        exercise.locator(".exercise__hint").click()
        assert exercise.locator(".exercise__hints li:visible").count() == shown
    assert exercise.locator(".exercise__hint").is_disabled()


def test_an_error_in_the_readers_code_is_shown_as_a_traceback(page, server):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    kind, text = check(page, exercise, "def sample(probabilities, n, rng): return 1 / 0\n")
    assert "exercise__result--error" in kind
    assert 'File "<your code>", line 1, in sample' in text and "ZeroDivisionError" in text


def test_a_memory_blow_up_is_explained_and_python_keeps_working(page, server):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    kind, text = check(page, exercise, "import numpy as np\nkeep = []\nwhile True: keep.append(np.ones(10**8))\n")
    assert "exercise__result--error" in kind
    assert "Unable to allocate" in text and "at most 4 GB of memory" in text
    type_code(page, exercise, RIGHT)
    exercise.locator(".exercise__check").click()
    page.wait_for_function("() => document.querySelector('.exercise__result').className.includes('passed')", timeout=90_000)


def test_a_flood_of_printing_is_cut_short(page, server):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    kind, text = check(page, exercise, "for i in range(200_000): print(i)\n")
    assert "199,000 more lines not shown" in text
    assert text.count("\n") < 1100


def test_a_runnable_listing_runs_the_readers_edit(page, server):
    listing = first_listing(page, server)
    listing.locator(".runnable__run").click()
    output = listing.locator(".runnable__output")
    page.wait_for_function("el => el.textContent.includes('share of sixes')", arg=output.element_handle(), timeout=90_000)
    type_code(page, listing, "print(6 * 7)\n")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function("el => el.textContent === '42'", arg=output.element_handle(), timeout=30_000)


def test_a_listing_can_import_a_compiled_module_no_demo_loads(page, server):
    """Extension modules load when first imported; numpy.fft is one no demo uses."""
    listing = first_listing(page, server)
    type_code(page, listing, "import numpy as np\nprint(np.fft.rfft([1.0, 2.0, 3.0, 4.0])[0].real)\n")
    listing.locator(".runnable__run").click()
    output = listing.locator(".runnable__output")
    page.wait_for_function("el => el.textContent === '10.0'", arg=output.element_handle(), timeout=90_000)
    assert page.watch.errors == []


def test_a_listing_that_never_ends_offers_stop_and_runs_again(page, server):
    listing = first_listing(page, server)
    type_code(page, listing, "while True:\npass\n")
    listing.locator(".runnable__run").click()
    output = listing.locator(".runnable__output")
    stop = output.get_by_role("button", name="Stop")
    stop.click(timeout=90_000)
    page.wait_for_function("el => el.textContent.includes('KeyboardInterrupt')", arg=output.element_handle(), timeout=10_000)
    assert "Stopped" in output.inner_text()
    type_code(page, listing, "print(6 * 7)\n")
    listing.locator(".runnable__run").click()
    page.wait_for_function("el => el.textContent === '42'", arg=output.element_handle(), timeout=30_000)
    assert page.watch.errors == []


def test_every_visit_draws_its_own_random_numbers(browser, server):
    """The runtime starts from a snapshot taken after `random` was imported;
    two readers must still not get the same numbers."""
    drawn = []
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        page.goto(server + SAMPLING)
        listing = page.locator(".runnable").first
        listing.scroll_into_view_if_needed()
        listing.locator(".cm-content").wait_for(timeout=90_000)
        type_code(page, listing, "import random\nprint(random.random())\n")
        listing.locator(".runnable__run").click()
        output = listing.locator(".runnable__output")
        page.wait_for_function("el => /^0\\.\\d+$/.test(el.textContent)", arg=output.element_handle(), timeout=90_000)
        drawn.append(output.inner_text())
        context.close()
    assert drawn[0] != drawn[1]


def test_each_page_with_exercises_has_one_summary_line_right_before_its_first(built_site):
    for path in built_site.rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        exercises = len(re.findall(r'<div[^>]* class="exercise" ', text))
        assert text.count('class="exercise-summary"') == (1 if exercises else 0), path
        if exercises:
            assert re.search(r'<p[^>]* class="exercise-summary"[^>]*></p>\s*<div[^>]* class="exercise" ', text), path


# Notes what the page's own scripts add among a chapter's top-level blocks as it opens
WATCH_BLOCKS = """document.addEventListener("DOMContentLoaded", () => {
    window.__added = []
    new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => n.nodeType === 1 && window.__added.push(n.outerHTML.slice(0, 80)))))
        .observe(document.querySelector("article"), { childList: true })
})"""


def test_the_summary_line_counts_the_exercises_and_nothing_is_added_among_the_blocks(page, server):
    # An element added among a chapter's blocks makes the browser restyle the
    # whole chapter (thousands of formula elements): a pause on a phone as it opens
    page.add_init_script(WATCH_BLOCKS)
    page.goto(server + SAMPLING)
    total = page.locator(".exercise").count()
    summary = page.locator(".exercise-summary")
    page.wait_for_function("() => document.querySelector('.exercise-summary').textContent")
    summary.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.exercise-summary').innerText")  # laid out once near
    assert summary.inner_text() == f"Exercises on this page: 0 of {total} solved."
    assert summary.get_attribute("aria-live") == "polite"
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    assert page.evaluate("window.__added") == []
    assert page.watch.errors == []


def test_without_javascript_the_empty_summary_line_takes_no_room(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + SAMPLING)
    assert page.locator(".exercise-summary").count() == 1
    assert page.locator(".exercise-summary").is_hidden()
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ["/part2/scores-sdes/", SAMPLING])
def test_an_editor_made_in_place_of_a_listing_takes_its_box(browser, server, path, width):
    """Exercises and runnable listings become editors as they near the screen, by
    themselves: the editor, with its hint line, must take exactly the listing's box,
    or a reader who jumped past one sees the text under the heading they chose move
    (it did, by 26 px, on 2.5's "One field, many samplers")."""
    context = browser.new_context(service_workers="block", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(server + path)
    # guessed heights of lazy blocks must not count: lay them all out
    page.evaluate("document.querySelectorAll('[data-lazy-layout]').forEach(el => el.removeAttribute('data-lazy-layout'))")
    blocks = page.locator(".exercise, .runnable")
    count = blocks.count()
    heights = page.evaluate("""() => [...document.querySelectorAll('.exercise, .runnable')].map(el =>
        el.querySelector('.demo__editor') ? null : el.getBoundingClientRect().height)""")
    changed = {}
    for index in range(count):
        if heights[index] is None:  # made before it could be measured
            continue
        block = blocks.nth(index)
        block.scroll_into_view_if_needed()
        block.locator(".cm-content").wait_for()
        after = block.evaluate("el => el.getBoundingClientRect().height")
        if abs(after - heights[index]) > 1:
            changed[block.get_attribute("id") or f"listing {index}"] = (round(heights[index], 1), round(after, 1))
    context.close()
    assert sum(h is not None for h in heights) >= 2  # every page here has several such blocks below its first screen
    assert changed == {}
