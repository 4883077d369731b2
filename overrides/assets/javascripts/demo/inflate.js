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
 * Each inflated file is also stored (Cache Storage, INFLATED), so a later
 * visit reads it back instead of inflating it again: inflating is on the way
 * to the first live figure, and on two busy cores it takes up to a second.
 * A stored copy is named after the download's ETag or Last-Modified and
 * length, so a new deployment's file is inflated afresh.
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

/** The name of a download's inflated copy, or null if the download names no version */
function copyName(url, response) {
  const version = response.headers.get("ETag") ?? response.headers.get("Last-Modified")
  return version && `${url}?inflated=${encodeURIComponent(`${version} ${response.headers.get("Content-Length")}`)}`
}

/** The store of inflated copies, if this browser lets the page keep one */
const store = self.caches ? caches.open(INFLATED).catch(() => null) : Promise.resolve(null)

/** Keep a copy of an inflated file, dropping older versions of it */
async function keep(cache, url, name, buffer) {
  const copy = new Response(buffer)  // copies the bytes at once: the buffer is handed over next
  try {
    for (const older of await cache.keys()) if (older.url.startsWith(`${url}?inflated=`)) await cache.delete(older)
    await cache.put(name, copy)
  } catch {}  // no room: the next visit inflates it again
}

/** Copies being stored and downloads running out: the helper ends once they are done */
const finishing = []

/** A file's contents, inflated: read back from the stored copy (stored: true), or downloaded and inflated (and stored) */
async function inflated(url, downloading) {
  const response = await downloading
  const name = copyName(url, response)
  const cache = await store
  const stored = name && cache && await cache.match(name).catch(() => null)
  if (stored) {
    // The download is not needed, but one cut short is reported as a failed request: let it run out
    finishing.push(response.body?.pipeTo(new WritableStream()).catch(() => {}))
    return { buffer: await stored.arrayBuffer(), stored: true }
  }
  const buffer = await response.arrayBuffer()
  const unpacked = await inflate(buffer)
  if (!unpacked) return { buffer }
  if (cache && name) finishing.push(keep(cache, url, name, unpacked))
  return { buffer: unpacked }
}

self.onmessage = async ({ data: { urls } }) => {
  const downloads = urls.map(download)
  downloads.forEach(download => download.catch(() => {}))  // each failure is reported in its turn
  for (const [index, url] of urls.entries()) {
    try {
      const { buffer, stored } = await inflated(url, downloads[index])
      self.postMessage({ url, buffer, stored }, [buffer])
    } catch (error) {
      self.postMessage({ url, error: error.message })
    }
  }
  await Promise.all(finishing)
  self.close()
}
