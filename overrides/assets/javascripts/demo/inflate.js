/**
 * A helper of the Python worker: it downloads and inflates its big gzipped
 * files (the runtime's snapshot, then the packages) on a thread of its own.
 *
 * Inflating them is a quarter of a second of work that the Python worker,
 * busy starting Python, would otherwise do itself. They are inflated one
 * after the other, in the order asked, so the first is ready soonest; each is
 * handed back without copying. A file a host has already inflated
 * (Content-Encoding) is passed on as it is.
 */

/** Download a file; a failure names it */
async function download(url) {
  const name = url.split("/").pop()
  const response = await fetch(url).catch(error => { throw new Error(`could not download ${name} (${error.message})`) })
  if (!response.ok) throw new Error(`could not download ${name} (${response.status} ${response.statusText})`)
  return response.arrayBuffer()
}

/** Inflate a file if it is gzipped */
function inflate(buffer) {
  const bytes = new Uint8Array(buffer)
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return buffer
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).arrayBuffer()
}

self.onmessage = async ({ data: { urls } }) => {
  const downloads = urls.map(download)
  downloads.forEach(download => download.catch(() => {}))  // each failure is reported in its turn
  for (const [index, url] of urls.entries()) {
    try {
      const buffer = await inflate(await downloads[index])
      self.postMessage({ url, buffer }, [buffer])
    } catch (error) {
      self.postMessage({ url, error: error.message })
    }
  }
}
