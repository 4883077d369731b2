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

/* global RUNTIME_CACHE, WORKER_POLICY */
const RUNTIME = /\/assets\/(pyodide|python)\//
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

const sameOrigin = url => url.origin === self.location.origin
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
