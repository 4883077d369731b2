/**
 * The book's service worker: its offline copy, and cross-origin isolation on
 * hosts that cannot send headers. Bundled with Workbox by build_sw.mjs, which
 * fills in the list of files to store (self.__WB_MANIFEST) and RUNTIME_CACHE.
 *
 * - Pages and site assets are stored when the worker installs (Workbox's
 *   precache, one revision per file). A new deployment installs beside the
 *   old one and waits until the reader accepts it, so a page never mixes the
 *   two versions' HTML and scripts.
 * - Python's runtime (~34 MB, assets/pyodide/ and assets/python/) is stored
 *   the first time it is fetched, in a cache named after its own revision.
 *   Its WebAssembly goes out as the browser's own copy while that is the same
 *   version (wasmRoute): that copy is where the browser keeps its compiled
 *   code, so a reader's second visit does not compile Python again.
 * - Every page and script of the site's own gets the two isolation headers,
 *   so Stop interrupts Python without restarting it on any host; a worker's
 *   script also gets the book's Content-Security-Policy (WORKER_POLICY, see
 *   textbook/csp.py), which a worker does not inherit from its page. The
 *   runtime's files need neither (an isolated page may load its own
 *   files): they go out of the cache untouched, so that the browser can
 *   keep its compiled copy of Python's WebAssembly beside them.
 */
import { clientsClaim } from "workbox-core"
import { addPlugins, cleanupOutdatedCaches, precacheAndRoute } from "workbox-precaching"
import { registerRoute } from "workbox-routing"
import { CacheFirst, NetworkOnly } from "workbox-strategies"

/* global RUNTIME_CACHE, WASM_SHA256, WORKER_POLICY */
const RUNTIME = /\/assets\/(pyodide|python)\//
const WASM = /\/assets\/pyodide\/pyodide\.asm\.wasm$/
const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
}

/** A response of the site's own, with the isolation headers added (and a worker's policy) */
const isolated = {
  handlerWillRespond: async ({ request, response }) => {
    if (!response || response.type === "opaque" || response.status === 0) return response
    const headers = new Headers(response.headers)
    for (const [name, value] of Object.entries(ISOLATION)) headers.set(name, value)
    if (request.destination === "worker") headers.set("Content-Security-Policy", WORKER_POLICY)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  },
}

addPlugins([isolated])
precacheAndRoute(self.__WB_MANIFEST, {
  ignoreURLParametersMatching: [/.*/],  // search links add ?h=…; the page is the same
})
cleanupOutdatedCaches()

/**
 * Python's WebAssembly, from the browser's HTTP cache when that copy is this
 * version, else from the offline copy (stored from the HTTP cache if it can).
 *
 * The browser keeps its compiled code for a WebAssembly file beside the copy
 * it compiled from, valid only while that copy is not revalidated. The first
 * visit, before this worker, compiles from the HTTP cache; serving the offline
 * copy instead would compile Python again on the second visit (a third of a
 * second more to the first figure on two cores, tests/benchmark.py), and
 * fetching it anew to store it would revalidate the HTTP copy, which throws
 * the compiled code away. The HTTP copy is stored only if its digest is this
 * version's (WASM_SHA256, filled in by build_sw.mjs).
 */
async function wasmRoute({ request }) {
  const cache = await caches.open(RUNTIME_CACHE)
  const [browsers, stored] = await Promise.all([
    fetch(request, { cache: "only-if-cached", mode: "same-origin" }).then(response => response.ok ? response : null, () => null),
    cache.match(request),
  ])
  if (stored) return browsers && sameVersion(browsers, stored) ? browsers : stored
  const copy = browsers && await sha256(browsers.clone()) === WASM_SHA256 ? browsers : await fetch(request)
  if (copy.ok) await cache.put(request, copy.clone())
  return copy
}

/** Whether two responses carry the same version of a file (ETag, or Last-Modified, and length) */
function sameVersion(a, b) {
  const version = response => response.headers.get("ETag") ?? response.headers.get("Last-Modified")
  return version(a) !== null && version(a) === version(b) && a.headers.get("Content-Length") === b.headers.get("Content-Length")
}

/** A response body's SHA-256, in hex */
async function sha256(response) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await response.arrayBuffer()))
  return Array.from(digest, byte => byte.toString(16).padStart(2, "0")).join("")
}

const sameOrigin = url => url.origin === self.location.origin
registerRoute(({ url }) => sameOrigin(url) && WASM.test(url.pathname), wasmRoute)
registerRoute(
  ({ url }) => sameOrigin(url) && RUNTIME.test(url.pathname),
  new CacheFirst({ cacheName: RUNTIME_CACHE }),
)
registerRoute(({ url }) => sameOrigin(url), new NetworkOnly({ plugins: [isolated] }))

/* The first version takes over at once (the page then reloads once to be
   isolated); later versions wait for the reader's "Reload" */
self.addEventListener("install", () => {
  if (!self.registration.active) self.skipWaiting()
})
if (!self.registration.active) clientsClaim()

self.addEventListener("message", event => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting()
})

/* Runtime caches of earlier versions go when this one takes over */
self.addEventListener("activate", event => {
  event.waitUntil(caches.keys().then(names => Promise.all(
    names.filter(name => name.startsWith("python-runtime-") && name !== RUNTIME_CACHE).map(name => caches.delete(name)))))
})
