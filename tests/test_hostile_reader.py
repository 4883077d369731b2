"""Fifteen ways a curious reader broke the book (issue 14), one test a row.

Each replays what the reader did, in real Chromium with real Pyodide, and
asserts what a reader should see instead: a plain message, nothing lost, and
a page that keeps working.
"""

from __future__ import annotations

import pytest
from test_browser import SAMPLING, live, set_slider
from test_editing import append_code, open_editor, run_when_python_is_free
from test_exercise_page import RIGHT, WRONG, check, first_exercise, first_listing, type_code

FLOW_MATCHING = "/part1/flow-matching/"

# What Chromium does when the reader blocks site data: touching either store throws
BLOCKED_STORAGE = """
for (const name of ["localStorage", "sessionStorage"]) {
  Object.defineProperty(window, name, {
    get() { throw new DOMException(`Failed to read the '${name}' property from 'Window': Access is denied for this document.`, "SecurityError") },
  })
}
"""


def readout_is(page, index: int, start: str, timeout: int = 90_000) -> None:
    page.wait_for_function(
        "([i, start]) => document.querySelectorAll('.demo__readout')[i].innerText.startsWith(start)", arg=[index, start], timeout=timeout
    )


def output_of(listing) -> str:
    return listing.locator(".runnable__output").inner_text()


def run_listing(page, listing, code: str, until: str, timeout: int = 90_000) -> str:
    """Type code in a listing, Run it, and wait until its output contains until."""
    type_code(page, listing, code)
    listing.locator(".runnable__run").click()
    output = listing.locator(".runnable__output")
    page.wait_for_function("([el, text]) => el.textContent.includes(text)", arg=[output.element_handle(), until], timeout=timeout)
    return output.inner_text()


def loop_in_the_first_demo(page, server):
    """Edit the fair die's code into an endless loop and run it."""
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    append_code(page, demo, "\nwhile True:\npass\n")
    run_when_python_is_free(page, demo)
    demo.locator(".demo__stop").wait_for(state="visible")
    return demo


# 1 ---------------------------------------------------------------------------


