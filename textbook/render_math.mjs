// Typeset the math of built pages with KaTeX, at build time.
//
//   node textbook/render_math.mjs PAGE.html [PAGE.html …]
//
// pymdownx.arithmatex (generic mode) leaves \(…\) in span.arithmatex and
// \[…\] in div.arithmatex. Rendering them here means readers download no
// KaTeX script (only its CSS and fonts), math shows without JavaScript and
// in print, and nothing shifts while the page loads. A formula KaTeX rejects
// fails the build with its page and source.
import { readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"

const katex = createRequire(import.meta.url)("katex")
// (the start tag may carry other attributes, e.g. lazy_layout.py's)
const MATH = /<(span|div)((?: [\w-]+(?:="[^"]*")?)*) class="arithmatex"((?: [\w-]+(?:="[^"]*")?)*)>\\([(\[])([\s\S]*?)\\[)\]]<\/\1>/g
const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'" }

let failures = 0
for (const file of process.argv.slice(2)) {
  const html = readFileSync(file, "utf8")
  const typeset = html.replace(MATH, (match, tag, before, after, open, tex) => {
    const source = tex.replace(/&(lt|gt|amp|quot|#39);/g, entity => ENTITIES[entity])
    try {
      const rendered = katex.renderToString(source, { displayMode: open === "[", throwOnError: true, output: "htmlAndMathml" })
      return `<${tag}${before} class="arithmatex"${after}>${rendered}</${tag}>`
    } catch (error) {
      failures += 1
      console.error(`${file}: cannot typeset ${JSON.stringify(source)}: ${error.message}`)
      return match
    }
  })
  if (typeset !== html) writeFileSync(file, typeset)
}
process.exit(failures ? 1 : 0)
