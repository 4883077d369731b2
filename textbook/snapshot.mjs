// Make a memory snapshot of the bare Pyodide runtime, once, at set-up time.
//
//   node textbook/snapshot.mjs CACHE_DIR
//
// Restoring it in the browser skips most of Python's own start-up (about
// 2 s of a cold start on a 2-core machine). Pyodide 0.27.7 can only
// snapshot a runtime with no packages imported, so numpy and matplotlib
// still load afterwards. The snapshot is tied to this exact runtime build.
import { writeFileSync, renameSync } from "node:fs"
import { pathToFileURL } from "node:url"

const cache = process.argv[2].replace(/\/?$/, "/")
const { loadPyodide } = await import(pathToFileURL(`${cache}pyodide.mjs`).href)
const pyodide = await loadPyodide({ indexURL: cache, _makeSnapshot: true })
const snapshot = pyodide.makeMemorySnapshot()
writeFileSync(`${cache}snapshot.partial`, snapshot)
renameSync(`${cache}snapshot.partial`, `${cache}snapshot.bin`)
console.log(`Made a ${(snapshot.length / 2 ** 20).toFixed(1)} MiB snapshot of the bare runtime`)
