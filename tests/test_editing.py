"""Readers edit a demo's code in the page: it runs, survives a reload, can be
stopped when it never ends, and Reset restores the original after asking."""

import pytest
from test_browser import SAMPLING, live


def open_editor(page):
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    live(page)
    if demo.locator(".demo__code").get_attribute("open") is None:
        demo.locator(".demo__code summary").click()
    page.wait_for_selector(".demo__editor .cm-content")
    return demo


def append_code(page, demo, text: str) -> None:
    """Type at the end of the editor, as a reader would."""
    demo.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def run_when_python_is_free(page, demo) -> None:
    """Press Run once no demo on the page is running, as a reader who lets the
    page settle first: Python then takes this run at once, so a Stop pressed
    after it is for this run (pressed while the run waits for another, Stop
    ends that other run instead)."""
    page.wait_for_timeout(300)  # demos that scrolling brought near start theirs
    page.wait_for_function("() => !document.querySelector('.demo[aria-busy]')")
    demo.locator(".demo__code-run").click()


def test_the_code_is_readable_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + SAMPLING)
    assert "def compute(" in page.locator(".demo__source").first.text_content()
    assert page.locator("html").get_attribute("class") == "no-js"  # Material's layout for pages without scripts
    context.close()


def test_an_edit_runs_with_shift_enter_and_survives_a_reload(page, server):
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    append_code(page, demo, "\nprint('edited by a reader')\n")
    page.keyboard.press("Shift+Enter")
    output = demo.locator(".demo__output")
    output.wait_for(state="visible")
    assert output.inner_text() == "edited by a reader"

    page.reload()
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    assert demo.locator(".demo__code").get_attribute("open") is not None
    assert "saved in this browser" in demo.locator(".demo__code-status").inner_text()
    live(page)
    demo.locator(".demo__output").wait_for(state="visible")
    assert demo.locator(".demo__output").inner_text() == "edited by a reader"
    assert page.watch.errors == []


def wasm_fetches(page) -> int:
    return sum(url.endswith("/pyodide.asm.wasm") for url in page.watch.requests)


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "plain-host"])
def test_an_endless_loop_is_stopped_and_the_next_run_works(page, request, isolated):
    """Isolated, Stop raises KeyboardInterrupt and Python keeps its runtime;
    on a host without the headers, the worker is replaced."""
    base = request.getfixturevalue("server" if isolated else "plain_server")
    page.goto(base + SAMPLING)
    assert page.evaluate("crossOriginIsolated") is isolated
    demo = open_editor(page)
    append_code(page, demo, "\nwhile True:\npass\n")
    run_when_python_is_free(page, demo)
    stop = demo.locator(".demo__stop")
    stop.wait_for(state="visible")
    page.evaluate("window.scrollBy(0, 10)")  # the page still answers while Python spins
    stop.click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('Stopped')")
    output = demo.locator(".demo__output").inner_text()
    assert demo.locator(".demo__readout").inner_text().startswith("This run was stopped")  # not "failed"
    if isolated:
        assert "while True" in output and "KeyboardInterrupt" in output  # where it was stopped
    else:
        assert "Python was restarted" in output

    page.once("dialog", lambda dialog: dialog.accept())
    demo.locator(".demo__code-reset").click()
    page.wait_for_function("() => document.querySelector('.demo__output').hidden", timeout=90_000)
    demo.locator("input[name=n_rolls]").evaluate("el => { el.value = 3; el.dispatchEvent(new Event('input', {bubbles: true})) }")
    page.wait_for_function("() => document.querySelector('.demo__readout').innerText.startsWith('1,000 rolls')", timeout=90_000)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('demo-source:'))") == []
    assert wasm_fetches(page) == (1 if isolated else 2)
    assert page.watch.errors == []


def stop_a_loop_that_catches_the_interrupt(page, demo, handler: str, then: str) -> None:
    """Type an endless loop whose KeyboardInterrupt runs `handler` and then
    `then` (the editor indents as it does for a reader), run it, press Stop."""
    append_code(page, demo, "\nimport time\ntry:\nwhile True:\npass\n")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("except KeyboardInterrupt:\n" + handler)
    page.keyboard.press("Shift+Tab")
    page.keyboard.type(then)
    run_when_python_is_free(page, demo)
    stop = demo.locator(".demo__stop")
    stop.wait_for(state="visible")
    stop.click()


