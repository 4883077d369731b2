/**
 * The Python worker: one per browser tab, shared by every demo.
 *
 * Pyodide runs here, never on the page's thread, so a slow demo cannot
 * freeze scrolling or typing. The page sends `run` messages; the worker
 * answers each with the demo's readout and its figure as an ImageBitmap.
 */

/* ----------------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------------- */

/** The site's asset folder, from the worker's own URL (…/assets/javascripts/demo/worker.js) */
const ASSETS = new URL("../../", self.location.href).href

/** Packages the demos import; their dependencies come from the lock file */
const PACKAGES = ["numpy", "matplotlib"]

/** Share of the progress bar each start-up stage fills */
const STAGES = [
  ["runtime", "Starting Python", 0.45],
  ["packages", "Loading numpy and matplotlib", 0.25],
  ["numpy", "Importing numpy", 0.1],
  ["matplotlib", "Importing matplotlib", 0.2],
]

let pyodide = null
let runBlock = null
let stdout = []

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** Tell the page a start-up stage has begun */
function progress(stage) {
  let done = 0
  for (const [name, label, share] of STAGES) {
    if (name === stage) {
      self.postMessage({ type: "progress", stage, label, done })
      return
    }
    done += share
  }
}

/** Write the demos' Python sources into the worker's file system */
function installSources(bundle) {
  for (const [path, source] of Object.entries(bundle)) {
    const full = `/home/pyodide/site/${path}`
    pyodide.FS.mkdirTree(full.slice(0, full.lastIndexOf("/")))
    pyodide.FS.writeFile(full, source)
  }
}

/** Start Pyodide, load the packages and import the runner */
async function boot() {
  progress("runtime")
  importScripts(`${ASSETS}pyodide/pyodide.js`)
  const sources = fetch(`${ASSETS}python/bundle.json`).then(response => response.json())
  pyodide = await self.loadPyodide({
    indexURL: `${ASSETS}pyodide/`,
    stdout: line => stdout.push(line),
    stderr: line => stdout.push(line),
  })
  progress("packages")
  await pyodide.loadPackage(PACKAGES, { messageCallback: () => {} })
  installSources(await sources)
  progress("numpy")
  pyodide.runPython("import numpy")
  progress("matplotlib")
  pyodide.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/site")
from textbook.runner import run_block, forget
`)
  runBlock = pyodide.globals.get("run_block")
  self.postMessage({ type: "ready" })
}

/** Run one demo and post its result; a demo's error is a result too */
async function run({ id, block, demo, params, dpi }) {
  stdout = []
  const py = pyodide.toPy(params)
  const result = runBlock(block, demo, py, dpi)
  py.destroy()
  const out = stdout.join("\n")
  const error = result.get("error")
  if (error !== undefined) {
    result.destroy()
    self.postMessage({ type: "result", id, error, stdout: out })
    return
  }
  const width = result.get("width")
  const height = result.get("height")
  const pixels = result.get("pixels")
  const buffer = pixels.getBuffer("u8clamped")
  const image = new ImageData(buffer.data.slice(), width, height)
  buffer.release()
  pixels.destroy()
  const text = result.get("text")
  result.destroy()
  const bitmap = await createImageBitmap(image)
  self.postMessage({ type: "result", id, text, stdout: out, bitmap }, [bitmap])
}

/* ----------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------- */

let booted = null
self.onmessage = async ({ data }) => {
  try {
    if (data.type === "boot") {
      booted ??= boot()
      await booted
    } else if (data.type === "run") {
      await booted
      await run(data)
    } else if (data.type === "forget") {
      pyodide?.globals.get("forget")?.(data.block)
    }
  } catch (error) {
    self.postMessage({ type: data.type === "run" ? "result" : "fatal", id: data.id, error: String(error && error.message || error) })
  }
}
