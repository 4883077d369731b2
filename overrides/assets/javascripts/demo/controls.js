/**
 * A demo block's controls, read as its Python function expects them: log
 * sliders as round numbers, whole-number settings as integers, and number
 * fields checked, with a line under the field when what the reader typed
 * cannot be used as typed.
 */

/** Read one control's current value as the Python function expects it */
export function readControl(form, control) {
  const input = form.querySelector(`[name="${control.name}"]`)
  if (control.type === "checkbox") return input.checked
  if (control.type === "text" || control.type === "sketch") return input.value
  if (control.type === "select") return control.options[input.selectedIndex]
  let value = Number(input.value)
  if (control.scale === "log") value = roundToFigures(10 ** value, 2)
  return control.integer ? Math.round(value) : value
}

/** A number as the reader reads it: 4,294,967,295 */
export const plain = value => value.toLocaleString("en-US", { maximumFractionDigits: 6 })

/**
 * Read a number or seed field as typed: the value to use, and what to tell the
 * reader when the text is no number of the control's kind (nothing to use) or
 * lies outside its range (the nearest end is used).
 *
 * @returns {{value: number|undefined, problem: string|undefined}}
 */
export function readNumber(input, control) {
  const kind = control.integer ? "a whole number" : "a number"
  const range = control.min !== undefined && control.max !== undefined ? ` from ${plain(control.min)} to ${plain(control.max)}`
    : control.min !== undefined ? ` of at least ${plain(control.min)}` : control.max !== undefined ? ` of at most ${plain(control.max)}` : ""
  const rule = `${control.label} takes ${kind}${range}`
  const value = Number(input.value)
  if (input.validity.badInput || input.value.trim() === "" || !Number.isFinite(value) || (control.integer && !Number.isInteger(value))) {
    return { problem: rule }
  }
  const used = Math.min(control.max ?? Infinity, Math.max(control.min ?? -Infinity, value))
  return { value: used, problem: used === value ? undefined : `${rule}: using ${plain(used)}` }
}

/** Show or clear the note under a field whose text could not be used as typed */
export function flagField(input, problem) {
  const control = input.closest(".demo__control")
  let note = control.querySelector(".demo__invalid")
  if (!note && problem) {
    note = Object.assign(document.createElement("span"), { className: "demo__invalid", id: `${input.id}-invalid` })
    note.setAttribute("role", "status")
    control.append(note)
  }
  if (!note) return
  note.hidden = !problem
  note.textContent = problem ?? ""
  input.toggleAttribute("aria-invalid", Boolean(problem))
  if (problem) input.setAttribute("aria-describedby", note.id)
  else input.removeAttribute("aria-describedby")
}

/** Round to a number of significant figures: a log slider gives 600, not 603 */
function roundToFigures(value, figures) {
  return Number(value.toPrecision(figures))
}

/** Show a slider's value beside it, as a person reads it */
export function showValue(form, control, value) {
  const input = form.querySelector(`[name="${control.name}"]`)
  const output = input.parentElement.querySelector("output")
  const text = control.integer ? value.toLocaleString("en-US") : String(+value.toPrecision(4))
  if (output) output.textContent = text
  input.setAttribute("aria-valuetext", text)
}
