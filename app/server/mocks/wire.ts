/**
 * The gateway's way into a mock host (decision 034): length-prefixed frames over one Unix
 * socket per mock, many requests in flight at once, answered in any order. HTTP between
 * two processes of ours cost a parse, a message object and a socket write per request on
 * each side; frames written in one tick leave in one write, so under load a hop costs a
 * fraction of a syscall per request.
 *
 *   u32 frame length (bytes after this field) | u32 request id | u32 head length | head | body
 *
 * The head is JSON (`WireRequest` or `WireAnswer`), the body raw bytes. Both ends use the
 * same codec; nothing here knows about mocks.
 */
import type net from 'node:net'

export type WireRequest = {
  method: string
  /** The request target inside the mock: `/pets/1?x=y`. */
  target: string
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>
}

export type WireAnswer = {
  status: number
  /**
   * Name, value, name, value…, as `writeHead` takes them: a list parses into one array of
   * strings, where an object parses into a new hidden class per set of header names, and the
   * gateway walks it with monomorphic loads (decision 034).
   */
  headers: string[]
}

/** A headers object as the flat list a WireAnswer carries. */
export function headerList(headers: Record<string, string>): string[] {
  const list: string[] = []
  for (const name in headers) list.push(name, headers[name]!)
  return list
}

const PREFIX = 12

/** One frame, ready to write. */
export function encodeFrame(id: number, head: object, body?: Buffer | string): Buffer {
  const headText = JSON.stringify(head)
  const headBytes = Buffer.byteLength(headText)
  const bodyBytes =
    body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length
  const frame = Buffer.allocUnsafe(PREFIX + headBytes + bodyBytes)
  frame.writeUInt32BE(8 + headBytes + bodyBytes, 0)
  frame.writeUInt32BE(id, 4)
  frame.writeUInt32BE(headBytes, 8)
  frame.write(headText, PREFIX, 'utf8')
  if (typeof body === 'string') frame.write(body, PREFIX + headBytes, 'utf8')
  else if (body) body.copy(frame, PREFIX + headBytes)
  return frame
}

export class WireError extends Error {}

/**
 * Cuts a byte stream into frames. `push` calls `onFrame` for every whole frame and keeps
 * the rest (`keepsBodies: false` when `onFrame` is done with the body once it returns); a frame over `maxFrameBytes` or a head that is not JSON is a WireError (the
 * connection is then closed: the stream cannot be trusted past it).
 */
export function frameReader(
  onFrame: (id: number, head: unknown, body: Buffer) => void,
  maxFrameBytes: number,
  { keepsBodies = true }: { keepsBodies?: boolean } = {},
) {
  let pending: Buffer[] = []
  let pendingBytes = 0
  /** Bytes the frame being received needs in all (known once its length field is in). */
  let needed = 0
  return function push(chunk: Buffer) {
    let data = chunk
    if (pendingBytes > 0) {
      pending.push(chunk)
      pendingBytes += chunk.length
      // A large body comes in many chunks: they are joined once, when the frame is whole.
      if (pendingBytes < needed) return
      data = Buffer.concat(pending, pendingBytes)
      pending = []
      pendingBytes = 0
    }
    let offset = 0
    needed = 0
    while (data.length - offset >= 4) {
      const length = data.readUInt32BE(offset)
      if (length < 8 || length > maxFrameBytes)
        throw new WireError(`A frame of ${length} bytes is outside the limits.`)
      if (data.length - offset - 4 < length) {
        needed = 4 + length
        break
      }
      const id = data.readUInt32BE(offset + 4)
      const headBytes = data.readUInt32BE(offset + 8)
      if (headBytes > length - 8) throw new WireError('A frame head overruns its frame.')
      const headStart = offset + PREFIX
      let head: unknown
      try {
        head = JSON.parse(data.toString('utf8', headStart, headStart + headBytes))
      } catch {
        throw new WireError('A frame head is not JSON.')
      }
      // A body kept after the call (a host's request log) is copied out, so that it does not
      // hold on to the whole chunk it arrived in; one used at once is a view.
      const view = data.subarray(headStart + headBytes, offset + 4 + length)
      const body = keepsBodies ? Buffer.from(view) : view
      offset += 4 + length
      onFrame(id, head, body)
    }
    if (offset < data.length) {
      const rest = data.subarray(offset)
      pending = [rest]
      pendingBytes = rest.length
    }
  }
}

/**
 * The gateway's writes go out together: the first write of a turn of the event loop corks
 * the socket and the check phase (after every I/O callback of the turn has run) uncorks it,
 * so the frames of all the requests that arrived together leave in one `writev`. (A host
 * answers a chunk's frames at once and uncorks when the chunk is done.)
 */
export function batchedWriter(socket: net.Socket) {
  let corked = false
  const flush = () => {
    corked = false
    if (!socket.destroyed) socket.uncork()
  }
  return (frame: Buffer) => {
    if (socket.destroyed) return
    if (!corked) {
      corked = true
      socket.cork()
      setImmediate(flush)
    }
    socket.write(frame)
  }
}
