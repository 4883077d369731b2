/**
 * Code readers edit: an editor in place of a static listing, whose text is
 * kept in this browser (localStorage) as it is typed. Shared by editable
 * demos, runnable listings and exercises.
 */

import { stopPython } from "./runtime.js"
import { onChangeElsewhere, read, write } from "./storage.js"

const EDITOR_URL = new URL("../editor.js", import.meta.url).href

/** How long a run may take before the reader is offered a Stop button */
const STOP_OFFER_MS = 1000

/**
 * Offer a Stop button in `place` once the code has run longer than a moment.
 *
 * @param {HTMLElement} place - where "Still running… Stop" appears
 * @param {Promise} ready - Python's start-up, which Stop must not cut short
 * @returns {Function} call it when the run has ended
 */
export function offerStop(place, ready) {
  let timer = null
  let ended = false
  ready.then(() => {
    if (!ended) timer = setTimeout(() => {
      const stop = Object.assign(document.createElement("button"), { type: "button", className: "md-button", textContent: "Stop" })
      stop.addEventListener("click", () => stopPython())
      place.replaceChildren("Still running… ", stop)
    }, STOP_OFFER_MS)
  }, () => {})
  return () => { ended = true; clearTimeout(timer) }
}

/**
 * The reader's kept text under a key, or null if they never changed the original.
 *
 * @param {string} key - the localStorage key
 * @returns {string|null} the kept text
 */
export const keptText = key => read(key)

/**
 * Keep the reader's text, or forget it when it is the original again.
 *
 * @param {string} key - the localStorage key
 * @param {string} text - the editor's text
 * @param {string} original - the author's text
 * @returns {string|null} the kept text
 */
export function keepText(key, text, original) {
  const kept = text === original ? null : text
  write(key, kept)
  return kept
}

let hints = 0  // numbers the editors' hints, for aria-describedby

/**
 * Replace a listing with an editor holding the reader's kept text (or the original).
 *
 * The same code open in two tabs stays the same in both: an edit in one shows
 * in the other at once, so the next keystroke there builds on it instead of
 * overwriting it.
 *
 * @param {HTMLElement} listing - the static `<pre>` the build rendered
 * @param {object} options - {key, original, label, onRun, onChange(kept)}
 * @returns {Promise<{text: Function, reset: Function}>} the editor's text, and Reset
 */
export async function editorInPlaceOf(listing, { key, original, label, onRun, onChange = () => {} }) {
  const { createEditor, setText } = await import(EDITOR_URL)
  const holder = Object.assign(document.createElement("div"), { className: "demo__editor" })
  const hint = Object.assign(document.createElement("p"), {
    className: "demo__editor-hint",
    id: `editor-hint-${++hints}`,
    textContent: "Shift+Enter runs the code. Esc, then Tab, leaves the editor.",
  })
  listing.replaceWith(holder, hint)
  let fromElsewhere = false  // an edit made in another tab is shown here, not stored again
  const editor = createEditor(holder, {
    doc: keptText(key) ?? original,
    label,
    describedBy: hint.id,
    onRun,
    onChange: text => { if (!fromElsewhere) onChange(keepText(key, text, original)) },
  })
  const stopHearing = onChangeElsewhere(key, text => {
    if (!holder.isConnected) return stopHearing()  // its page was left
    if (editor.state.doc.toString() === (text ?? original)) return
    fromElsewhere = true
    setText(editor, text ?? original)
    fromElsewhere = false
    onChange(text)
  })
  return {
    text: () => editor.state.doc.toString(),
    reset: () => setText(editor, original),
  }
}

/**
 * Ask before an edit is thrown away.
 *
 * @param {string} what - what is discarded, e.g. "your changes to this code"
 * @returns {boolean} whether to go ahead
 */
export const confirmDiscard = what => window.confirm(`Discard ${what} and restore the original?`)
