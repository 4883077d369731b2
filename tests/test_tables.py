"""Tables come framed from the build, so that nothing moves them as a page opens,
and Material's stylesheets stay the ones that styled the first paint."""

from textbook import styles
from textbook.tables import frame_tables

NOTATION = "/notation/"
TABLE = "<table>\n<thead>\n<tr><th>a</th></tr>\n</thead>\n<tbody>\n<tr><td>1</td></tr>\n</tbody>\n</table>"
FRAMED = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table class="framed">'


def test_each_table_is_framed_once_and_others_are_left_alone():
    html = f"<p>x</p>\n{TABLE}\n<p>y</p>\n{TABLE}\n"
    framed = frame_tables(html)
    assert framed.count(FRAMED) == 2
    assert framed.count("</table></div></div>") == 2
    assert "<table>" not in framed
    # framing twice changes nothing; a table with a class, or one holding another, is not the build's to frame
    assert frame_tables(framed) == framed
    classed = '<table class="highlighttable"><tr><td>1</td></tr></table>'
    nested = "<table><tr><td><table><tr><td>1</td></tr></table></td></tr></table>"
    assert frame_tables(classed) == classed
    assert frame_tables(nested) == nested


def test_material_s_table_rules_also_style_the_framed_tables():
    css = ".md-typeset table:not([class]){font-size:.64rem}.md-typeset table:not([class]) th{font-weight:700}"
    lightened = styles.main_css(css, [])
    assert lightened == ".md-typeset table:is(:not([class]),.framed){font-size:.64rem}.md-typeset table:is(:not([class]),.framed) th{font-weight:700}"


WATCH = """(() => {
  window.__moved = []
  new MutationObserver(records => records.forEach(r => r.removedNodes.forEach(n => n.nodeType === 1 && window.__moved.push(n.tagName))))
      .observe(document, { childList: true, subtree: true })
  // The stylesheets as the page is parsed, before Material's script starts
  document.addEventListener("readystatechange", () => {
    if (document.readyState === "interactive") window.__sheets = [...document.styleSheets]
  })
})()"""


def test_a_table_keeps_its_place_and_material_s_look_as_the_page_opens(page, server):
    page.set_viewport_size({"width": 412, "height": 823})
    page.add_init_script(WATCH)
    page.goto(server + NOTATION)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)
    # Taken out and put back, a table of formulas is styled all over again: a pause on a phone
    assert page.evaluate("window.__moved.filter(tag => tag === 'TABLE')") == []
    tables = page.locator("article table")
    assert tables.count() >= 5
    for i in range(tables.count()):
        table = tables.nth(i)
        assert table.evaluate("t => t.parentElement.matches('.md-typeset__table') && t.parentElement.parentElement.matches('.md-typeset__scrollwrap')")
        assert table.evaluate("t => !t.closest('.md-typeset__table').parentElement.closest('.md-typeset__table')")  # framed once
        # Material's look: its border, and its header in bold
        assert table.evaluate("t => parseFloat(getComputedStyle(t).borderTopWidth)") > 0
        assert table.evaluate("t => getComputedStyle(t.querySelector('th')).fontWeight") == "700"
    assert page.watch.errors == []


def test_material_s_stylesheets_are_not_loaded_again_as_its_script_starts(page, server):
    # Loaded again, a stylesheet makes the browser restyle the whole page
    page.add_init_script(WATCH)
    page.goto(server + NOTATION)
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.body.hasAttribute('data-md-color-scheme') && window.document$")
    page.wait_for_timeout(500)
    kept = page.evaluate("""() => {
      const material = sheets => sheets.flatMap(s => [s, ...[...s.cssRules].filter(r => r.styleSheet).map(r => r.styleSheet)])
                                       .filter(s => /\\/(main|palette)\\.[0-9a-f]+\\.min\\.css$/.test(s.href || ""))
      const before = material(window.__sheets), now = material([...document.styleSheets])
      return { before: before.length, now: now.length, same: before.every(s => now.includes(s)) }
    }""")
    assert kept == {"before": 2, "now": 2, "same": True}
