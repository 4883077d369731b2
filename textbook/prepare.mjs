// Prepare two start-up shortcuts for the browser, once, at set-up time:
//
//   node textbook/prepare.mjs CACHE_DIR REPO_DIR [PURE_PYTHON_WHEEL ...]
//
// 1. pycache.zip: bytecode for every module the demos import. The official
//    wheels and the standard library ship only .py files, so without it the
//    browser compiles numpy and matplotlib from source on every visit (about
//    1.4 s). The bytecode is "unchecked-hash" .pyc, valid whatever the files'
//    timestamps, compiled by this very Python (3.12 in WebAssembly).
// 2. snapshot.bin.gz: a memory snapshot of the runtime, taken once the
//    standard-library modules found in step 1 are imported, and the modules
//    of the pure-Python packages (pyparsing, dateutil, …). Restoring it
//    skips Python's own start-up (about 2 s cold on 2 cores) and those
//    imports, some of which loading packages needs before any bytecode is
//    installed. Pyodide 0.27.7 cannot snapshot a runtime that has loaded a
//    compiled extension, so numpy and matplotlib are not in it.
// Both are tied to this exact runtime build and are remade with it.
import { readFileSync, renameSync, writeFileSync } from "node:fs"
import { gzipSync } from "node:zlib"
import { pathToFileURL } from "node:url"

const [cache, repo] = process.argv.slice(2, 4).map(dir => dir.replace(/\/?$/, "/"))
const pure = process.argv.slice(4)  // the served pure-Python wheels: their modules can be in the snapshot
const { loadPyodide } = await import(pathToFileURL(`${cache}pyodide.mjs`).href)

/** Write a file through a temporary name, so a crash leaves no half file */
function save(name, data) {
  writeFileSync(`${cache}${name}.partial`, data)
  renameSync(`${cache}${name}.partial`, `${cache}${name}`)
}

const pyodide = await loadPyodide({ indexURL: cache, stdout: () => {}, stderr: () => {} })
const booted = pyodide.runPython("import sys; sorted(sys.modules)").toJs()
await pyodide.loadPackage(["numpy", "matplotlib"], { messageCallback: () => {} })
pyodide.FS.mkdirTree("/repo")
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: repo }, "/repo")
pyodide.globals.set("booted", booted)
const report = pyodide.runPython(readFileSync(new URL("./prepare_pycache.py", import.meta.url), "utf8"))
save("pycache.zip", pyodide.FS.readFile("/tmp/pycache.zip"))
console.log(report)
const stdlib = pyodide.globals.get("stdlib_modules").toJs()
const site = pyodide.globals.get("site_modules").toJs()

const bare = await loadPyodide({ indexURL: cache, _makeSnapshot: true })
for (const file of pure) {
  bare.unpackArchive(new Uint8Array(readFileSync(`${cache}${file}`)), "wheel", { extractDir: "/lib/python3.12/site-packages" })
}
const imported = bare.runPython(`
import importlib
imported = []
for name in ${JSON.stringify([...stdlib, ...site])}:
    try:
        importlib.import_module(name)
        imported.append(name)
    except ImportError:  # needs a package this runtime has not loaded
        pass
imported
`).toJs()
const fromPackages = imported.filter(name => site.includes(name)).length
const snapshot = bare.makeMemorySnapshot()
const packed = gzipSync(snapshot)  // a quarter of the size: mostly empty memory
save("snapshot.bin.gz", packed)
console.log(`Made a ${(snapshot.length / 2 ** 20).toFixed(1)} MiB snapshot (${(packed.length / 2 ** 20).toFixed(1)} MiB gzipped) of the runtime with ${imported.length - fromPackages} standard-library modules and ${fromPackages} modules of ${pure.length} pure-Python packages imported`)
