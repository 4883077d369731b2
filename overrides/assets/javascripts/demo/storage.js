/**
 * The reader's edits and progress, kept in this browser (localStorage).
 *
 * Storage is optional: a browser that blocks site data throws on every touch
 * of localStorage, and a full one throws on writes. Then everything still
 * works for the visit, and one line on the page says nothing will be kept.
 */

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** Say once, at the top of the page, that edits and progress will not be kept */
function noteNotKept() {
  if (document.querySelector(".storage-note")) return
  const note = Object.assign(document.createElement("p"), {
    className: "storage-note",
    textContent: "This browser does not let the book store anything for this site (site data is blocked or full), "
      + "so your edits and exercise progress will not be kept after you leave this page.",
  })
  note.setAttribute("role", "status")
  document.querySelector("article.md-content__inner, main")?.prepend(note)
}

/* ----------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------- */

/**
 * The text kept under a key.
 *
 * @param {string} key - the key
 * @returns {string|null} the text, or null if none is kept (or storage is off)
 */
export function read(key) {
  try {
    return localStorage.getItem(key)
  } catch {
    noteNotKept()
    return null
  }
}

/**
 * Keep a text under a key, or forget the key when the text is null.
 *
 * @param {string} key - the key
 * @param {string|null} text - the text
 */
export function write(key, text) {
  try {
    if (text === null) localStorage.removeItem(key)
    else localStorage.setItem(key, text)
  } catch {
    noteNotKept()
  }
}

/**
 * Hear another tab of this site change a key (the browser's `storage` event).
 *
 * @param {string} key - the key
 * @param {Function} listener - called with the key's new text, or null
 * @returns {Function} call it to stop listening
 */
export function onChangeElsewhere(key, listener) {
  const heard = event => { if (event.key === key) listener(event.newValue) }
  window.addEventListener("storage", heard)
  return () => window.removeEventListener("storage", heard)
}
