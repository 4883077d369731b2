/**
 * Start Python as early as a page allows. Inlined into the head of pages
 * with a demo (overrides/main.html), this runs before the body is parsed:
 *
 * - it creates the worker at once, idle: a worker only starts once the page's
 *   thread is free, and Material's scripts keep it busy for the next half second;
 * - it boots Python as soon as the first demo is parsed, if that is near the
 *   screen, without waiting for the page's module scripts; for a reader who has
 *   run demos before, at once.
 *
 * runtime.js then adopts the worker (see `adoptEarlyWorker`); on pages where
 * no demo is near the screen it boots Python later, when one comes near.
 */
(() => {
  const address = document.querySelector('meta[name="book-demo-worker"]')?.content
  if (!address || !self.Worker) return
  const worker = new Worker(new URL(address, location.href))
  const inbox = []  // news that arrives before runtime.js listens
  const early = { worker, inbox, port: null, interrupt: null, booted: false }
  self.demoWorker = early

  /** Send the worker its boot message (see runtime.js's boot) */
  function boot() {
    early.booted = true
    early.interrupt = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null
    const channel = new MessageChannel()  // the worker's private line to the page (see runtime.js's boot)
    early.port = channel.port1
    early.port.onmessage = event => inbox.push(event)
    worker.postMessage({ type: "boot", interrupt: early.interrupt, port: channel.port2 }, [channel.port2])
  }

  // A reader who has run demos before gets Python at once, as index.js would
  // start it anyway on this page once the browser is idle
  let returning = false
  try { returning = localStorage.getItem("demos-used") === "yes" } catch {}
  if (returning) return boot()

  // Watch the page being parsed for its first demo; boot Python if it is near the
  // screen (the same rule as index.js's onScreen). Measuring it mid-parse makes
  // the browser lay out all the page parsed so far at once, a long pause on a
  // phone; a block before it that the build marked as far below any first screen
  // (textbook/lazy_layout.py, with lazy-layout.css's rule for narrow screens)
  // settles it without measuring.
  const farMark = () => matchMedia("(max-width: 480px)").matches ? "[data-lazy-layout]" : '[data-lazy-layout="always"]'
  const parsed = new MutationObserver(() => {
    const demo = document.querySelector(".demo[data-demo]")
    if (!demo) return
    parsed.disconnect()
    if (early.adopted) return
    const mark = document.querySelector(farMark())  // the first, in the page's order
    if (mark && mark.compareDocumentPosition(demo) & Node.DOCUMENT_POSITION_FOLLOWING) return
    if (demo.getBoundingClientRect().top > innerHeight + 200) return
    boot()
  })
  parsed.observe(document, { childList: true, subtree: true })
  document.addEventListener("DOMContentLoaded", () => parsed.disconnect(), { once: true })
})()
