/**
 * Search, downloaded when the reader reaches for it.
 *
 * Material requests its search index (the text of every page, ~120 KB) and
 * starts its search worker (~40 KB of script, and a thread) as soon as any
 * page opens, while the page may be starting Python on the same cores. This
 * holds back that one request until the reader points at or focuses the
 * search field, or opens search with a key; the index then arrives while
 * they type, and Material shows "Initializing search" meanwhile. The worker
 * starts with its first message, which carries the index. A page opened
 * from a search link (?q= or ?h=) asks at once.
 *
 * Inlined into the page's head (overrides/main.html): it must run before
 * Material's bundle. Should Material change how it loads either, search
 * simply loads at once again.
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

  /* A search worker that starts with its first message */
  const WORKER = /\/workers\/search\.[^/]*\.js$/
  const NativeWorker = self.Worker
  class WorkerOnDemand extends EventTarget {
    constructor(...args) {
      super()
      this.args = args
    }
    postMessage(...message) {
      if (!this.worker) {
        this.worker = new NativeWorker(...this.args)
        this.worker.onmessage = ({ data }) => this.dispatchEvent(new MessageEvent("message", { data }))
      }
      this.worker.postMessage(...message)
    }
    terminate() {
      this.worker?.terminate()
    }
  }
  if (NativeWorker) self.Worker = new Proxy(NativeWorker, {
    construct: (target, args) => WORKER.test(new URL(args[0], location.href).pathname)
      ? new WorkerOnDemand(...args)
      : Reflect.construct(target, args)
  })

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
