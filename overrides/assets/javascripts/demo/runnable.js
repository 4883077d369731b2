/**
 * A runnable listing: the author's Python in an editor, Run, its printout.
 * Edits are kept in this browser like a demo's; Reset asks first.
 */

import { checkExercise, startRuntime } from "./runtime.js"

const EDITOR_URL = new URL("../editor.js", import.meta.url).href

/**
 * Make one listing runnable.
 *
 * @param {HTMLElement} el - the `.runnable` element rendered by the build
 * @param {number} index - its place on the page, to key the saved edit
 * @param {string} workerURL - the worker script's URL
 */
export async function mountRunnable(el, index, workerURL) {
  const key = `runnable-code:${location.pathname}#${index}`
  const original = el.querySelector(".runnable__source code").textContent
  const output = el.querySelector(".runnable__output")
  const { createEditor, setText } = await import(EDITOR_URL)
  const holder = Object.assign(document.createElement("div"), { className: "demo__editor" })
  el.querySelector(".runnable__source").replaceWith(holder)
  const editor = createEditor(holder, {
    doc: localStorage.getItem(key) ?? original,
    label: "Python code you can edit and run",
    onChange: text => text === original ? localStorage.removeItem(key) : localStorage.setItem(key, text),
    onRun: run,
  })

  async function run() {
    output.hidden = false
    output.textContent = "Running…"
    startRuntime(workerURL)
    const answer = await checkExercise(editor.state.doc.toString(), null)
    const verdict = answer.verdict ?? { status: "error", message: answer.error }
    output.classList.toggle("demo__output--error", verdict.status === "error")
    output.textContent = [answer.stdout, verdict.message].filter(Boolean).join("\n") || "(no output)"
  }

  el.querySelector(".runnable__run").addEventListener("click", run)
  el.querySelector(".runnable__reset").addEventListener("click", () => {
    if (editor.state.doc.toString() === original) return
    if (window.confirm("Discard your changes to this code and restore the original?")) setText(editor, original)
  })
}
