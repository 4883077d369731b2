/**
 * A runnable listing: the author's Python in an editor, Run, its printout.
 * Edits are kept in this browser like a demo's; Reset asks first.
 */

import { confirmDiscard, editorInPlaceOf, offerStop } from "./editing.js"
import { checkExercise, startRuntime } from "./runtime.js"

/**
 * Make one listing runnable.
 *
 * @param {HTMLElement} el - the `.runnable` element rendered by the build
 * @param {number} index - its place on the page, to key the saved edit
 * @param {string} workerURL - the worker script's URL
 */
export async function mountRunnable(el, index, workerURL) {
  const original = el.querySelector(".runnable__source code").textContent
  const output = el.querySelector(".runnable__output")
  const editor = await editorInPlaceOf(el.querySelector(".runnable__source"), {
    key: `runnable-code:${location.pathname}#${index}`,
    original,
    label: "Python code you can edit and run",
    onRun: run,
  })

  async function run() {
    output.hidden = false
    output.textContent = "Running…"
    const ended = offerStop(output, startRuntime(workerURL))
    const answer = await checkExercise(editor.text(), null)
    ended()
    const verdict = answer.verdict ?? { status: "error", message: answer.error }
    output.classList.toggle("demo__output--error", verdict.status === "error")
    output.textContent = [answer.stdout, verdict.message].filter(Boolean).join("\n") || "(no output)"
  }

  el.querySelector(".runnable__run").addEventListener("click", run)
  el.querySelector(".runnable__reset").addEventListener("click", () => {
    if (editor.text() !== original && confirmDiscard("your changes to this code")) editor.reset()
  })
}