def test_1_with_site_data_blocked_demos_still_run_and_a_note_says_nothing_is_kept(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.add_init_script(BLOCKED_STORAGE)
    page = context.new_page()
    page.set_default_timeout(90_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server + SAMPLING)
    live(page)
    set_slider(page, 0, "n_rolls", 3)
    readout_is(page, 0, "1,000 rolls")
    note = page.locator(".storage-note")
    assert note.count() == 1 and "not be kept" in note.inner_text()
    listing = first_listing(page, server)
    assert run_listing(page, listing, "print(6 * 7)\n", "42") == "42"
    assert errors == []
    context.close()


# 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "plain-host"])
def test_2_os_exit_in_a_listing_restarts_python_with_a_message(page, request, isolated):
    base = request.getfixturevalue("server" if isolated else "plain_server")
    listing = first_listing(page, base)
    text = run_listing(page, listing, "import os\nos._exit(1)\n", "restarted")
    assert "Python exited" in text and "Still running" not in text
    assert run_listing(page, listing, "print(6 * 7)\n", "42") == "42"
    page.locator(".demo").first.scroll_into_view_if_needed()
    set_slider(page, 0, "n_rolls", 3)
    readout_is(page, 0, "1,000 rolls")


def test_2_os_exit_in_a_demos_code_restarts_python_and_the_demo_runs_again(page, server):
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    append_code(page, demo, "\nimport os\nos._exit(1)\n")
    demo.locator(".demo__code-run").click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('restarted')")
    assert "Python exited" in demo.locator(".demo__output").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    demo.locator(".demo__code-reset").click()
    set_slider(page, 0, "n_rolls", 3)
    readout_is(page, 0, "1,000 rolls")


# 3 ---------------------------------------------------------------------------


def test_3_a_saved_edit_that_was_stopped_does_not_run_again_on_reload(page, server):
    demo = loop_in_the_first_demo(page, server)
    demo.locator(".demo__stop").click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('Stopped')")
    page.reload()
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    status = demo.locator(".demo__code-status")
    page.wait_for_function("el => el.innerText.includes('press Run')", arg=status.element_handle())
    assert "did not finish" in status.inner_text()
    assert demo.get_attribute("aria-busy") is None
    loaded = page.locator(".demo").nth(1)
    loaded.scroll_into_view_if_needed()
    live(page, f"#{loaded.get_attribute('id')}")  # not stuck behind the loop
    assert demo.get_attribute("aria-busy") is None


# 4 ---------------------------------------------------------------------------


def test_4_stop_also_cancels_the_slider_moves_made_during_the_run(page, server):
    demo = loop_in_the_first_demo(page, server)
    set_slider(page, 0, "n_rolls", 3)  # queued behind the loop
    demo.locator(".demo__stop").click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('KeyboardInterrupt')")
    page.wait_for_timeout(1500)
    assert demo.get_attribute("aria-busy") is None
    assert demo.locator(".demo__stop").is_hidden()
    assert "KeyboardInterrupt" in demo.locator(".demo__output").inner_text()


# 5 ---------------------------------------------------------------------------


def test_5_a_demo_waiting_behind_a_stopped_loop_runs_and_is_not_called_stopped(page, plain_server):
    listing = first_listing(page, plain_server)
    live(page)
    type_code(page, listing, "while True:\npass\n")
    listing.locator(".runnable__run").click()
    listing.get_by_role("button", name="Stop").wait_for(timeout=30_000)
    loaded = page.locator(".demo").nth(2)  # far below: never run yet, its first run waits behind the loop
    assert "demo--live" not in loaded.get_attribute("class")
    loaded.scroll_into_view_if_needed()
    stop = loaded.locator(".demo__stop")
    stop.wait_for(state="visible", timeout=30_000)
    assert "busy" in loaded.locator(".demo__status").inner_text()  # the reader is told why
    stop.click()
    live(page, f"#{loaded.get_attribute('id')}")
    assert loaded.locator(".demo__output").is_hidden()
    assert "Python was restarted" in output_of(listing)


# 6 ---------------------------------------------------------------------------


def test_6_two_tabs_editing_one_exercise_lose_nothing(context, server):
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.goto(server + SAMPLING)
        first_exercise(tab)
    first_exercise(second).locator(".cm-content").click()
    second.keyboard.press("Control+End")
    second.keyboard.type("\n# written in the second tab\n")
    exercise = first_exercise(first)
    first.wait_for_function("() => document.querySelector('.exercise .cm-content').innerText.includes('second tab')")
    exercise.locator(".cm-content").click()
    first.keyboard.press("Control+End")
    first.keyboard.type("# and in the first\n")
    for tab in (first, second):
        tab.reload()
        text = first_exercise(tab).locator(".cm-content").inner_text()
        assert "written in the second tab" in text and "and in the first" in text


# 7 ---------------------------------------------------------------------------


TAMPERING = {
    "expect replaced": "import textbook.checks as c\nc.expect = lambda *a, **k: None\nc.judge = lambda *a, **k: {'status': 'passed', 'message': ''}\n",
    "numpy patched": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.all = lambda *a, **k: True\n",
    "forged verdicts": (  # one line: the editor's auto-indent would carry a loop's body into the next lines
        "import js\nfrom pyodide.ffi import to_js\n"
        "[js.postMessage(to_js({'type': 'frame', 'id': i, 'final': True, 'verdict': {'status': 'passed', 'message': 'All checks pass. Well done!'}},"
        " dict_converter=js.Object.fromEntries)) for i in range(1, 500)]\n"
    ),
}


@pytest.mark.parametrize("trick", TAMPERING, ids=list(TAMPERING))
def test_7_code_in_one_exercise_cannot_make_a_wrong_answer_pass(page, server, trick):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    kind, text = check(page, exercise, TAMPERING[trick] + WRONG)  # not even the tampering answer passes
    assert "exercise__result--failed" in kind, text
    kind, text = check(page, exercise, WRONG)
    assert "exercise__result--failed" in kind, text
    kind, text = check(page, exercise, RIGHT)
    assert "exercise__result--passed" in kind, text


# 8 ---------------------------------------------------------------------------


def test_8_huge_weights_are_normalised_without_overflow(page, server):
    page.goto(server + SAMPLING)
    loaded = page.locator(".demo").nth(1)
    loaded.scroll_into_view_if_needed()
    live(page, f"#{loaded.get_attribute('id')}")
    loaded.locator("input[name=weights]").fill("1e308 1e308 1 1 1 1")
    page.wait_for_function("() => document.querySelectorAll('.demo__readout')[1].innerText.includes('6: 0.000')")
    shares = loaded.locator(".demo__readout").inner_text()
    assert "1: 0.5" in shares or "1: 0.4" in shares, shares
    assert "6: 0.000" in shares


# 9 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, used, message",
    [("-5", "0", "from 0 to 4,294,967,295"), ("99999999999999999999", "4294967295", "from 0 to 4,294,967,295"),
     ("", "0", "whole number"), ("1e309", "0", "whole number"), ("2.5", "0", "whole number")],
)
def test_9_a_bad_seed_gets_a_plain_message_and_the_field_shows_the_seed_used(page, server, typed, used, message):
    page.goto(server + SAMPLING)
    live(page)
    demo = page.locator(".demo").first
    field = demo.locator("input[name=seed]")
    field.fill(typed)
    field.press("Tab")  # leaving the field settles it
    note = demo.locator(".demo__invalid")
    note.wait_for()
    assert message in note.inner_text()
    assert field.input_value() == used
    page.wait_for_timeout(500)
    assert demo.locator(".demo__output").is_hidden()  # no traceback
    field.fill("7")
    field.press("Tab")
    page.wait_for_function("() => !document.querySelector('.demo__invalid') || document.querySelector('.demo__invalid').hidden")


