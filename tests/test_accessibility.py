"""axe-core, served from the project's own node_modules, finds no violation on
any page in either palette, and a keyboard alone can work a demo."""

import pytest

from conftest import ROOT
from textbook.theme import contrast
from test_every_demo import PAGES

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = "async within => (await axe.run(within)).violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0].target.join(' ')} ${v.nodes[0].failureSummary}`)"


def axe_violations(page, within: str = "html") -> list[str]:
    # axe arrives as an inline script, which the page's Content-Security-Policy
    # refuses: its contexts bypass the policy (an audit of markup and colours)
    page.add_script_tag(path=str(AXE))
    # Blocks far down are laid out only as a reader nears them (lazy-layout.css),
    # and a11y.js repairs each as it is: pass every screen, as a reader does,
    # then keep them all laid out, so that axe can measure colours and scrolling
    page.evaluate("""async () => {
        // two frames, or a second at most: a page that stops painting must fail the test, not hang it
        const frame = () => new Promise(resolve => { requestAnimationFrame(() => requestAnimationFrame(resolve)); setTimeout(resolve, 1000) })
        for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) { scrollTo(0, y); await frame() }
        scrollTo(0, 0); await frame()
        await new Promise(resolve => setTimeout(resolve, 600))  // the header's title fades back
    }""")
    page.add_style_tag(content=".md-typeset [data-lazy-layout] { content-visibility: visible !important }")
    return page.evaluate(AXE_RUN, within)


def go_dark(page) -> None:
    """Switch the system to dark, as a reader's phone does at dusk: the automatic
    palette follows at once (palette.js), so one load of a page serves both
    audits. Material eases colours over a fraction of a second: wait until they arrive."""
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    page.evaluate("""() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))
        .then(() => Promise.all(document.getAnimations().filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => null))))""")


def audit_both_palettes(page, within: str = "html") -> dict[str, list[str]]:
    """axe's findings in the light palette, then in the dark one."""
    found = {"light": axe_violations(page, within)}
    go_dark(page)
    found["dark"] = page.evaluate(AXE_RUN, within)
    return found


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violations(browser, server, path):
    context = browser.new_context(color_scheme="light", bypass_csp=True)
    page = context.new_page()
    page.goto(server + path)
    page.wait_for_load_state("networkidle")
    violations = audit_both_palettes(page)
    context.close()
    assert violations == {"light": [], "dark": []}


def test_the_drawing_pad_passes_axe_once_shown(browser, server):
    context = browser.new_context(color_scheme="light", bypass_csp=True)
    page = context.new_page()
    page.goto(server + "/part1/flow-matching/")
    page.locator(".demo select[name=target]").first.select_option("points")
    page.locator(".demo__pad-canvas").wait_for(state="visible")
    violations = audit_both_palettes(page)
    context.close()
    assert violations == {"light": [], "dark": []}


def test_start_up_progress_is_readable(browser, server):
    """The progress line shows whenever a demo starts on the first screen: it must pass axe too."""
    context = browser.new_context(color_scheme="light", bypass_csp=True, service_workers="block", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    held = []  # the packages' download, held back so the progress stays on screen
    page.route("**/site-packages.pack.gz", lambda route: held.append(route))
    page.goto(server + "/part1/sampling/")
    page.locator(".demo").first.scroll_into_view_if_needed()
    progress = page.locator(".demo__status progress + span").first
    progress.wait_for(timeout=60_000)
    violations = {"light": axe_violations(page, ".demo__status")}
    go_dark(page)
    assert progress.is_visible(), "the download was held back: the progress must still show"
    violations["dark"] = page.evaluate(AXE_RUN, ".demo__status")
    for route in held:
        route.continue_()
    context.close()
    assert violations == {"light": [], "dark": []}


def test_a_demo_can_be_worked_by_keyboard_alone(page, server):
    page.goto(server + "/part1/sampling/")
    slider = page.locator(".demo input[name=n_rolls]").first
    slider.focus()  # as if reached with Tab
    assert page.evaluate("document.activeElement.name") == "n_rolls"
    for _ in range(40):
        page.keyboard.press("ArrowRight")
    page.wait_for_selector(".demo.demo--live canvas")
    page.wait_for_function("() => !document.querySelector('.demo__readout').innerText.startsWith('600 rolls')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused control shows no focus ring"

    page.keyboard.press("Tab")  # on to the seed field, then its button
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "New seed"
    before = page.locator(".demo__readout").first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function("text => document.querySelector('.demo__readout').innerText !== text", arg=before)


def test_the_editor_never_traps_the_keyboard_and_check_works_by_keyboard(page, server):
    page.goto(server + "/part1/sampling/")
    exercise = page.locator(".exercise").first
    exercise.scroll_into_view_if_needed()
    content = exercise.locator(".cm-content")
    content.wait_for()
    content.focus()
    page.keyboard.press("Tab")  # indents the line: the focus stays in the editor
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.keyboard.press("Escape")  # then Tab leaves the editor
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Check"
    page.keyboard.press("Enter")
    page.wait_for_function("() => /exercise__result--/.test(document.querySelector('.exercise__result').className)", timeout=90_000)


def test_a_run_can_be_stopped_by_keyboard(page, server):
    page.goto(server + "/part1/sampling/")
    demo = page.locator(".demo").first
    demo.scroll_into_view_if_needed()
    page.wait_for_selector(".demo.demo--live canvas")
    demo.locator(".demo__code summary").focus()
    page.keyboard.press("Enter")  # opens the code
    content = demo.locator(".cm-content")
    content.wait_for()
    content.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nwhile True:\npass\n")
    page.keyboard.press("Shift+Enter")
    stop = demo.locator(".demo__stop")
    stop.wait_for(state="visible")
    stop.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.demo__output').innerText.includes('Stopped')")


def blended(css_colour: str, under: tuple) -> tuple:
    """An rgb()/rgba() computed colour painted over an opaque rgb background, as 0-1 floats."""
    parts = [float(v) for v in css_colour[css_colour.index("(") + 1:-1].split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple((alpha * c + (1 - alpha) * u * 255) / 255 for c, u in zip(parts[:3], under))


def gutter_contrast(page, page_under: tuple) -> tuple:
    """The first exercise's line numbers against its gutter: the ratio, and the two colours."""
    number, gutter = page.evaluate("""() => {
        const gutters = document.querySelector('.exercise .cm-gutters')
        const number = [...gutters.querySelectorAll('.cm-lineNumbers .cm-gutterElement')].find(e => /\\d/.test(e.textContent))
        return [getComputedStyle(number).color, getComputedStyle(gutters).backgroundColor]
    }""")
    background = blended(gutter, page_under)
    return round(contrast(blended(number, background), background), 2), number, gutter


def test_an_editor_s_line_numbers_are_readable(browser, server):
    """axe checks the gutter only when it happens to find it painted (it failed CI once at 4.47:1):
    here the numbers' colour is measured against the gutter's background every time, in both palettes."""
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(server + "/part1/sampling/")
    exercise = page.locator(".exercise").first
    exercise.scroll_into_view_if_needed()
    exercise.locator(".cm-lineNumbers .cm-gutterElement").nth(1).wait_for()
    colours = {"light": gutter_contrast(page, (1, 1, 1))}
    go_dark(page)
    colours["dark"] = gutter_contrast(page, (0, 0, 0))
    context.close()
    assert all(ratio >= 4.5 for ratio, *_ in colours.values()), colours
