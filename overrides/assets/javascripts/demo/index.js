/**
 * Entry point: mount every demo block on each page Material shows.
 *
 * Material's instant navigation swaps pages without reloading this script;
 * its `document$` observable fires on every swap, so blocks are mounted
 * there and unmounted when the page is left. The worker lives on.
 */

import { startRuntime } from "./runtime.js"
import { mountDemo } from "./widget.js"

const WORKER_URL = new URL("./worker.js", import.meta.url).href

let unmounts = []

/** Mount the demos of the page now shown */
function mountPage() {
  for (const unmount of unmounts) unmount()
  unmounts = [...document.querySelectorAll(".demo[data-demo]")].map(el => mountDemo(el, WORKER_URL))
}

// A demo already on screen at load starts Python now, before Material has
// set the page up: every part of a second counts on the way to a live figure
const onScreen = el => el.getBoundingClientRect().top < window.innerHeight + 200
if ([...document.querySelectorAll(".demo[data-demo]")].some(onScreen)) startRuntime(WORKER_URL)

if (typeof document$ !== "undefined") document$.subscribe(mountPage)
else mountPage()