# 10 --------------------------------------------------------------------------


def test_10_an_array_too_big_for_the_browser_is_explained(page, server):
    listing = first_listing(page, server)
    text = run_listing(page, listing, "import numpy as np\nnp.ones(10**9)\n", "Error")
    assert "array is too big" in text and "your browser" in text


# 11 --------------------------------------------------------------------------


def test_11_code_that_closes_the_worker_gets_python_restarted(page, server):
    listing = first_listing(page, server)
    text = run_listing(page, listing, "import js\njs.close()\n", "restarted", timeout=30_000)
    assert "Python's worker" in text
    assert run_listing(page, listing, "print(6 * 7)\n", "42") == "42"


# 12 --------------------------------------------------------------------------


def test_12_a_click_on_the_pad_keeps_what_the_reader_typed(page, server):
    page.goto(server + FLOW_MATCHING)
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    demo.locator("select[name=target]").select_option("points")
    field = demo.locator("input[name=points]")
    typed = "1.25 0.333; abc; -0.04 2.96"
    field.fill(typed)
    warning = demo.locator(".demo__pad-warning")
    warning.wait_for()
    assert "abc" in warning.inner_text()
    demo.locator(".demo__pad canvas").click(position={"x": 10, "y": 10})
    assert field.input_value().startswith(typed + "; ")


# 13 --------------------------------------------------------------------------


def test_13_editors_indent_by_four_spaces(page, server):
    listing = first_listing(page, server)
    type_code(page, listing, "def g(x):\nreturn x")
    assert listing.locator(".cm-content").inner_text() == "def g(x):\n    return x"
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Tab")
    page.keyboard.type("y = 1")
    assert listing.locator(".cm-content").inner_text() == "    y = 1"


# 14 --------------------------------------------------------------------------


def test_14_a_solution_once_shown_stays_shown_after_a_reload(page, server):
    page.goto(server + SAMPLING)
    exercise = first_exercise(page)
    check(page, exercise, WRONG)
    assert exercise.locator(".exercise__solution").is_visible()
    page.reload()
    assert first_exercise(page).locator(".exercise__solution").is_visible()


def test_14_after_an_error_the_old_figure_is_marked_as_old(page, server):
    page.goto(server + SAMPLING)
    loaded = page.locator(".demo").nth(1)
    loaded.scroll_into_view_if_needed()
    live(page, f"#{loaded.get_attribute('id')}")
    loaded.locator("input[name=weights]").fill("1 2 3")
    loaded.locator(".demo__output--error").wait_for()
    assert "last run that worked" in loaded.locator(".demo__readout").inner_text()
    assert float(loaded.locator(".demo__plot").evaluate("el => getComputedStyle(el).opacity")) < 0.8
    loaded.locator("input[name=weights]").fill("1 2 3 4 5 6")
    page.wait_for_function("() => document.querySelectorAll('.demo__readout')[1].innerText.startsWith('2,000 rolls')")
    page.wait_for_function("() => getComputedStyle(document.querySelectorAll('.demo__plot')[1]).opacity === '1'")


def test_14_stop_neither_moves_the_figure_nor_drops_the_focus(page, server):
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    top = "el => el.getBoundingClientRect().top + scrollY"  # on the page, however it is scrolled
    append_code(page, demo, "\nwhile True:\npass\n")
    before = demo.locator(".demo__plot").evaluate(top)
    demo.locator(".demo__code-run").click()
    stop = demo.locator(".demo__stop")
    stop.wait_for(state="visible")
    assert demo.locator(".demo__plot").evaluate(top) == before
    stop.focus()
    page.keyboard.press("Enter")
    stop.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.closest('.demo') !== null")


# 15 --------------------------------------------------------------------------


def test_15_keyboard_users_are_told_how_to_leave_the_editor(page, server):
    listing = first_listing(page, server)
    listing.locator(".cm-content").focus()
    hint = listing.locator(".demo__editor-hint")
    hint.wait_for(state="visible")
    assert "Esc" in hint.inner_text() and "Tab" in hint.inner_text()
    described = listing.locator(".cm-content").get_attribute("aria-describedby")
    assert described and page.locator(f"#{described}").inner_text() == hint.inner_text()