def test_code_that_takes_the_interrupt_may_take_its_time_to_end(page, server):
    """Python took Stop's interrupt but needs more than the second Stop waits
    before it restarts (a slow clean-up here; a busy machine anywhere): it
    keeps its runtime and says where it was stopped."""
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    stop_a_loop_that_catches_the_interrupt(page, demo, "start = time.time()\nwhile time.time() < start + 2:\npass\n", "raise\n")
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('KeyboardInterrupt')")
    assert "Python was restarted" not in demo.locator(".demo__output").inner_text()
    assert wasm_fetches(page) == 1
    assert page.watch.errors == []


def test_code_that_catches_the_interrupt_and_goes_on_is_interrupted_again(page, server):
    """Python may lose Stop's interrupt: the reader's code catches it, or it is
    raised in a finalizer, where Python only prints it. Python took it, so
    it is not stuck in a long call: it gets a second interrupt, not a restart."""
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    stop_a_loop_that_catches_the_interrupt(page, demo, "print('caught it, going on')\n", "while True:\npass\n")
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('Stopped')", timeout=30_000)
    output = demo.locator(".demo__output").inner_text()
    assert "caught it, going on" in output and "KeyboardInterrupt" in output, output
    assert "Python was restarted" not in output
    assert wasm_fetches(page) == 1
    assert page.watch.errors == []


# Where the worker tells the page that Python has begun a run
BEGIN = 'send({ type: "begin", id })'


def test_stop_pressed_while_the_worker_is_still_setting_up_the_run_interrupts_it(page, server):
    """On a busy machine the worker's thread may pause right after it told the
    page a run began, long enough for the reader to press Stop (CI's failures
    of the Stop tests). Here it pauses there, on purpose, until the Stop has
    landed: the Stop must still reach the loop, not be wiped by the run's
    set-up, and Python stays."""

    def paused_after_begin(route):
        response = route.fetch()
        source = response.text()
        assert BEGIN in source, "worker.js no longer announces a run as this test expects"
        pause = "{ const until = performance.now() + 5000; while (performance.now() < until && !Atomics.load(interrupt, 0)) {} }"
        route.fulfill(response=response, body=source.replace(BEGIN, f"{BEGIN}; {pause}"))

    page.context.route("**/demo/worker.js", paused_after_begin)
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    append_code(page, demo, "\nwhile True:\npass\n")
    run_when_python_is_free(page, demo)
    stop = demo.locator(".demo__stop")
    stop.wait_for(state="visible")  # a second after Run
    stop.click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('Stopped')")
    output = demo.locator(".demo__output").inner_text()
    assert "KeyboardInterrupt" in output and "Python was restarted" not in output, output
    assert wasm_fetches(page) == 1


@pytest.mark.parametrize("isolated", [True, False], ids=["isolated", "plain-host"])
def test_a_run_stopped_before_python_reaches_it_is_dropped_and_python_kept(page, request, isolated):
    """Stop pressed while the run still waits for Python to start: there is
    nothing to interrupt, so the run is dropped, Python is not restarted (nor
    downloaded again), and the next Run works."""
    base = request.getfixturevalue("server" if isolated else "plain_server")
    held = []
    page.route("**/site-packages.pack.gz", lambda route: held.append(route))
    page.goto(base + SAMPLING)
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    demo.locator(".demo__code summary").click()
    page.wait_for_selector(".demo__editor .cm-content")
    append_code(page, demo, "\nprint('ran at last')\n")
    demo.locator(".demo__code-run").click()
    stop = demo.locator(".demo__stop")
    stop.wait_for(state="visible")
    stop.click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('Stopped')")
    assert "before Python ran it" in demo.locator(".demo__output").inner_text()
    assert demo.locator(".demo__readout").inner_text().startswith("This run was stopped")
    assert stop.is_hidden()

    page.wait_for_timeout(1500)  # what a restart would do, it would have done by now
    for route in held:
        route.continue_()
    live(page)
    append_code(page, demo, "print('and again')\n")  # a new edit runs afresh, whatever ran at start-up
    demo.locator(".demo__code-run").click()
    page.wait_for_function("() => document.querySelector('.demo__output').innerText === 'ran at last\\nand again'")
    assert wasm_fetches(page) == 1
    assert len(held) == 1  # one start-up, never a second
    assert page.watch.errors == []


def test_reset_asks_first_and_keeps_the_edit_when_declined(page, server):
    page.goto(server + SAMPLING)
    demo = open_editor(page)
    append_code(page, demo, "\n# my note\n")
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('demo-source:'))")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    demo.locator(".demo__code-reset").click()
    page.wait_for_timeout(300)
    assert messages and "Discard your changes" in messages[0]
    stored = page.evaluate("Object.entries(localStorage).filter(([k]) => k.startsWith('demo-source:'))")
    assert stored and stored[0][1].endswith("# my note\n")
