/**
 * Typeset the page's math with the site's own copy of KaTeX.
 *
 * pymdownx.arithmatex (generic mode) leaves `\(…\)` and `\[…\]` inside
 * `.arithmatex` elements; this renders them on every page Material shows.
 */
document$.subscribe(({ body }) => {
  for (const el of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(el, {
      delimiters: [
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true },
      ],
      throwOnError: false,
    })
  }
})
