/**
 * The page's palette, as Material's toggle (or the system, in its automatic
 * mode) sets it on <body>: live figures are drawn in it and redrawn when it changes.
 */

const listeners = new Set()
let observer = null

/**
 * The palette the page shows now.
 *
 * @returns {"light"|"dark"} "dark" for Material's `slate` scheme
 */
export const currentScheme = () => document.body?.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light"

/**
 * Hear of every change of palette. One observer serves every listener; Material
 * keeps <body> across instant page swaps, so it outlives them.
 *
 * @param {Function} listener - called with the new scheme, "light" or "dark"
 * @returns {Function} call it to stop listening
 */
export function onSchemeChange(listener) {
  listeners.add(listener)
  if (!observer) {
    let last = currentScheme()
    observer = new MutationObserver(() => {
      const now = currentScheme()
      if (now === last) return  // Material also rewrites the attribute with the same value
      last = now
      for (const each of [...listeners]) each(now)
    })
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] })
  }
  return () => listeners.delete(listener)
}
