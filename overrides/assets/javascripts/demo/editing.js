/**
 * Code readers edit: an editor in place of a static listing, whose text is
 * kept in this browser (localStorage) as it is typed. Shared by editable
 * demos, runnable listings and exercises.
 */

import { stopPython } from "./runtime.js"

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
      stop.addEventListener("click", stopPython)
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
export const keptText = key => localStorage.getItem(key)

/**
 * Keep the reader's text, or forget it when it is the original again.
 *
 * @param {string} key - the localStorage key
 * @param {string} text - the editor's text
 * @param {string} original - the author's text
 * @returns {string|null} the kept text
 */
export function keepText(key, text, original) {
  if (text === original) {
    localStorage.removeItem(key)
    return null
  }
  localStorage.setItem(key, text)
  return text
}

/**
 * Replace a listing with an editor holding the reader's kept text (or the original).
 *
 * @param {HTMLElement} listing - the static `<pre>` the build rendered
 * @param {object} options - {key, original, label, onRun, onChange(kept)}
 * @returns {Promise<{text: Function, reset: Function}>} the editor's text, and Reset
 */
export async function editorInPlaceOf(listing, { key, original, label, onRun, onChange = () => {} }) {
  const { createEditor, setText } = await import(EDITOR_URL)
  const holder = Object.assign(document.createElement("div"), { className: "demo__editor" })
  listing.replaceWith(holder)
  const editor = createEditor(holder, {
    doc: keptText(key) ?? original,
    label,
    onRun,
    onChange: text => onChange(keepText(key, text, original)),
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
