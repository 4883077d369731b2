/**
 * A helper of the Python worker: it downloads and inflates its big gzipped
 * files (the runtime's snapshot, then the packages) on a thread of its own.
 *
 * Inflating them is a quarter of a second of work that the Python worker,
 * busy starting Python, would otherwise do itself. They are inflated one
 * after the other, in the order asked, so the first is ready soonest; each is
 * handed back without copying. A file a host has already inflated
 * (Content-Encoding) is passed on as it is.
 *
 * Each inflated file is also stored (Cache Storage, INFLATED) under the name
 * the worker gives it, so a later visit reads it back instead
 * (runtime_files.js): inflating is on the way to the first live figure, and
 * on two busy cores it takes up to a second.
 */

/** The stored inflated files; the "Remove" of the offline control deletes it too (offline.js) */
const INFLATED = "python-inflated"

/** Download a file; a failure names it */
async function download(url) {
  const name = url.split("/").pop()
  const response = await fetch(url).catch(error => { throw new Error(`could not download ${name} (${error.message})`) })
  if (!response.ok) throw new Error(`could not download ${name} (${response.status} ${response.statusText})`)
  return response
}

/** Inflate a file if it is gzipped; null if it is not */
function inflate(buffer) {
  const bytes = new Uint8Array(buffer)
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return null
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()
}

/** The store of inflated copies, if this browser lets the page keep one */
const store = self.caches ? caches.open(INFLATED).catch(() => null) : Promise.resolve(null)

/** Keep a copy of an inflated file, dropping the copies of its other versions */
async function keep(url, copy, buffer) {
  const cache = await store
  if (!cache || !copy) return
  const response = new Response(buffer)  // copies the bytes at once: the buffer is handed over next
  try {
    for (const older of await cache.keys()) if (older.url.startsWith(`${url}?`)) await cache.delete(older)
    await cache.put(copy, response)
  } catch {}  // no room: the next visit inflates it again
}

/** Copies being stored: the helper ends once they are done */
const keeping = []

/** A file's contents, inflated (and a copy kept) */
async function inflated({ url, copy }, downloading) {
  const buffer = await (await downloading).arrayBuffer()
  const unpacked = await inflate(buffer)
  if (!unpacked) return buffer
  keeping.push(keep(url, copy, unpacked))
  return unpacked
}

/** files: [{url, copy}], the most urgent first; copy names the stored copy (null: keep none) */
self.onmessage = async ({ data: { files } }) => {
  const downloads = files.map(({ url }) => download(url))
  downloads.forEach(download => download.catch(() => {}))  // each failure is reported in its turn
  for (const [index, file] of files.entries()) {
    try {
      const buffer = await inflated(file, downloads[index])
      self.postMessage({ url: file.url, buffer }, [buffer])
    } catch (error) {
      self.postMessage({ url: file.url, error: error.message })
    }
  }
  await Promise.all(keeping)
  self.close()
}
