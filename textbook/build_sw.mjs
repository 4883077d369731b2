// Write the book's service worker into a built site, with Workbox.
//
//   node textbook/build_sw.mjs SITE_DIR WORKER_POLICY
//
// - assets/offline.json: Python's runtime files and their sizes, and the size
//   of the stored pages, for the "Available offline" control (offline.js);
// - sw.js: service_worker.js bundled with Workbox's modules, then given the
//   list of pages and assets to store, each with its revision (a digest of
//   its content), so a deployment replaces exactly what changed.
//
// The runtime (~34 MB) is left out of that list: it is stored the first time
// a reader runs a demo, in a cache named after its own digest.
import { createHash } from "node:crypto"
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"

const require = createRequire(import.meta.url)
const esbuild = require("esbuild")
const { getManifest, injectManifest } = require("workbox-build")

const [site, workerPolicy] = process.argv.slice(2)
const RUNTIME_DIRS = ["assets/pyodide", "assets/python"]
const PRECACHE = {
  globDirectory: site,
  globPatterns: ["**/*.{html,css,js,mjs,json,woff2,svg,png,ico,xml}"],
  globIgnores: [...RUNTIME_DIRS.map(dir => `${dir}/**`), "sw.js", "**/*.map"],
  maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
}

/** Every file under a folder, as paths relative to the site */
const filesUnder = dir => readdirSync(join(site, dir), { recursive: true, withFileTypes: true })
  .filter(entry => entry.isFile())
  .map(entry => relative(site, join(entry.parentPath, entry.name)))
  .sort()

/** A file's SHA-256, in hex */
const sha256 = path => createHash("sha256").update(readFileSync(path)).digest("hex")

/** The runtime's files with their sizes, and a digest of their content */
function runtime() {
  const digest = createHash("sha256")
  const files = RUNTIME_DIRS.flatMap(filesUnder).map(path => {
    digest.update(path).update(readFileSync(join(site, path)))
    return [path, statSync(join(site, path)).size]
  })
  return { cache: `python-runtime-${digest.digest("hex").slice(0, 12)}`, files }
}

const python = runtime()
const pages = await getManifest(PRECACHE)
writeFileSync(join(site, "assets", "offline.json"), JSON.stringify({
  runtime: { ...python, bytes: python.files.reduce((sum, [, size]) => sum + size, 0) },
  pages: { count: pages.count, bytes: pages.size },
}))

// Bundle the worker's source; Workbox fills in self.__WB_MANIFEST afterwards
const source = join(mkdtempSync(join(tmpdir(), "book-sw-")), "sw.js")
await esbuild.build({
  entryPoints: [new URL("service_worker.js", import.meta.url).pathname],
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2020",
  outfile: source,
  logLevel: "error",
  define: {
    RUNTIME_CACHE: JSON.stringify(python.cache),
    WASM_SHA256: JSON.stringify(sha256(join(site, "assets", "pyodide", "pyodide.asm.wasm"))),
    WORKER_POLICY: JSON.stringify(workerPolicy),
    "process.env.NODE_ENV": '"production"',
  },
})
const { count, size, warnings } = await injectManifest({ ...PRECACHE, swSrc: source, swDest: join(site, "sw.js") })
for (const warning of warnings) console.error(warning)
console.log(`sw.js stores ${count} files (${(size / 1e6).toFixed(1)} MB); Python's runtime adds ${python.files.length} files on first use`)
