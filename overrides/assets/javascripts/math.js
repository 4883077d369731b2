/**
 * Typeset math the build left untypeset, with the site's own KaTeX.
 *
 * The build renders every formula to HTML (textbook/render_math.mjs), so
 * normally this finds nothing to do and loads nothing. Should a page arrive
 * untypeset (say, built without the hook), KaTeX is fetched and renders the
 * `\(…\)` and `\[…\]` that pymdownx.arithmatex left in `.arithmatex` elements.
 */

const BASE = new URL("../katex/", document.currentScript.src).href

/** Load a classic script once */
const load = src => new Promise((resolve, reject) => {
  const script = Object.assign(document.createElement("script"), { src, onload: resolve, onerror: reject })
  document.head.append(script)
})

let katex = null
document$.subscribe(async ({ body }) => {
  const pending = [...body.querySelectorAll(".arithmatex")].filter(el => !el.querySelector(".katex"))
  if (!pending.length) return
  katex ??= load(`${BASE}katex.min.js`).then(() => load(`${BASE}contrib/auto-render.min.js`))
  await katex
  for (const el of pending) {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    })
  }
})
