/**
 * Links into a chapter land on their target, although blocks far down are
 * laid out lazily (lazy-layout.css).
 *
 * Until a lazy block nears the screen it holds a guessed height, so a target
 * below such blocks would be scrolled to a guessed place, and then move as
 * they took their real heights. Before the browser scrolls to a target (a
 * page opened at #target, a click on a link into the page, instant
 * navigation), the lazy blocks above it are laid out for real; the ones
 * below stay lazy. Inlined into the page's head (overrides/main.html).
 */
(() => {
  const layOutAbove = hash => {
    let target = null
    try { target = hash && document.getElementById(decodeURIComponent(hash.slice(1))) } catch { return null }
    if (!target) return null
    for (const block of document.querySelectorAll(".md-typeset [data-lazy-layout]")) {
      if (!(block.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING)) break
      block.removeAttribute("data-lazy-layout")
    }
    return target
  }
  // A link into this page: lay out before the browser scrolls
  document.addEventListener("click", event => {
    const link = event.target.closest?.("a[href*='#']")
    if (link && link.pathname === location.pathname) layOutAbove(link.hash)
  }, { capture: true })
  // Opened at a target, or moved to one some other way: lay out, then land
  // again, and once more when the blocks now on screen have their heights
  const land = () => {
    const target = layOutAbove(location.hash)
    const scroll = () => target.scrollIntoView()
    if (target) requestAnimationFrame(() => { scroll(); requestAnimationFrame(() => requestAnimationFrame(scroll)) })
  }
  document.addEventListener("DOMContentLoaded", land)
  addEventListener("hashchange", land)
  addEventListener("load", () => { if (self.document$) document$.subscribe(land) })
})()
