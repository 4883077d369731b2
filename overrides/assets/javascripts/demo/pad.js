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

/** The valid "x y" pairs of a field's text; anything else is left out */
export function parsePoints(text) {
  return text.split(/[;\n]/)
    .map(pair => pair.replace(/,/g, " ").trim().split(/\s+/).map(Number))
    .filter(pair => pair.length === 2 && pair.every(Number.isFinite))
}

/** Points back to the field's text, one decimal each */
export function formatPoints(points) {
  return points.map(([x, y]) => `${+x.toFixed(1)} ${+y.toFixed(1)}`).join("; ")
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

  /** Put the points in the field and tell the demo, as typing would */
  function write(points) {
    input.value = formatPoints(points)
    input.dispatchEvent(new Event("input", { bubbles: true }))
  }

  function add(event) {
    const point = toPad(event)
    if (last && Math.hypot(point[0] - last[0], point[1] - last[1]) < SPACING) return
    const points = parsePoints(input.value)
    if (points.length >= MAX_POINTS) return
    last = point
    write([...points, point])
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
  pad.querySelector(".demo__pad-clear").addEventListener("click", () => write([]))
  input.addEventListener("input", draw)
  new ResizeObserver(draw).observe(canvas)  // also draws when a hidden pad is first shown
  const palette = new MutationObserver(draw)  // the grid's colour follows light and dark
  palette.observe(document.body, { attributeFilter: ["data-md-color-scheme"] })
  pad.hidden = false
  return () => palette.disconnect()
}
