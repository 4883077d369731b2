/**
 * One demo block: its controls, its figure and its readout.
 *
 * The block arrives from the build with working HTML: the controls and a
 * static image of the default figure. Mounting wires the controls to the
 * shared Python worker; the first live result lays a canvas over the image,
 * in its very box, and every later run repaints that canvas in place.
 */

import { flagField, plain, readControl, readNumber, showValue } from "./controls.js"
import { mountCode } from "./code.js"
import { mountPad } from "./pad.js"
import { endsWithin, forgetDemo, onProgress, restyleDemo, runDemo, startRuntime, stopDemo, stopPython, waitsForAnother } from "./runtime.js"
import { currentScheme, onSchemeChange } from "./scheme.js"

/** How long a streaming demo may take to finish its frame after Stop before it is interrupted */
const STREAM_GRACE_MS = 1000

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** Screens where a demo with a phone layout uses it (demo.css shows its static figure there too) */
const NARROW_SCREEN = matchMedia("screen and (max-width: 30em)")

/**
 * The dots per inch that draw the figure pixel for pixel at its width on screen
 * (rounded, so that small layout changes do not force a new figure)
 */
function resolutionFor(plot, inches) {
  const pixels = plot.clientWidth * Math.min(3, window.devicePixelRatio || 1)
  return Math.max(40, Math.min(400, 10 * Math.round(pixels / inches / 10)))
}

/**
 * A Stop button for blocks that have none, shown when a run takes long: it
 * sits over the figure's corner, so showing it moves nothing on the page.
 */
function addStopButton(figure) {
  const button = document.createElement("button")
  Object.assign(button, { type: "button", className: "md-button demo__stop demo__stop--over", textContent: "Stop", hidden: true })
  figure.append(button)
  return button
}

/* ----------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------- */

/**
 * Make one demo block live.
 *
 * @param {HTMLElement} el - the `.demo` element rendered by the build
 * @param {string} workerURL - the worker script's URL
 * @returns {Function} unmount: frees the worker's copy of the figure
 */
