/**
 * One exercise: the reader's code in an editor, Check, hints, the solution.
 *
 * The reader's code and their progress stay in this browser (localStorage):
 * nothing is sent anywhere. Checks run in the shared Python worker.
 */

import { confirmDiscard, editorInPlaceOf, offerStop } from "./editing.js"
import { progressOf, recordProgress } from "./progress.js"
import { checkExercise, startRuntime } from "./runtime.js"

/**
 * Make one exercise live.
 *
 * @param {HTMLElement} el - the `.exercise` element rendered by the build
 * @param {string} workerURL - the worker script's URL
 */
export async function mountExercise(el, workerURL) {
  const id = el.dataset.exercise
  const starter = el.querySelector(".exercise__starter code").textContent
  const checks = el.dataset.checks
  const result = el.querySelector(".exercise__result")
  const solution = el.querySelector(".exercise__solution")
  const hints = [...el.querySelectorAll(".exercise__hints li")]
  const hintButton = el.querySelector(".exercise__hint")
  let busy = false
  if (progressOf(location.pathname, id)) solution.hidden = false  // shown after a first try, on later visits too

  const editor = await editorInPlaceOf(el.querySelector(".exercise__starter"), {
    key: `exercise-code:${location.pathname}#${id}`,
    original: starter,
    label: `Your code for the exercise: ${el.querySelector(".exercise__title").textContent}`,
    onRun: check,
  })

  /** Run the checks and say how it went, in plain words */
  async function check() {
    if (busy) return
    busy = true
    result.className = "exercise__result"
    result.textContent = "Checking…"
    const ended = offerStop(result, startRuntime(workerURL))
    const answer = await checkExercise(editor.text(), checks)
    ended()
    busy = false
    const verdict = answer.verdict ?? { status: "error", message: answer.error }
    result.className = `exercise__result exercise__result--${verdict.status}`
    result.textContent = [answer.stdout, verdict.message].filter(Boolean).join("\n")
    recordProgress(location.pathname, id, verdict.status === "passed" ? "solved" : "attempted")
    solution.hidden = false  // shown after a first try
  }

  el.querySelector(".exercise__check").addEventListener("click", check)
  el.querySelector(".exercise__reset").addEventListener("click", () => {
    if (editor.text() !== starter && confirmDiscard("your code for this exercise")) editor.reset()
  })
  hintButton?.addEventListener("click", () => {
    const next = hints.find(hint => hint.hidden)
    if (next) next.hidden = false
    const left = hints.filter(hint => hint.hidden).length
    hintButton.textContent = left ? `Show a hint (${hints.length - left + 1} of ${hints.length})` : "No more hints"
    hintButton.disabled = !left
  })
}
