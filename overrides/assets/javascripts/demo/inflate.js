/**
 * A helper of the Python worker: it fetches and inflates its big gzipped
 * files (the runtime's snapshot, then the packages) on a thread of its own.
 *
 * Inflating them is a quarter of a second of work that the Python worker,
 * busy starting Python, would otherwise do itself. They are inflated one
 * after the other, in the order asked, so the first is ready soonest; each is
 * handed back without copying. A file a host has already inflated
 * (Content-Encoding) is passed on as it is.
 *
 * Each inflated file is also kept, so a later visit reads it back instead of
 * inflating it again: inflating is on the way to the first live figure, and
 * on two busy cores it takes up to a second. The copies live in the origin's
 * private file system, which a worker reads synchronously, straight into
 * memory: the snapshot arrives 0.1 s sooner than it did from Cache Storage.
 * A copy is named after the file's ETag or Last-Modified and length, so a
 * new deployment's file is inflated afresh.
 */

/** The folder of inflated copies; the "Remove" of the offline control deletes it too (offline.js) */
const INFLATED = "python-inflated"

/** A file's name, from its address */
const fileOf = url => url.split("/").pop()

/** Download a file; a failure names it */
async function download(url) {
  const name = fileOf(url)
  const response = await fetch(url).catch(error => { throw new Error(`could not download ${name} (${error.message})`) })
  if (!response.ok) throw new Error(`could not download ${name} (${response.status} ${response.statusText})`)
  return response
}

/**
 * A file's response as the page would get it: from the offline copy if that
 * serves the page and holds the file, else downloaded. A later visit then
 * downloads nothing when the file's inflated copy is kept.
 */
async function source(url, offlineCopy) {
  const stored = offlineCopy && self.caches ? await caches.match(url).catch(() => undefined) : undefined
  return stored ? { response: stored, downloaded: false } : { response: await download(url), downloaded: true }
}

/** Inflate a file if it is gzipped; null if it is not */
function inflate(buffer) {
  const bytes = new Uint8Array(buffer)
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return null
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()
}

/** The name of a file's inflated copy, or null if its response names no version */
function copyName(url, response) {
  const version = response.headers.get("ETag") ?? response.headers.get("Last-Modified")
  return version && `${fileOf(url)} ${encodeURIComponent(`${version} ${response.headers.get("Content-Length")}`)}`
}

/** The folder of copies, if this browser lets the page keep one */
const folder = (async () => {
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(INFLATED, { create: true })
  } catch {
    return null
  }
})()

/** A kept copy's contents, or null if there is none (or another tab is writing it) */
async function readBack(copies, name) {
  try {
    const file = await (await copies.getFileHandle(name)).createSyncAccessHandle({ mode: "read-only" })
    try {
      const buffer = new ArrayBuffer(file.getSize())
      file.read(new Uint8Array(buffer), { at: 0 })
      return buffer
    } finally {
      file.close()
    }
  } catch {
    return null
  }
}

/**
 * Keep a copy of an inflated file, dropping older versions of it. It is
 * written under a temporary name and then renamed, so a tab closed mid-write
 * leaves no half copy for a later visit to read.
 */
async function keep(copies, url, name, bytes) {
  const partial = `${name}.partial`
  try {
    for await (const older of copies.keys())
      if (older.startsWith(`${fileOf(url)} `) && older !== name) await copies.removeEntry(older).catch(() => {})
    const handle = await copies.getFileHandle(partial, { create: true })
    const file = await handle.createSyncAccessHandle()
    try {
      file.truncate(0)
      file.write(bytes, { at: 0 })
      file.flush()
    } finally {
      file.close()
    }
    await handle.move(name)
  } catch {  // no room, or another tab keeps it: the next visit inflates it again
    await copies.removeEntry(partial).catch(() => {})
  }
}

/** Copies being kept and downloads running out: the helper ends once they are done */
const finishing = []

/** A file's contents, inflated: read back from its copy (stored: true), or inflated (and kept) */
async function inflated(url, getting) {
  const { response, downloaded } = await getting
  const name = copyName(url, response)
  const copies = await folder
  const stored = name && copies && await readBack(copies, name)
  if (stored) {
    // The download is not needed, but one cut short is reported as a failed
    // request, and through the offline copy it is being stored: let it run out
    if (downloaded) finishing.push(response.body?.pipeTo(new WritableStream()).catch(() => {}))
    return { buffer: stored, stored: true }
  }
  const buffer = await response.arrayBuffer()
  const unpacked = await inflate(buffer)
  if (!unpacked) return { buffer }
  if (copies && name) finishing.push(keep(copies, url, name, new Uint8Array(unpacked.slice(0))))  // a copy: the buffer is handed over next
  return { buffer: unpacked }
}

self.onmessage = async ({ data: { urls, offlineCopy } }) => {
  const sources = urls.map(url => source(url, offlineCopy))
  sources.forEach(response => response.catch(() => {}))  // each failure is reported in its turn
  for (const [index, url] of urls.entries()) {
    try {
      const { buffer, stored } = await inflated(url, sources[index])
      self.postMessage({ url, buffer, stored }, [buffer])
    } catch (error) {
      self.postMessage({ url, error: error.message })
    }
  }
  await Promise.all(finishing)
  self.close()
}
