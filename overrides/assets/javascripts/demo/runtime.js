/**
 * The page's handle on the Python worker.
 *
 * The worker is created lazily, once per browser tab, and outlives Material's
 * instant page swaps, so moving to the next chapter does not reload Pyodide.
 * Every demo block on every page talks to it through `runDemo`.
 */

/* ----------------------------------------------------------------------------
 * Data
 * ------------------------------------------------------------------------- */

let worker = null
let port = null  // the worker's private channel: only the runtime's own code can post to it
let workerURL = null
let ready = null
let nextId = 0
const pending = new Map()  // runs the worker has not ended: {request, onFrame, onBegin, resolve, done, over, cancelled}
let current = null  // the id of the run Python is working on
const listeners = new Set()
let lastProgress = null

/**
 * Memory shared with the worker, when the page is cross-origin isolated:
 * writing 2 (SIGINT) into it raises KeyboardInterrupt in Python, which stops
 * an endless loop without losing the loaded runtime.
 */
let interrupt = null

/** How long Stop waits for Python to give in before ending the worker */
const INTERRUPT_GRACE_MS = 1000

/**
 * How much longer it waits once Python has taken the interrupt (it clears the
 * shared memory when it does): unwinding and reporting may be slow on a busy machine
 */
const UNWIND_GRACE_MS = 10000

/**
 * When, within that wait, Python is interrupted once more: an interrupt it
 * took can be lost (the reader's code caught it, or it was raised in a
 * finalizer, where Python only prints it), and a second one is gentler than a
 * restart. Later than a clean-up usually takes, so that one is not cut short.
 */
const REPEAT_AFTER_MS = 3000

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** Register a run and send it; its promise settles with the run's final message */
function send(request, onFrame, onBegin) {
  const run = { request, onFrame, onBegin, cancelled: false }
  run.done = new Promise(settle => { run.resolve = settle })  // what the caller waits for
  run.over = new Promise(settle => { run.finish = settle })  // the worker is done with it
  pending.set(request.id, run)
  if (!ready) startRuntime(workerURL)  // after a restart
  worker.postMessage(request)
  return run.done
}

/** The worker is done with a run: the caller hears its end, unless it was cancelled */
function finishRun(id, end) {
  const run = pending.get(id)
  pending.delete(id)
  if (current === id) current = null
  run.finish()
  if (!run.cancelled) run.resolve(end)
}

/**
 * Drop a run Python has not begun: its caller hears it was stopped at once,
 * and the worker skips it when it comes to it.
 */
function cancelRun(run) {
  run.cancelled = true
  worker.postMessage({ type: "cancel", id: run.request.id })
  const end = { id: run.request.id, final: true, error: "Stopped before Python ran it." }
  run.onFrame?.(end)
  run.resolve(end)
}

/**
 * Interrupt the run Python is working on. With cross-origin isolation Python
 * raises KeyboardInterrupt and keeps its runtime (still running 3 s after it
 * took it, it gets a second one); when it does not take the interrupt within
 * a second (it is deep in one numpy call), or has not ended 10 s after it
 * took it, or without isolation, the worker is ended and the next run starts
 * a fresh one.
 */
async function interruptCurrent() {
  const run = pending.get(current)
  if (!run) return
  if (interrupt) {
    Atomics.store(interrupt, 0, 2)
    if (await endsWithin(run.over, INTERRUPT_GRACE_MS)) return
    if (Atomics.load(interrupt, 0) === 0) {  // taken: Python is unwinding, or lost it
      if (await endsWithin(run.over, REPEAT_AFTER_MS)) return
      Atomics.store(interrupt, 0, 2)
      if (await endsWithin(run.over, UNWIND_GRACE_MS - REPEAT_AFTER_MS)) return
    }
  }
  if (pending.get(current) === run) restartRuntime("Stopped. Python was restarted; run again when ready.")
}

/**
 * Whether a promise settles within some time.
 *
 * @param {Promise} promise - e.g. a run's end
 * @param {number} ms - how long to wait
 * @returns {Promise<boolean>} true if it settled in time
 */
export const endsWithin = (promise, ms) =>
  Promise.race([promise.then(() => true), new Promise(resolve => setTimeout(resolve, ms, false))])

/**
 * Take over the worker early.js created while the page loaded, if any.
 *
 * @returns {MessageEvent[]|null} the news it got before this listened, or null if there is none to adopt
 */
function adoptEarlyWorker() {
  const early = self.demoWorker
  if (!early || early.adopted) return null
  early.adopted = true
  worker = early.worker
  if (early.booted) listen(early.port, early.interrupt)
  else boot()
  return early.inbox
}

/** Create a worker and boot it; it has no news yet */
function newWorker() {
  worker = new Worker(workerURL)
  boot()
  return []
}

/**
 * Send the worker its boot message with its end of a private channel, and the
 * memory Stop writes to when the page is isolated. Everything the worker says
 * comes through that channel: code a reader runs in the worker can post
 * messages to the page, but not on it, so it cannot fake a verdict or a frame.
 */
function boot() {
  const channel = new MessageChannel()
  const memory = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : null
  worker.postMessage({ type: "boot", interrupt: memory, port: channel.port2 }, [channel.port2])
  listen(channel.port1, memory)
}

/** Hear the worker on its channel */
function listen(channel, memory) {
  port = channel
  interrupt = memory
  port.onmessage = dispatch
}

