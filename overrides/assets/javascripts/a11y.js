/**
 * Small accessibility repairs to the theme's markup, on every page shown.
 *
 * - The search dialog gets a name; the instant-loading bar is decoration.
 * - A scrolling table, formula or listing becomes focusable, so keyboard
 *   users can scroll it too, and says what it is.
 */
document$.subscribe(({ body }) => {
  document.querySelector(".md-search")?.setAttribute("aria-label", "Search")
  document.querySelector(".md-progress")?.setAttribute("aria-hidden", "true")
  const scrollers = ".md-typeset__scrollwrap, .katex-display, .md-typeset pre"
  for (const el of body.querySelectorAll(scrollers)) {
    if (el.scrollWidth <= el.clientWidth + 1 || el.hasAttribute("tabindex")) continue
    el.tabIndex = 0
    el.setAttribute("role", "region")
    el.setAttribute("aria-label", el.matches(".katex-display") ? "Formula (scrolls sideways)" : "Scrolls sideways")
  }
})
