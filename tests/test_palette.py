"""The palette toggle (overrides/assets/javascripts/palette.js): a page opens
in the reader's palette from its first paint, and the toggle steps through
automatic, light and dark, by mouse or keyboard, and is remembered."""

from __future__ import annotations

CHAPTER = "/part1/sampling/"

# The palette as the page is parsed (before Material's script), and every
# change to it afterwards
WATCH = """(() => {
  window.__late = []
  document.addEventListener("readystatechange", () => {
    if (document.readyState !== "interactive") return
    window.__parsed = {
      scheme: document.body.getAttribute("data-md-color-scheme"),
      colorScheme: document.querySelector("meta[name=color-scheme]")?.content,
    }
    new MutationObserver(records => records.forEach(r => window.__late.push(r.attributeName || "meta")))
      .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme", "data-md-color-primary", "data-md-color-accent", "data-md-color-media"] })
    new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(n => n.nodeName === "META" && window.__late.push("meta " + n.name))))
      .observe(document.head, { childList: true })
  })
})()"""


def scheme(page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def toggle(page):
    return page.locator(".md-header__option label:not([hidden])")


def shown_palette(page) -> int:
    """Which palette is on, by the one toggle showing: the button to the next palette
    (its title is gone while the mouse is over it, Material's tooltip has it)."""
    return (int(toggle(page).get_attribute("for").removeprefix("__palette_")) - 1) % 3


AUTOMATIC, LIGHT, DARK = 0, 1, 2  # in the order of mkdocs.yml


def test_a_dark_system_s_reader_sees_the_page_dark_from_its_first_paint(browser, server):
    """Nothing is stored yet: the automatic palette follows the system at once,
    and nothing changes the palette later (each change restyled the whole page)."""
    context = browser.new_context(color_scheme="dark", service_workers="block")
    page = context.new_page()
    page.add_init_script(WATCH)
    page.goto(server + CHAPTER)
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.querySelector('meta[name=theme-color]')?.content")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__parsed") == {"scheme": "slate", "colorScheme": "dark"}
    assert page.evaluate("window.__late") == []
    # The browser's bar takes the header's colour
    header = page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    bar = page.evaluate("document.querySelector('meta[name=theme-color]').content")
    assert header == "rgb({}, {}, {})".format(*(int(bar[i:i + 2], 16) for i in (1, 3, 5)))
    assert shown_palette(page) == AUTOMATIC and toggle(page).get_attribute("title") == "Switch to light mode"
    context.close()


def test_the_toggle_steps_through_light_dark_and_automatic_and_is_remembered(browser, server):
    context = browser.new_context(color_scheme="light", service_workers="block")
    page = context.new_page()
    page.goto(server + CHAPTER)
    assert scheme(page) == "default" and shown_palette(page) == AUTOMATIC
    toggle(page).click()  # automatic → light
    assert scheme(page) == "default" and shown_palette(page) == LIGHT
    toggle(page).click()  # light → dark
    assert scheme(page) == "slate" and shown_palette(page) == DARK
    assert page.evaluate("document.querySelector('meta[name=color-scheme]').content") == "dark"
    # Remembered on the next visit, and on the way there by link
    page.reload()
    assert scheme(page) == "slate" and shown_palette(page) == DARK and toggle(page).count() == 1
    page.locator("a.md-footer__link--next").click()
    page.wait_for_url("**/part1/noise-to-data/")
    assert scheme(page) == "slate"
    # The keyboard: Enter on the toggle steps on, to automatic (the system is light)
    page.locator("#__palette_2").focus()
    page.keyboard.press("Enter")
    assert scheme(page) == "default" and shown_palette(page) == AUTOMATIC
    page.emulate_media(color_scheme="dark")  # and automatic follows the system
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    context.close()


def test_the_toggle_shows_only_once_the_header_after_it_is_parsed(built_site):
    """Shown as soon as it was parsed, the toggle was on screen at the header's
    right edge when the browser painted mid-header, then moved left as the search
    button arrived after it (a layout shift Lighthouse caught on a phone)."""
    for page in ("index.html", "part1/gans/index.html", "notation/index.html"):
        html = (built_site / page).read_text()
        toggle = html.index("data-book-palette>")
        search = html.index('for="__search"')
        header_end = html.index("</header>")
        script = html.index('querySelectorAll("[data-book-palette] input")')
        assert toggle < search < header_end < script, page
        assert "__md_get(\"__palette\");if(palette" not in html  # Material's own palette script is gone
