/**
 * Entry point: mount every demo block on each page Material shows.
 *
 * Material's instant navigation swaps pages without reloading this script;
 * its `document$` observable fires on every swap, so blocks are mounted
 * there and unmounted when the page is left. The worker lives on.
 */

import { mountExercise } from "./exercise.js"
import { showProgress } from "./progress.js"
import { mountRunnable } from "./runnable.js"
import { onProgress, startRuntime } from "./runtime.js"
import { read, write } from "./storage.js"
import { mountDemo } from "./widget.js"

const WORKER_URL = new URL("./worker.js", import.meta.url).href

let unmounts = []

/** Mount the demos of the page now shown */
function mountPage() {
  for (const unmount of unmounts) unmount()
  unmounts = [...document.querySelectorAll(".demo[data-demo]")].map(el => mountDemo(el, WORKER_URL))
  const exercises = [...document.querySelectorAll(".exercise[data-exercise]")]
  for (const el of exercises) whenNear(el, () => mountExercise(el, WORKER_URL))
  document.querySelectorAll(".runnable").forEach((el, index) => whenNear(el, () => mountRunnable(el, index, WORKER_URL)))
  showProgress(exercises.length)
}

/**
 * Call mount once the element comes near the screen or takes the focus: the
 * editor (450 KB) then loads only for readers who reach an exercise.
 */
function whenNear(el, mount) {
  let done = false
  const once = () => {
    if (done) return
    done = true
    observer.disconnect()
    mount()
  }
  // Coming into view, it waits until Python has started (the static listing
  // shows meanwhile), so as not to slow the first live figure; a touch mounts it at once
  const observer = new IntersectionObserver(entries => {
    if (entries.some(entry => entry.isIntersecting)) pythonSettled.then(once)
  }, { rootMargin: "300px" })
  observer.observe(el)
  el.addEventListener("focusin", once, { once: true })
  el.addEventListener("pointerdown", once, { once: true })
}

/** Resolves once the first live figure is up (or Python failed), or after a few seconds */
const pythonSettled = new Promise(resolve => {
  setTimeout(resolve, 4000)
  document.addEventListener("demo:shown", resolve, { once: true })
  onProgress(message => message.type === "fatal" && resolve())
})

/** Remembered once a reader has seen a demo go live: they will likely run the next one too */
const USED = "demos-used"
document.addEventListener("demo:shown", () => write(USED, "yes"), { once: true })

/**
 * For a reader who has run demos before, start Python while the browser is
 * idle on any page with a demo, even one far down: it is then ready, or
 * nearly, when they reach it. Others download nothing until a demo comes near.
 */
function startWhenIdle() {
  if (!document.querySelector(".demo[data-demo]") || read(USED) !== "yes") return
  const start = () => startRuntime(WORKER_URL)
  if (self.requestIdleCallback) requestIdleCallback(start, { timeout: 3000 })
  else setTimeout(start, 1000)
}

// A demo on screen at load has Python started already (by early.js, in the
// page's head) or now: every part of a second counts on the way to a live figure
const onScreen = el => el.getBoundingClientRect().top < window.innerHeight + 200
if (self.demoWorker?.booted || [...document.querySelectorAll(".demo[data-demo]")].some(onScreen)) startRuntime(WORKER_URL)

if (typeof document$ !== "undefined") document$.subscribe(() => { mountPage(); startWhenIdle() })
else { mountPage(); startWhenIdle() }
