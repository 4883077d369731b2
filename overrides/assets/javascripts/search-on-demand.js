/**
 * Search's index, downloaded when the reader reaches for search.
 *
 * Material requests its search index (the text of every page, ~120 KB) and
 * builds it as soon as any page opens, while the page may be starting Python
 * on the same cores. This holds that one request back until the reader
 * points at or focuses the search field, or opens search with a key; the
 * index then arrives while they type, and Material shows "Initializing
 * search" meanwhile. A page opened from a search link (?q= or ?h=) asks at once.
 *
 * Inlined into the page's head (overrides/main.html): it must run before
 * Material's bundle sends the request.
 */
(() => {
  const INDEX = /\/search\/search_index\.json$/
  const held = []
  let wanted = /[?&][qh]=/.test(location.search)

  const { open, send } = XMLHttpRequest.prototype
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.isSearchIndex = INDEX.test(new URL(url, location.href).pathname)
    return open.call(this, method, url, ...rest)
  }
  XMLHttpRequest.prototype.send = function (...body) {
    if (this.isSearchIndex && !wanted) held.push(() => send.apply(this, body))
    else send.apply(this, body)
  }

  /* The search field and its toggle (#__search, which Material's keys click) */
  const SEARCH = ".md-search, label[for='__search'], #__search"
  const release = event => {
    if (wanted || !event.target.closest?.(SEARCH)) return
    wanted = true
    for (const request of held.splice(0)) request()
  }
  for (const type of ["pointerover", "focusin", "change"])
    document.addEventListener(type, release, { capture: true })
})()
