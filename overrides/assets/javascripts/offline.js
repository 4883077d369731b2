/**
 * The book's offline copy and cross-origin isolation, page side.
 *
 * - Registers the service worker (sw.js, written by textbook/build_sw.mjs)
 *   once the page has loaded, so its download of the pages never competes
 *   with the page itself.
 * - On a host that sends no isolation headers, the worker adds them; the
 *   page it first takes over reloads once to get them, unless the reader is
 *   already using a demo (then the next visit is isolated). One reload per
 *   tab at most, so it can never loop.
 * - Shows "A new version is available" when a deployment is waiting, and
 *   switches every open page to it at once when the reader accepts.
 * - Adds an "Available offline" control to the footer: whether the whole
 *   book (pages and Python) is stored, with a button to store or remove
 *   Python's runtime and the progress of the download.
 *
 * A browser without service workers (or one that refuses them) gets none of
 * this and the book works as before.
 */

const ROOT = new URL("../../", import.meta.url)
const RELOADED = "book-isolation-reload"  // sessionStorage: this tab reloaded once already
const MB = bytes => (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)

let registration = null
let manifest = null   // assets/offline.json: the runtime's files and sizes, the pages' size
let storing = null    // {done, total} while the runtime is being stored
const controlled = !!navigator.serviceWorker?.controller  // was this page loaded through the worker

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** Whether the reader has started using a demo, listing or exercise here */
let busy = false
for (const type of ["pointerdown", "keydown", "input"])
  document.addEventListener(type, event => {
    if (event.target.closest?.(".demo, .runnable, .exercise")) busy = true
  }, { capture: true })

/** How many bytes of the runtime are stored, and how many it has */
async function runtimeStored() {
  const cache = await caches.open(manifest.runtime.cache)
  let stored = 0
  for (const [path, size] of manifest.runtime.files)
    if (await cache.match(new URL(path, ROOT).href)) stored += size
  return stored
}

/** Fetch the runtime's missing files through the worker, which stores them */
async function storeRuntime() {
  removed = false
  if (storing || !navigator.serviceWorker.controller) return
  const cache = await caches.open(manifest.runtime.cache)
  storing = { done: 0, total: manifest.runtime.bytes }
  render()
  try {
    for (const [path, size] of manifest.runtime.files) {
      const url = new URL(path, ROOT).href
      if (await cache.match(url)) { storing.done += size; continue }
      const reader = (await fetch(url)).body.getReader()
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        storing.done += chunk.value.length
        render()
      }
    }
    // The worker writes each file into its cache just after handing it over
    for (let wait = 0; wait < 50 && await runtimeStored() < manifest.runtime.bytes; wait++)
      await new Promise(resolve => setTimeout(resolve, 100))
  } catch (error) {
    console.warn("The book could not store Python for offline reading:", error)
  } finally {
    storing = null
    render()
  }
}

let removed = false  // the reader removed Python: store it again only when asked

async function removeRuntime() {
  removed = true
  await caches.delete(manifest.runtime.cache)
  await caches.delete("python-inflated")  // the worker's inflated copies of it (demo/inflate.js)
  render()
}

/* ----------------------------------------------------------------------------
 * The control and the update prompt
 * ------------------------------------------------------------------------- */

/** The footer's "Available offline" control, drawn from what is stored now */
async function render() {
  const footer = document.querySelector(".md-footer-meta__inner")
  if (!footer || !manifest) return
  let control = footer.querySelector(".offline")
  if (!control) {
    control = document.createElement("div")
    control.className = "offline"
    control.setAttribute("aria-live", "polite")
    footer.append(control)
  }
  const state = await describe()
  if (control.dataset.state === state.text) return  // unchanged: keep the button and its focus
  control.dataset.state = state.text
  control.replaceChildren(text(state.text), ...state.more)
}

