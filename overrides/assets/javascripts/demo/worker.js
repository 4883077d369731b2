/**
 * The Python worker: one per browser tab, shared by every demo.
 *
 * Pyodide runs here, never on the page's thread, so a slow demo cannot
 * freeze scrolling or typing. The page sends `run` messages; the worker
 * answers each with the demo's readout and its figure as an ImageBitmap.
 */

// Everything is inside one function: a reader's code reaches the worker's
// globals (Python's `js` module, even through eval), but not its closure, so
// it cannot reach the page's channel.
(() => {

/* ----------------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------------- */

/** The site's asset folder, from the worker's own URL (…/assets/javascripts/demo/worker.js) */
const ASSETS = new URL("../../", self.location.href).href

/** Where the packages go in Python's file system */
const SITE_PACKAGES = "/lib/python3.12/site-packages/"

/** Share of the progress bar each start-up stage fills: its share of the time, as measured by tests/benchmark.py */
const STAGES = [
  ["runtime", "Starting Python", 0.45],
  ["packages", "Loading numpy and matplotlib", 0.1],
  ["numpy", "Importing numpy", 0.2],
  ["matplotlib", "Importing matplotlib", 0.25],
]

/** When each start-up stage began, in ms since the worker started (for the benchmark, with the worker's clock origin) */
const timings = { worker: Math.round(performance.now()) }

let pyodide = null
let python = null  // the runner's functions: start_block, next_frame, restyle_block, stop_block, forget
let checker = null  // judges exercises
let stdout = []
let dropped = 0
let interrupt = null  // shared with the page when it is cross-origin isolated: Stop writes 2
let post = null  // posts on the page's private channel, bound before any reader code runs
let pageScheme = "light"  // the page's palette, as the latest run or redraw gave it

/** Tell the page something, on the channel only this code holds */
const send = (message, transfer = []) => post(message, transfer)

/** Turns Python's verdict dicts into objects; held before a reader's code could replace it */
const fromEntries = Object.fromEntries

/** Ends this worker, telling the page first, which then starts another */
const closeWorker = self.close.bind(self)
function endWorker(reason) {
  send({ type: "dead", reason })
  closeWorker()
}
self.close = () => endWorker("the code it ran closed it")  // js.close() from a reader's code

/** Most printed lines a run shows: a print loop must not flood the page */
const MAX_LINES = 1000

/** Keep a printed line, up to the limit */
function keep(line) {
  if (stdout.length < MAX_LINES) stdout.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line)
  else dropped += 1
}

/** What a run printed, with a note of how much was left out */
function printed() {
  const note = dropped ? `\n… ${dropped.toLocaleString("en-US")} more lines not shown` : ""
  return stdout.join("\n") + note
}
const stopping = new Set()
const cancelled = new Set()  // runs stopped before they began: skipped

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** Note when a step of start-up is done (the benchmark prints these) */
const mark = step => { timings[step] = Math.round(performance.now()) }

/** Tell the page a start-up stage has begun */
function progress(stage) {
  mark(stage)
  let done = 0
  for (const [name, label, share] of STAGES) {
    if (name === stage) {
      send({ type: "progress", stage, label, done })
      return
    }
    done += share
  }
}

/** Write the bundle's files (demo sources, font list) into the file system */
async function writeFiles({ files, fetch: remote }) {
  const fetched = Object.entries(remote).map(async ([path, url]) =>
    [path, new Uint8Array(await (await fetch(`${ASSETS}${url}`)).arrayBuffer())])
  for (const [path, data] of [...Object.entries(files), ...await Promise.all(fetched)]) {
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")))
    pyodide.FS.writeFile(path, data)
  }
}

/**
 * Write the packages into site-packages, from the pack made at set-up
 * (textbook/pack.py): numpy, matplotlib, their dependencies, their bytecode.
 * Extension modules are loaded by the imports that need them, not as they are
 * written: Emscripten's preloading would load all 36 and, after each, look
 * through every symbol the runtime knows: about 0.25 s more before the first figure.
 */
function installPackages(buffer) {
  const bytes = new Uint8Array(buffer)
  const length = new DataView(buffer).getUint32(0, true)
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length)))
  let offset = 4 + length
  for (const [name, size] of index) {
    const path = `${SITE_PACKAGES}${name}`
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")))
    pyodide.FS.writeFile(path, bytes.subarray(offset, offset + size), { canOwn: true })  // a view of the pack: no copy
    offset += size
  }
  // Let imports see the new folders. Only the file finders: importlib.invalidate_caches()
  // would also re-read the standard library's zip index, 0.15 s here
  pyodide.runPython(`
import sys
from importlib.machinery import FileFinder
for finder in sys.path_importer_cache.values():
    if isinstance(finder, FileFinder):
        finder.invalidate_caches()`)
}

/** Start the runtime from its snapshot (see textbook/prepare.mjs), or without it if there is none */
async function startPython(snapshot) {
  const options = {
    indexURL: `${ASSETS}pyodide/`,
    stdout: keep,
    stderr: keep,
  }
  try {
    const pyodide = await self.loadPyodide({ ...options, _loadSnapshot: snapshot })
    // The snapshot froze the state of the random module, imported before it was
    // taken; reseed it so that no two readers draw the same numbers
    pyodide.runPython(`import sys\nif "random" in sys.modules: sys.modules["random"].seed()`)
    return pyodide
  } catch (error) {
    console.warn(`Starting Python without its snapshot: ${error.message}`)
    return self.loadPyodide(options)
  }
}

/**
 * A new run starts clean: no leftover output, no Stop meant for an earlier run.
 * The slate is wiped before the page hears the run began: a Stop it sends for
 * this run from then on must not be wiped with it.
 */
