/**
 * Exercise progress, kept in this browser only, shown on the page and in the
 * navigation: ✓ beside a page whose exercises are all solved, ○ beside one
 * with exercises attempted.
 */

import { read, write } from "./storage.js"

const KEY = "exercise-progress"

/** Everything recorded: {pagePath: {exerciseId: "attempted" | "solved"}} */
function load() {
  try {
    return JSON.parse(read(KEY)) ?? {}
  } catch {
    return {}
  }
}

/**
 * How far the reader got with one exercise.
 *
 * @param {string} page - the page's path
 * @param {string} id - the exercise's id
 * @returns {string|undefined} "attempted", "solved", or undefined if never tried
 */
export const progressOf = (page, id) => load()[page]?.[id]

/**
 * Record an attempt; a solved exercise stays solved.
 *
 * @param {string} page - the page's path
 * @param {string} id - the exercise's id
 * @param {string} state - "attempted" or "solved"
 */
export function recordProgress(page, id, state) {
  const progress = load()
  const exercises = (progress[page] ??= {})
  if (exercises[id] !== "solved") exercises[id] = state
  write(KEY, JSON.stringify(progress))
  showProgress()
}

/**
 * Note how many exercises the shown page has, then mark the page and the navigation.
 *
 * @param {number} total - exercises on the page now shown
 */
export function showProgress(total) {
  const progress = load()
  if (total !== undefined && total > 0) {
    write(`${KEY}-total:${location.pathname}`, String(total))
  }
  for (const link of document.querySelectorAll(".md-nav--primary a.md-nav__link[href]")) {
    const url = new URL(link.href, location.href)
    if (url.hash) continue  // the table of contents of the page shown
    const path = url.pathname
    const exercises = Object.values(progress[path] ?? {})
    const count = Number(read(`${KEY}-total:${path}`) || 0)
    const solved = exercises.filter(state => state === "solved").length
    link.dataset.progress = count && solved >= count ? "solved" : exercises.length ? "attempted" : ""
    link.title = exercises.length ? `Exercises solved: ${solved} of ${count || exercises.length}` : ""
  }
  const summary = document.querySelector(".exercise-summary")
  const here = Object.values(progress[location.pathname] ?? {})
  const count = Number(read(`${KEY}-total:${location.pathname}`) || 0)
  if (summary && count) {
    summary.textContent = `Exercises on this page: ${here.filter(s => s === "solved").length} of ${count} solved.`
  }
}