/** What the control says, and the button or progress bar beside it */
async function describe() {
  if (!registration?.active) return { text: "Storing the book for offline reading…", more: [] }
  if (storing) {
    const progress = Object.assign(document.createElement("progress"), { max: storing.total, value: storing.done })
    progress.setAttribute("aria-label", "Storing Python")
    return { text: `Storing Python for offline demos: ${MB(storing.done)} of ${MB(storing.total)} MB`, more: [progress] }
  }
  const stored = await runtimeStored()
  if (stored >= manifest.runtime.bytes)
    return { text: `Available offline, demos included (${MB(manifest.pages.bytes + stored)} MB)`, more: [button("Remove Python", removeRuntime)] }
  // The reader ran Python (some of its files may have come before the worker): keep all of it
  if (!removed && (stored > 0 || pythonUsed()) && navigator.serviceWorker.controller) storeRuntime()
  return { text: "Pages available offline; demos need Python", more: [button(`Store it (${MB(manifest.runtime.bytes - stored)} MB)`, storeRuntime)] }
}

/** Whether this tab has started Python (then its runtime is worth keeping) */
let pythonStarted = false
const pythonUsed = () => (pythonStarted ||= !!(self.demoWorker?.booted || document.querySelector(".demo--live")))

const text = content => Object.assign(document.createElement("span"), { className: "offline__text", textContent: content })
const button = (label, action) => {
  const el = Object.assign(document.createElement("button"), { className: "offline__button", type: "button", textContent: label })
  el.addEventListener("click", action)
  return el
}

/** "A new version is available": accepting it switches to the waiting worker */
function offerUpdate(waiting) {
  if (document.querySelector(".offline-update")) return
  const prompt = document.createElement("div")
  prompt.className = "offline-update"
  prompt.setAttribute("role", "status")
  prompt.append(text("A new version of the book is available."), button("Reload", () => waiting.postMessage({ type: "SKIP_WAITING" })))
  document.body.append(prompt)
}

/** Offer a worker once it has installed beside the active one */
function watchForUpdates() {
  const offerWhenInstalled = worker => worker.addEventListener("statechange", () => {
    if (worker.state === "installed" && registration.active) offerUpdate(worker)
  })
  if (registration.waiting && registration.active) offerUpdate(registration.waiting)
  if (registration.installing) offerWhenInstalled(registration.installing)
  registration.addEventListener("updatefound", () => offerWhenInstalled(registration.installing))
}

/* ----------------------------------------------------------------------------
 * Start
 * ------------------------------------------------------------------------- */

/**
 * Resolves once Python, if it is starting on an isolated page, has drawn its
 * first figure (or failed; at most 5 s after it is ready, 30 s in all), so
 * that the pages' download slows neither. On a page that is not isolated the
 * worker is wanted at once: the page reloads for it.
 */
function pythonStarting() {
  if (!self.crossOriginIsolated || !self.demoWorker?.booted || document.querySelector(".demo--live")) return Promise.resolve()
  return new Promise(resolve => {
    document.addEventListener("demo:shown", resolve, { once: true })  // (widget.js)
    addEventListener("demo:python", ({ detail }) => detail === "ready" ? setTimeout(resolve, 5000) : resolve())  // (runtime.js)
    setTimeout(resolve, 30_000)
  })
}

async function start() {
  const stored = await fetch(new URL("assets/offline.json", ROOT))
  if (!stored.ok) {  // the development server keeps no offline copy (its sw.js retires any earlier one)
    return navigator.serviceWorker.getRegistration(ROOT.href).then(earlier => earlier?.update())
  }
  manifest = await stored.json()
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (controlled) {  // a new version took over (the reader accepted it here or in another tab)
      location.reload()
    } else if (!self.crossOriginIsolated && !busy && !sessionStorage.getItem(RELOADED)) {
      sessionStorage.setItem(RELOADED, "1")  // the worker now adds the isolation headers
      location.reload()
    } else {
      render()
    }
  })
  registration = await navigator.serviceWorker.register(new URL("sw.js", ROOT), { scope: ROOT.pathname })
  if (!registration) return  // refused (some browsers' private modes, automation)
  watchForUpdates()
  await navigator.serviceWorker.ready
  render()
  setInterval(() => storing || render(), 3000)  // Python's files arrive as the reader runs demos
}

if ("serviceWorker" in navigator && self.caches) {
  const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: new URL("assets/stylesheets/offline.css", ROOT).href })
  document.head.append(link)
  self.document$?.subscribe(() => render())
  const begin = () => pythonStarting().then(start).catch(error => console.warn("The book's offline copy is unavailable:", error))
  if (document.readyState === "complete") begin()
  else addEventListener("load", begin, { once: true })
}