function beginRun(id) {
  stdout = []
  dropped = 0
  if (interrupt) Atomics.store(interrupt, 0, 0)
  send({ type: "begin", id })
}

/** Start Pyodide, load the packages and import the runner */
async function boot() {
  progress("runtime")
  const files = fetch(`${ASSETS}python/bundle.json`).then(response => response.json())
  importScripts(`${ASSETS}javascripts/demo/runtime_files.js`)
  const versions = files.then(bundle => bundle.runtime, () => null)
  const [snapshot, packages] = runtimeFiles(ASSETS, ["snapshot.bin.gz", "site-packages.pack.gz"], versions, mark)
  importScripts(`${ASSETS}pyodide/pyodide.js`)
  mark("pyodide.js")
  pyodide = await startPython(snapshot)
  progress("packages")
  installPackages(await packages)
  mark("packages installed")
  await writeFiles(await files)  // after the packages: it replaces matplotlib's stale font list
  progress("numpy")
  pyodide.runPython("import numpy")
  progress("matplotlib")
  pyodide.runPython(`import sys; sys.path.insert(0, "/home/pyodide/site")`)
  python = pyodide.pyimport("textbook.runner")
  // The judge's own functions, held here: a reader's code may replace the module's names
  const checks = pyodide.pyimport("textbook.checks")
  checker = { judge: checks.judge, run_code: checks.run_code }
  if (interrupt) pyodide.setInterruptBuffer(interrupt)  // from now on; start-up itself is never cut short
  mark("ready")
  timings.resources = performance.getEntriesByType("resource").map(entry =>
    [entry.name.split("/").pop(), Math.round(entry.startTime), Math.round(entry.responseEnd)])
  send({ type: "ready", timings, origin: performance.timeOrigin })
}

/** Turn one frame from Python into a message: readout and figure, or the traceback */
async function toMessage(frame) {
  try {
    const error = frame.get("error")
    if (error !== undefined) return { error }
    const pixels = frame.get("pixels")
    const buffer = pixels.getBuffer("u8clamped")
    const image = new ImageData(buffer.data.slice(), frame.get("width"), frame.get("height"))
    buffer.release()
    pixels.destroy()
    return { text: frame.get("text"), bitmap: await createImageBitmap(image) }
  } finally {
    frame.destroy()
  }
}

/** Let queued messages (a Stop) in between two frames */
const breathe = () => new Promise(resolve => setTimeout(resolve, 0))

/** Run one demo, posting every frame it yields; the last message is final */
async function run({ id, block, demo, params, dpi, source, narrow, scheme }) {
  beginRun(id)
  pageScheme = scheme ?? "light"
  const args = pyodide.toPy(params)
  let frame = python.start_block(block, demo, args, dpi, source ?? null, Boolean(narrow), scheme ?? "light")
  args.destroy()
  while (frame) {
    const message = await toMessage(frame)
    if (message.error) {
      send({ type: "frame", id, final: true, stdout: printed(), ...message })
      return
    }
    send({ type: "frame", id, final: false, stdout: printed(), ...message }, [message.bitmap])
    await breathe()
    if (stopping.delete(id)) {
      python.stop_block(block)
      break
    }
    frame = python.next_frame(block, pageScheme)  // a palette switch mid-stream shows from the next frame
  }
  send({ type: "frame", id, final: true, stdout: printed() })
}

/** Redraw a block's last figure in another palette: no run, nothing computed, nothing printed */
async function restyle({ id, block, scheme }) {
  pageScheme = scheme
  const frame = python.restyle_block(block, scheme)
  const message = frame ? await toMessage(frame) : {}
  send({ type: "frame", id, final: true, ...message }, message.bitmap ? [message.bitmap] : [])
}

/** Judge a reader's exercise code with its checks (or, with none, just run it) */
function check({ id, code, checks }) {
  beginRun(id)
  const judged = checks === null ? checker.run_code(code) : checker.judge(code, checks)
  const verdict = judged.toJs({ dict_converter: fromEntries })
  judged.destroy()
  send({ type: "frame", id, final: true, verdict, stdout: printed() })
}

/**
 * Whether Python can still run: code that calls os._exit() ends the runtime
 * for good ("Pyodide already exited").
 */
function pythonAlive() {
  try {
    pyodide.runPython("None")
    return true
  } catch {
    return false
  }
}

/* ----------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------- */

let booted = null
self.onmessage = async ({ data }) => {
  try {
    if (data.type === "boot") {
      interrupt = data.interrupt
      post ??= MessagePort.prototype.postMessage.bind(data.port)
      booted ??= boot()
      await booted
    } else if (data.type === "stop") {
      stopping.add(data.id)
    } else if (data.type === "cancel") {
      cancelled.add(data.id)
    } else if (data.type === "forget") {
      python?.forget(data.block)
    } else {
      await booted
      if (cancelled.delete(data.id)) send({ type: "frame", id: data.id, final: true })  // stopped before it began
      else if (data.type === "run") await run(data)
      else if (data.type === "restyle") await restyle(data)
      else if (data.type === "check") check(data)
    }
  } catch (error) {
    const message = String(error && error.message || error)
    if (data.type === "run" || data.type === "check") {
      const exited = pyodide && !pythonAlive()
      const note = exited ? `Python exited (${message}), so it was restarted. Run again when ready.` : message
      send({ type: "frame", id: data.id, final: true, error: note, stdout: printed() })
      if (exited) endWorker("Python exited")
    } else send({ type: "fatal", error: message })
  }
}

})()
