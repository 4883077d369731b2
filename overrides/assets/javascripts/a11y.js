/**
 * Small accessibility repairs to the theme's markup, on every page shown.
 *
 * - The search dialog gets a name; the instant-loading bar is decoration.
 * - A scrolling table, formula or listing becomes focusable, so keyboard
 *   users can scroll it too, and says what it is. One in a block not laid
 *   out yet (lazy-layout.css) is measured when the block is laid out:
 *   measuring it sooner would lay out the block at once.
 */
const SCROLLERS = ".md-typeset__scrollwrap, .katex-display, .md-typeset pre"

function markScrollers(root) {
  for (const el of root.querySelectorAll(SCROLLERS)) {
    if (el.hasAttribute("tabindex") || !el.checkVisibility({ contentVisibilityAuto: true })) continue
    if (el.scrollWidth <= el.clientWidth + 1) continue
    el.tabIndex = 0
    el.setAttribute("role", "region")
    el.setAttribute("aria-label", el.matches(".katex-display") ? "Formula (scrolls sideways)" : "Scrolls sideways")
  }
}

document$.subscribe(({ body }) => {
  document.querySelector(".md-search")?.setAttribute("aria-label", "Search")
  document.querySelector(".md-progress")?.setAttribute("aria-hidden", "true")
  markScrollers(body)
})

// A lazy block is laid out as the reader nears it (the event does not bubble)
document.addEventListener("contentvisibilityautostatechange", event => {
  if (!event.skipped) markScrollers(event.target)
}, { capture: true })
