/**
 * The palette toggle (automatic, light, dark), in place of Material's.
 *
 * Material's sets the palette once its script runs, when a long chapter is
 * parsed and styled, and each of its steps then (a colour-scheme tag added,
 * then filled in, the header's colour read back) makes the browser restyle
 * the whole page: thousands of formula elements, twice, as a phone opens a
 * chapter. Inlined right after the header (overrides/main.html), this runs
 * while the header is all there is of the page, so it costs nothing, and a
 * reader whose system is dark does not see a page light first. Not earlier:
 * the toggle it shows would move when the search button after it arrived.
 *
 * It does what Material's does: the choice is kept where Material keeps it
 * (its `__palette` entry, so a choice made before carries over), the
 * automatic palette follows the system as it changes, Enter steps to the
 * next palette, and <body> carries Material's data-md-color-* attributes,
 * which its stylesheets (and the book's figures) follow.
 */
(() => {
  const inputs = [...document.querySelectorAll("[data-book-palette] input")]
  if (!inputs.length) return
  const meta = name => document.head.appendChild(Object.assign(document.createElement("meta"), { name }))
  const colorScheme = meta("color-scheme"), themeColor = meta("theme-color")
  const systemIsLight = matchMedia("(prefers-color-scheme: light)")
  const AUTOMATIC = "(prefers-color-scheme)"
  const byMedia = media => inputs.find(input => input.dataset.mdColorMedia === media)

  const stored = __md_get("__palette")?.index
  const first = Number.isInteger(stored) ? stored : inputs.findIndex(input => matchMedia(input.dataset.mdColorMedia).matches)
  let current = Math.max(0, Math.min(first, inputs.length - 1))

  /** The browser bar's colour: the header's, read once the page is loaded and styled anyway */
  const matchBar = () => {
    if (document.readyState !== "complete") return addEventListener("load", matchBar, { once: true })
    requestAnimationFrame(() => setTimeout(() => {
      const header = document.querySelector("[data-md-component=header]")
      const rgb = header && getComputedStyle(header).backgroundColor.match(/\d+/g)
      if (rgb) themeColor.content = "#" + rgb.slice(0, 3).map(value => (+value).toString(16).padStart(2, "0")).join("")
    }))
  }

  const show = index => {
    current = index
    const input = inputs[index], media = input.dataset.mdColorMedia
    // The automatic palette takes the colours of the one the system prefers now
    const source = (media === AUTOMATIC && byMedia(`(prefers-color-scheme: ${systemIsLight.matches ? "light" : "dark"})`)) || input
    const { mdColorScheme: scheme, mdColorPrimary: primary, mdColorAccent: accent } = source.dataset
    const color = { media, scheme, primary, accent }
    for (const [key, value] of Object.entries(color)) document.body.setAttribute(`data-md-color-${key}`, value)
    // Each palette's label (the button to the next one) shows while it is on
    inputs.forEach((each, i) => {
      const label = each.nextElementSibling
      if (label?.tagName === "LABEL") label.hidden = i !== index
    })
    colorScheme.content = scheme === "slate" ? "dark" : "light"
    __md_set("__palette", { index, color })
    matchBar()
  }

  show(current)
  for (const input of inputs) input.addEventListener("change", () => show(inputs.indexOf(input)))
  systemIsLight.addEventListener("change", () => show(current))
  inputs[0].form.addEventListener("keydown", event => {
    if (event.key !== "Enter") return
    const next = inputs[(current + 1) % inputs.length]
    next.click()
    next.focus()
  })
})()
