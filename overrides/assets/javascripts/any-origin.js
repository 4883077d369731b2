/**
 * Instant navigation wherever the book is served.
 *
 * Material swaps pages without a reload (keeping Python's worker) only for
 * links listed in sitemap.xml, whose addresses start with the site_url the
 * book was built for; it adopts the browser's scheme and host name but not
 * its port or path. Served anywhere else (another port, a sub-path, a
 * preview host) every link would reload the page and restart Python.
 *
 * This rewrites the sitemap as Material reads it: the built root (the
 * shortest address, the home page) becomes the folder the sitemap was
 * actually fetched from. Inlined into the page's head (overrides/main.html)
 * so it runs before Material's bundle; should Material change how it reads
 * the sitemap, links simply reload pages again.
 */
(() => {
  const SITEMAP = /\/sitemap\.xml$/
  const { open, send } = XMLHttpRequest.prototype
  const response = Object.getOwnPropertyDescriptor(XMLHttpRequest.prototype, "response").get

  /** The sitemap's text with every address moved from the built root to the served one */
  const relocate = (xml, servedRoot) => {
    const LOC = /<loc>\s*([^<\s]+)\s*<\/loc>/g
    const addresses = [...xml.matchAll(LOC)].map(match => match[1])
    if (!addresses.length) return xml
    const builtRoot = addresses.reduce((a, b) => (b.length < a.length ? b : a))
    return xml.replace(LOC, (_, address) => `<loc>${servedRoot}${address.slice(builtRoot.length)}</loc>`)
  }

  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    const target = new URL(url, location.href)
    this.servedRoot = target.origin === location.origin && SITEMAP.test(target.pathname) ? new URL(".", target).href : null
    return open.call(this, method, url, ...rest)
  }
  XMLHttpRequest.prototype.send = function (...body) {
    if (this.servedRoot) {
      const servedRoot = this.servedRoot
      this.responseType = "text"
      Object.defineProperty(this, "response", {
        get: () => new Blob([relocate(response.call(this) ?? "", servedRoot)], { type: "text/xml" }),
      })
    }
    return send.apply(this, body)
  }
})()