/** Forward a worker message to whoever is waiting for it; a worker about to end is replaced */
function dispatch({ data }) {
  if (data.type === "dead") {
    restartRuntime(`Python's worker stopped (${data.reason}), so Python was restarted. Run again when ready.`)
    return
  }
  if (data.type === "begin") {
    current = data.id
    const run = pending.get(data.id)
    if (run?.cancelled) interruptCurrent()  // it began before the worker heard it was cancelled
    else run?.onBegin?.()
  }
  if (data.type === "progress" || data.type === "ready" || data.type === "fatal") {
    lastProgress = data
    if (data.type === "ready") {  // for the benchmark: each stage's start on the page's clock
      const shift = data.origin - performance.timeOrigin
      const { resources, ...stages } = data.timings
      window.__demoTimings = Object.fromEntries(Object.entries(stages).map(([stage, ms]) => [stage, ms + shift]))
      window.__demoTimings.resources = resources?.map(([name, start, end]) => [name, start + shift, end + shift])
      window.__demoTimings.readyAt = performance.now()
    }
    if (data.type !== "progress") window.dispatchEvent(new CustomEvent("demo:python", { detail: data.type }))  // for offline.js
    for (const listener of listeners) listener(data)
  }
  if (data.type === "frame" && pending.has(data.id)) {
    const run = pending.get(data.id)
    if ((data.bitmap || data.error) && !run.cancelled) run.onFrame?.(data)
    if (data.final) finishRun(data.id, data)
  }
}

/* ----------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------- */

/**
 * Start the runtime if it is not running yet.
 *
 * @param {string} workerURL - where the worker script is served
 * @returns {Promise<void>} resolves when Python is ready to run demos
 */
export function startRuntime(url) {
  workerURL = url
  if (ready) return ready
  const news = adoptEarlyWorker() ?? newWorker()
  ready = new Promise((resolve, reject) => {
    listeners.add(function settle(message) {
      if (message.type === "ready") resolve()
      if (message.type === "fatal") reject(new Error(message.error))
      if (message.type !== "progress") listeners.delete(settle)
    })
  })
  ready.catch(() => { ready = null; worker.terminate() })  // a later click may retry
  news.forEach(dispatch)
  return ready
}

/**
 * Listen to start-up progress; the listener first hears the latest news.
 *
 * @param {Function} listener - called with {type, stage, label, done}
 * @returns {Function} call it to stop listening
 */
export function onProgress(listener) {
  listeners.add(listener)
  if (lastProgress) listener(lastProgress)
  return () => listeners.delete(listener)
}

/**
 * Run a demo in the worker.
 *
 * @param {object} request - {block, demo, params, dpi, narrow, source, scheme}
 * @param {Function} onFrame - called with each {text, stdout, bitmap} or {error, stdout}
 * @param {Function} [onBegin] - called when Python starts on it (it may wait for another run first)
 * @returns {{id: number, done: Promise<object>}} the run's id (to stop it) and its end
 */
export function runDemo(request, onFrame, onBegin) {
  const id = ++nextId
  return { id, done: send({ type: "run", id, ...request }, onFrame, onBegin) }
}

/**
 * Redraw a block's figure, as last drawn, in another palette; the demo does not run again.
 *
 * @param {string} block - the block's id
 * @param {"light"|"dark"} scheme - the page's palette
 * @param {Function} onFrame - called with {bitmap} (nothing if the block has no figure in the worker)
 * @returns {Promise<object>} the final message
 */
export function restyleDemo(block, scheme, onFrame) {
  return send({ type: "restyle", id: ++nextId, block, scheme }, onFrame)
}

/**
 * Whether Python is busy with another run than this one, which this one waits for.
 *
 * @param {number} id - a run's id
 * @returns {boolean} true while another run holds Python
 */
export const waitsForAnother = id => current !== null && current !== id && pending.has(id)

/**
 * Stop a run, even an endless loop. One that Python has not begun (it waits
 * for Python to start, or for another run) is dropped; otherwise, or without
 * a run named, whatever Python is working on is interrupted.
 *
 * @param {number} [id] - the run to stop
 * @returns {Promise<void>} resolves once the running code has ended
 */
export async function stopPython(id) {
  if (id === undefined) return interruptCurrent()
  const run = pending.get(id)
  if (!run || run.cancelled) return  // it has ended, or is being stopped
  if (current === id) return interruptCurrent()
  cancelRun(run)
}

/**
 * Replace the worker with a new one. The run Python was working on ends with
 * the note; runs that were only waiting their turn are sent to the new worker,
 * so a demo the reader never ran is not told it was stopped.
 */
function restartRuntime(note) {
  if (port) port.onmessage = null  // nothing more from the old worker
  port = null
  worker?.terminate()
  worker = null
  ready = null
  lastProgress = null
  const waiting = []
  for (const [id, run] of pending) {
    if (!run.cancelled && id !== current) {
      waiting.push(run)
      continue
    }
    run.finish()
    if (run.cancelled) continue
    const end = { id, final: true, error: note }
    run.onFrame?.(end)
    run.resolve(end)
  }
  pending.clear()
  current = null
  for (const run of waiting) {
    pending.set(run.request.id, run)
    if (!ready) startRuntime(workerURL)
    worker.postMessage(run.request)
  }
}

/**
 * Judge a reader's exercise code with the exercise's hidden checks.
 *
 * @param {string} code - the reader's code
 * @param {string|null} checks - the checks, Python calling expect(...); null just runs the code
 * @returns {Promise<object>} {verdict: {status, message}, stdout} or {error}
 */
export function checkExercise(code, checks) {
  return send({ type: "check", id: ++nextId, code, checks })
}

/**
 * Ask a run to stop after its current frame; a streaming demo keeps what it has.
 *
 * @param {number} id - the run's id
 */
export function stopDemo(id) {
  worker?.postMessage({ type: "stop", id })
}

/**
 * Let the worker drop a block's figure.
 *
 * @param {string} block - the block's id
 */
export function forgetDemo(block) {
  worker?.postMessage({ type: "forget", block })
}
