/**
 * A drawing pad for a `sketch` control: points clicked or dragged onto a
 * square become "x y" pairs in the control's text field, which stays the
 * source of truth (and the way to enter points without a pointer).
 */

/** Fewest pad units between two points laid down by one drag */
const SPACING = 0.2

/** Most points a pad accepts: the field must stay readable */
const MAX_POINTS = 200

/* ----------------------------------------------------------------------------
 * Helper functions
 * ------------------------------------------------------------------------- */

/** The pieces of a field's text between separators, blanks left out */
const pieces = text => text.split(/[;\n]/).map(piece => piece.trim()).filter(Boolean)

/** A piece as a pair of numbers, or null if it is none */
function asPair(piece) {
  const pair = piece.replace(/,/g, " ").split(/\s+/).map(Number)
  return pair.length === 2 && pair.every(Number.isFinite) ? pair : null
}

/** The valid "x y" pairs of a field's text; anything else is left out */
export const parsePoints = text => pieces(text).map(asPair).filter(Boolean)

/** The pieces of a field's text that are not pairs of numbers */
export const invalidPieces = text => pieces(text).filter(piece => !asPair(piece))

/** The field's text with one point added, one decimal; what the reader typed stays as typed */
export function withPoint(text, [x, y]) {
  const before = text.trim().replace(/[;\s]+$/, "")
  const point = `${+x.toFixed(1)} ${+y.toFixed(1)}`
  return before ? `${before}; ${point}` : point
}

/* ----------------------------------------------------------------------------
 * Functions
 * ------------------------------------------------------------------------- */

/**
 * Make a pad live.
 *
 * @param {HTMLElement} pad - the `.demo__pad` element rendered by the build
 * @param {HTMLInputElement} input - the text field it writes to, and redraws from
 * @returns {Function} unmount: stops following the palette
 */
export function mountPad(pad, input) {
  const half = Number(pad.dataset.max)
  const canvas = pad.querySelector("canvas")
  let last = null  // the point the current drag laid down last

  /** Where a pointer event falls, in the pad's own units (y upwards) */
  function toPad(event) {
    const box = canvas.getBoundingClientRect()
    const x = ((event.clientX - box.left) / box.width * 2 - 1) * half
    const y = (1 - (event.clientY - box.top) / box.height * 2) * half
    return [Math.max(-half, Math.min(half, x)), Math.max(-half, Math.min(half, y))]
  }

  function draw() {
    const size = Math.round(canvas.clientWidth * devicePixelRatio)
    if (!size) return
    canvas.width = canvas.height = size
    const context = canvas.getContext("2d")
    const style = getComputedStyle(pad)
    const scale = size / (2 * half)
    const at = ([x, y]) => [(x + half) * scale, (half - y) * scale]
    context.clearRect(0, 0, size, size)
    context.strokeStyle = style.getPropertyValue("--md-default-fg-color--lightest")
    context.lineWidth = devicePixelRatio
    for (let tick = Math.ceil(-half); tick <= half; tick++) {  // a line every whole unit
      const [x, y] = at([tick, tick])
      context.beginPath()
      context.moveTo(x, 0); context.lineTo(x, size)
      context.moveTo(0, y); context.lineTo(size, y)
      context.stroke()
    }
    context.fillStyle = style.getPropertyValue("--md-accent-fg-color")
    for (const point of parsePoints(input.value)) {
      const [x, y] = at(point)
      context.beginPath()
      context.arc(x, y, 3.5 * devicePixelRatio, 0, 2 * Math.PI)
      context.fill()
    }
  }

  /** Put a text in the field and tell the demo, as typing would */
  function write(text) {
    input.value = text
    input.dispatchEvent(new Event("input", { bubbles: true }))
  }

  /** Name the pieces of the field that are not points, which the pad cannot draw */
  function warn() {
    const invalid = invalidPieces(input.value)
    warning.hidden = !invalid.length
    warning.textContent = invalid.length
      ? `Not a pair of numbers, so not drawn: ${invalid.map(piece => `“${piece}”`).join(", ")}. Fix or remove ${invalid.length > 1 ? "them" : "it"} before training.`
      : ""
  }

  function add(event) {
    const point = toPad(event)
    if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < SPACING) return
    if (parsePoints(input.value).length >= MAX_POINTS) return
    last = point
    write(withPoint(input.value, point))
  }

  canvas.addEventListener("pointerdown", event => {
    event.preventDefault()  // a drag draws; it does not scroll or select
    canvas.setPointerCapture(event.pointerId)
    last = null
    add(event)
  })
  canvas.addEventListener("pointermove", event => {
    if (canvas.hasPointerCapture(event.pointerId)) add(event)
  })
  const warning = Object.assign(document.createElement("p"), { className: "demo__pad-warning", hidden: true })
  warning.setAttribute("role", "status")
  pad.querySelector(".demo__pad-hint").after(warning)
  pad.querySelector(".demo__pad-clear").addEventListener("click", () => write(""))
  input.addEventListener("input", draw)
  input.addEventListener("input", warn)
  warn()
  new ResizeObserver(draw).observe(canvas)  // also draws when a hidden pad is first shown
  const palette = new MutationObserver(draw)  // the grid's colour follows light and dark
  palette.observe(document.body, { attributeFilter: ["data-md-color-scheme"] })
  pad.hidden = false
  return () => palette.disconnect()
}
