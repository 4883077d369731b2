/**
 * The Python runtime's two big files, for the worker (worker.js loads this
 * with importScripts): its memory snapshot and the packages, inflated.
 *
 * They are served gzipped, because few static hosts compress binary files,
 * and inflating them takes a while, so a visit keeps inflated copies (Cache
 * Storage), named after each file's SHA-256 in this build (bundle.json). A
 * later visit reads them back in the worker at once, with no helper thread
 * and no download; a new deployment's files are inflated afresh. Copies that
 * are missing are downloaded and inflated on a helper thread (inflate.js),
 * which stores them.
 */

/* exported runtimeFiles */

/**
 * The runtime's big files, inflated.
 *
 * @param {string} assets - the site's asset folder
 * @param {string[]} names - files of the runtime's folder, the most urgent first
 * @param {Promise<object|null>} versions - their SHA-256 by name
 * @param {Function} mark - told "NAME read back" or "NAME inflated" as each arrives (the benchmark prints these)
 * @returns {Promise<ArrayBuffer>[]} their inflated contents, in the same order
 */
function runtimeFiles(assets, names, versions, mark) {
  // The store of copies; the "Remove" of the offline control deletes it too (offline.js)
  const store = self.caches ? caches.open("python-inflated").catch(() => null) : null

  /** Download and inflate files on the helper thread, which stores the copies and ends itself once they are stored */
  function inflated(files) {
    const helper = new Worker(`${assets}javascripts/demo/inflate.js`)
    const waiting = new Map()
    const contents = files.map(({ url }) => new Promise((resolve, reject) => waiting.set(url, { resolve, reject })))
    helper.onmessage = ({ data: { url, buffer, error } }) => {
      const { resolve, reject } = waiting.get(url)
      waiting.delete(url)
      if (error) return reject(new Error(error))
      resolve(buffer)
      mark(`${url.split("/").pop()} inflated`)
    }
    helper.onerror = event => {
      for (const { reject } of waiting.values()) reject(new Error(`the inflating helper failed: ${event.message}`))
    }
    helper.postMessage({ files: files.map(({ url, copy }) => ({ url, copy })) })
    return contents
  }

  const contents = (async () => {
    const [sha256, cache] = await Promise.all([versions, store])
    const files = names.map(name => {
      const url = `${assets}pyodide/${name}`
      return { name, url, copy: sha256?.[name] ? `${url}?sha256=${sha256[name]}` : null }
    })
    const stored = await Promise.all(files.map(file => file.copy && cache?.match(file.copy).catch(() => null)))
    const missing = files.filter((_, index) => !stored[index])
    const inflating = missing.length ? inflated(missing) : []
    let previous = Promise.resolve()  // copies are read one after the other: the first is needed first
    return files.map((file, index) => {
      if (!stored[index]) return inflating[missing.indexOf(file)]
      const read = previous.then(() => stored[index].arrayBuffer()).then(buffer => {
        mark(`${file.name} read back`)
        return buffer
      }, () => inflated([file])[0])  // the copy could not be read (evicted meanwhile?): inflate the file again
      previous = read.catch(() => {})
      return read
    })
  })()
  return names.map((_, index) => contents.then(files => files[index]))
}