export function mountDemo(el, workerURL) {
  const config = JSON.parse(el.dataset.demo)
  const block = `${location.pathname}#${config.block}`
  const form = el.querySelector(".demo__controls")
  const plot = el.querySelector(".demo__plot")
  const readout = el.querySelector(".demo__readout")
  const status = el.querySelector(".demo__status")
  const output = el.querySelector(".demo__output")
  const runButton = el.querySelector(".demo__run")
  const stopButton = el.querySelector(".demo__stop") ?? addStopButton(el.querySelector(".demo__figure"))
  let canvas = null
  let running = null  // the run in flight: {id, done}
  let slow = null  // shows Stop when a run takes long
  let queued = false
  let started = false
  let drawnIn = null  // the palette the canvas shows

  // The first live run uses the exact defaults of the build; controls then change them one by one
  const values = Object.fromEntries(config.controls.map(c => [c.name, c.value]))
  const narrow = () => NARROW_SCREEN.matches && "narrow" in config.inches
  const resolution = () => resolutionFor(plot, config.inches[narrow() ? "narrow" : "wide"])

  /** Paint a result: figure, readout, printed text, or the traceback */
  function show(result) {
    output.hidden = !(result.error || result.stdout)
    output.textContent = [result.stdout, result.error].filter(Boolean).join("\n")
    output.classList.toggle("demo__output--error", Boolean(result.error))
    el.classList.toggle("demo--error", Boolean(result.error))
    if (result.error) {
      // Only Stop interrupts Python, and the page's own notes of a Stop start with "Stopped"
      const stopped = result.error.startsWith("Stopped") || /^KeyboardInterrupt/m.test(result.error)
      readout.textContent = stopped
        ? "This run was stopped (see below): the figure above is from the last run that finished."
        : "This run failed (see below): the figure above is from the last run that worked."
      return
    }
    readout.textContent = result.text
    plot.setAttribute("aria-label", result.text)
    paint(result.bitmap)
  }

  /** Show a figure from the worker in the canvas, made on the first one */
  function paint(bitmap) {
    if (!canvas) {
      canvas = document.createElement("canvas")
      canvas.className = "demo__canvas"
      plot.append(canvas)
      el.classList.add("demo--live")
    }
    const { width, height } = bitmap
    const built = plot.querySelector(narrow() ? ".demo__static source" : ".demo__static img")  // the layout's static figure
    const shape = built ? built.getAttribute("width") / built.getAttribute("height") : width / height
    plot.classList.toggle("demo__plot--resized", Math.abs(width / height - shape) > 0.02 * shape)
    canvas.width = width
    canvas.height = height
    canvas.getContext("bitmaprenderer").transferFromImageBitmap(bitmap)
  }

  /**
   * Redraw the live figure in the page's palette without running the demo: at
   * once, or while streaming (its next frames follow), or else when the run ends
   */
  function followScheme() {
    if (!canvas || drawnIn === currentScheme() || (running && !config.stream)) return
    drawnIn = currentScheme()
    restyleDemo(block, drawnIn, frame => {
      if (frame.bitmap) paint(frame.bitmap)
      el.dispatchEvent(new CustomEvent("demo:restyled", { bubbles: true }))
    })
  }

  /** Run with the current controls; while a run is in flight, keep only the latest request */
  async function update() {
    if (running) {
      queued = true
      if (config.stream) stopDemo(running.id)  // a long run gives way to the newer settings
      return
    }
    el.setAttribute("aria-busy", "true")
    if (config.stream) stopButton.hidden = false
    else slow = setTimeout(showStop, 1000)
    const dpi = resolution()
    const source = code.source()
    if (source !== undefined) code.ran(false)  // until it ends well: a reload mid-run must not start it again
    let start = performance.now()
    const stopProgress = onProgress(showProgress)  // a run sent to a restarting Python shows its start-up
    const begun = () => { stopProgress(); if (status.dataset.waiting || el.classList.contains("demo--loading")) clearStatus() }
    drawnIn = currentScheme()
    running = runDemo({ block, demo: config.demo, params: { ...values }, dpi, narrow: narrow(), source, scheme: drawnIn }, frame => {
      show(frame)
      // Announce each repaint (the benchmark times it; nothing else needs it)
      el.dispatchEvent(new CustomEvent("demo:shown", { bubbles: true, detail: { ms: performance.now() - start, error: frame.error } }))
      start = performance.now()
    }, begun)
    const end = await running.done
    begun()
    if (source !== undefined) code.ran(!end.error)
    running = null
    clearTimeout(slow)
    hideStop()
    el.removeAttribute("aria-busy")
    if (queued) { queued = false; update() }
    else followScheme()  // the palette changed during the run
  }

  /** Offer Stop for a run that takes long, saying so when it is only waiting for another run */
  function showStop() {
    stopButton.hidden = false
    if (running && waitsForAnother(running.id)) {
      status.dataset.waiting = "yes"
      status.textContent = "Waiting: Python is busy with another run (on this page or one you left). Stop ends that run; this one then runs."
    }
  }

  /** Hide Stop; if it had the focus, keep the focus in the block rather than drop it to the page */
  function hideStop() {
    const focused = stopButton === document.activeElement
    stopButton.hidden = true
    if (!focused) return
    const codeRun = el.querySelector(".demo__code[open] .demo__code-run")
    ;(runButton ?? codeRun ?? form.querySelector("input, select, button"))?.focus()
  }

  /** Start Python (once per tab) and run this block for the first time */
  async function activate() {
    if (started) return
    started = true
    const stop = onProgress(showProgress)
    try {
      await startRuntime(workerURL)
    } catch (error) {
      started = false
      status.textContent = `Python could not start: ${error.message}. Click the demo to try again.`
      return
    } finally {
      stop()
    }
    clearStatus()
    if (!runButton && !code.held()) await update()
  }

  /** Empty the status line: no progress bar, no note of waiting */
  function clearStatus() {
    status.replaceChildren()
    delete status.dataset.waiting
    el.classList.remove("demo--loading")
  }

  /** Show how far start-up has got */
  function showProgress(message) {
    if (message.type !== "progress") return
    el.classList.add("demo--loading")
    status.innerHTML = `<progress max="1" value="${message.done}"></progress><span>${message.label}…</span>`
  }

  /** Show only the controls whose `when` holds, e.g. the points field for the points target */
  function showConditional() {
    for (const { name, when } of config.controls) {
      if (when) form.querySelector(`[name="${name}"]`).closest(".demo__control").hidden = values[when[0]] !== when[1]
    }
  }

  const pads = [...form.querySelectorAll(".demo__pad")].map(pad => mountPad(pad, form.querySelector(`[name="${pad.dataset.for}"]`)))

  // Controls re-run the demo live; sliders show their value as they move
  form.addEventListener("input", event => {
    const control = config.controls.find(c => c.name === event.target.name)
    if (!control) return
    if (control.type === "number" || control.type === "seed") {
      const { value, problem } = readNumber(event.target, control)
      flagField(event.target, problem && (value === undefined ? `${problem}: the figure still uses ${plain(values[control.name])}` : problem))
      if (value === undefined || value === values[control.name]) return
      values[control.name] = value
    } else values[control.name] = readControl(form, control)
    showConditional()
    if (control.type === "slider") showValue(form, control, values[control.name])
    if (runButton) runButton.classList.add("demo__run--pending")  // runs only when pressed
    else if (started) update()
    else activate()
  })
  runButton?.addEventListener("click", async () => {
    runButton.classList.remove("demo__run--pending")
    await activate()
    update()
  })
  // Stop: a streaming demo ends after its current frame; anything else is interrupted
  stopButton.addEventListener("click", async () => {
    const run = running
    if (!run) return
    queued = false  // Stop means stop: changes made during the run do not start another
    if (config.stream) {
      stopDemo(run.id)
      if (await endsWithin(run.done, STREAM_GRACE_MS)) return
    }
    // A frame that never ends (edited code) is interrupted too. A run told it
    // waits for another ends that one and then runs; otherwise Stop is for this run.
    stopPython(status.dataset.waiting ? undefined : run.id)
  })
  // Leaving a number field shows the value in use, e.g. 0 for a seed typed as -5
  form.addEventListener("change", event => {
    const control = config.controls.find(c => c.name === event.target.name)
    if (control?.type === "number" || control?.type === "seed") event.target.value = String(values[control.name])
  })
  const code = mountCode(el, block, update)
  for (const button of form.querySelectorAll(".demo__reroll")) {
    button.addEventListener("click", () => {
      const input = form.querySelector(`[name="${button.dataset.for}"]`)
      input.value = Math.floor(Math.random() * 2 ** 31)
      values[input.name] = Number(input.value)
      flagField(input, undefined)
      if (runButton) runButton.classList.add("demo__run--pending")
      else if (started) update()
      else activate()
    })
  }

  // Python starts when the demo comes near the screen or is touched, whichever is first
  const observer = new IntersectionObserver(entries => {
    if (entries.some(entry => entry.isIntersecting)) {
      observer.disconnect()
      activate()
    }
  }, { rootMargin: "200px" })
  observer.observe(el)
  el.addEventListener("pointerdown", activate, { once: true })
  el.addEventListener("focusin", activate, { once: true })

  // A phone turned sideways (or a window resized) past the threshold switches layout
  const relayout = () => { if (started && !runButton && "narrow" in config.inches) update() }
  NARROW_SCREEN.addEventListener("change", relayout)
  const stopFollowing = onSchemeChange(followScheme)

  return () => {
    stopFollowing()
    NARROW_SCREEN.removeEventListener("change", relayout)
    observer.disconnect()
    for (const unmount of pads) unmount()
    forgetDemo(block)
  }
}
