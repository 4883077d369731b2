/**
 * A demo block's own code, shown under its figure: the reader may open,
 * edit and run it, and their edit is kept in this browser.
 */

import { confirmDiscard, editorInPlaceOf, keepText, keptText } from "./editing.js"
import { read, write } from "./storage.js"

/**
 * Make a block's code editable, if it shows its code: the editor loads when
 * the reader opens the code, edits are kept in this browser (localStorage)
 * as they are typed, and Reset asks before discarding them. A saved edit runs
 * by itself on the next visit only if its last run finished: one that failed
 * or was stopped (an endless loop, say) waits for the reader's Run.
 *
 * @returns {{source: Function, held: Function, ran: Function}} source() is the
 *   reader's code, or undefined if unedited; held() whether it must wait for Run;
 *   ran(ok) records how a run of it ended
 */
export function mountCode(el, block, run) {
  const details = el.querySelector(".demo__code")
  if (!details) return { source: () => undefined, held: () => false, ran: () => {} }
  const key = `demo-source:${block}`
  const finished = `${key}:finished`  // "yes" once a run of the saved edit has ended well
  const original = details.querySelector(".demo__source code").textContent
  const status = details.querySelector(".demo__code-status")
  let edited = keptText(key)
  let held = edited !== null && read(finished) !== "yes"
  let editor = null

  const kept = text => {
    edited = text
    status.textContent = edited === null ? "" : "Your changes are saved in this browser."
  }
  if (edited !== null) {
    details.open = true
    status.textContent = held
      ? "Your edited code is saved in this browser. Its last run did not finish, so it does not run by itself: press Run when ready, or Reset."
      : "Your edited code, saved in this browser, is in use."
  }

  function openEditor() {
    if (!details.open) return
    editor ??= editorInPlaceOf(details.querySelector(".demo__source"), {
      key, original, label: "Python code of the demo", onRun: run, onChange: kept,
    })
  }
  details.addEventListener("toggle", openEditor)
  openEditor()

  details.querySelector(".demo__code-run").addEventListener("click", () => { held = false; run() })
  details.querySelector(".demo__code-reset").addEventListener("click", async () => {
    if (edited === null || !confirmDiscard("your changes to this code")) return
    if (editor) (await editor).reset()
    kept(keepText(key, original, original))
    held = false
    run()
  })
  return {
    source: () => edited ?? undefined,
    held: () => held,
    ran: ok => { if (edited !== null) write(finished, ok ? "yes" : null) },
  }
}
