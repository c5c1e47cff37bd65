/**
 * The one hash-chain helper (decision 017): canonical JSON (RFC 8785) of a
 * record, SHA-256 over it; each link hashes its position, what it records and
 * the previous link's hash, so an entry cannot be edited, inserted or removed
 * without breaking every hash after it. Pure: no I/O. Used by the evidence
 * record of partner projects; any other append-only log can use it too.
 */
import crypto from 'node:crypto'
import canonicalize from 'canonicalize'

/** The previous hash of the first link. */
export const GENESIS_HASH = '0'.repeat(64)

/** RFC 8785 canonical JSON: keys sorted, numbers and strings in one spelling. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('Only JSON values can be hashed.')
  return text
}

export function sha256Hex(text: string | Uint8Array): string {
  return crypto.createHash('sha256').update(text).digest('hex')
}

/** The hash of a record's canonical content. */
export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value))
}

export type LinkInput = { kind: string; refId: string; label: string; contentHash: string }
export type ChainLink = LinkInput & { seq: number; prevHash: string; hash: string }
export type ChainHead = { seq: number; hash: string }

/** The hash of one link: its position, what it records, and the link before it. */
export function linkHash(link: Omit<ChainLink, 'hash'>): string {
  // An array of strings and one integer: JSON.stringify spells it exactly as RFC 8785 does
  // (the same string escaping and integer form; no keys to sort), and is much faster.
  return sha256Hex(
    JSON.stringify([
      Math.trunc(Number(link.seq)),
      String(link.kind),
      String(link.refId),
      String(link.label),
      String(link.contentHash),
      String(link.prevHash),
    ]),
  )
}

/** The links that append `items` after `head` (null: an empty chain), numbered from 1. */
export function nextLinks(head: ChainHead | null, items: LinkInput[]): ChainLink[] {
  let seq = head?.seq ?? 0
  let prevHash = head?.hash ?? GENESIS_HASH
  return items.map((item) => {
    seq += 1
    const link = { ...item, seq, prevHash }
    const hash = linkHash(link)
    prevHash = hash
    return { ...link, hash }
  })
}

export type LinkProblem = 'removed' | 'edited' | 'inserted'
export type LinkBreak = { seq: number; problem: LinkProblem; message: string }

/**
 * Walks links in `seq` order, one at a time (so a long chain is read in
 * pages), and names the first that breaks: a gap in the numbering (entries
 * removed), a link whose own hash no longer matches its fields (edited), or
 * one whose previous hash is not the hash of the link before it (inserted,
 * or the one before rewritten).
 */
export class ChainWalker {
  private expectedSeq = 1
  private prevHash = GENESIS_HASH
  private broken: LinkBreak | null = null
  count = 0

  get head(): ChainHead | null {
    return this.count === 0 ? null : { seq: this.expectedSeq - 1, hash: this.prevHash }
  }

  get firstBreak(): LinkBreak | null {
    return this.broken
  }

  /** Checks the next link; returns the break it reveals (only the first is kept). */
  push(link: ChainLink): LinkBreak | null {
    this.count += 1
    const found = this.check(link)
    this.expectedSeq = link.seq + 1
    this.prevHash = link.hash
    if (found && !this.broken) this.broken = found
    return found
  }

  private check(link: ChainLink): LinkBreak | null {
    if (link.seq > this.expectedSeq) {
      const missing = link.seq - this.expectedSeq
      return {
        seq: this.expectedSeq,
        problem: 'removed',
        message:
          missing === 1
            ? `Entry #${this.expectedSeq} was removed (the chain goes from #${this.expectedSeq - 1} to #${link.seq}).`
            : `Entries #${this.expectedSeq} to #${link.seq - 1} were removed (the chain goes from #${this.expectedSeq - 1} to #${link.seq}).`,
      }
    }
    if (link.seq < this.expectedSeq)
      return {
        seq: link.seq,
        problem: 'inserted',
        message: `Entry #${link.seq} appears twice: one of them was inserted.`,
      }
    if (linkHash(link) !== link.hash)
      return {
        seq: link.seq,
        problem: 'edited',
        message: `Entry #${link.seq} was edited: its fields no longer match its hash.`,
      }
    if (link.prevHash !== this.prevHash)
      return {
        seq: link.seq,
        problem: 'inserted',
        message:
          link.seq === 1
            ? 'Entry #1 does not start the chain: entries were inserted before it or the chain was rewritten.'
            : `Entry #${link.seq} does not follow entry #${link.seq - 1}: an entry was inserted here, or #${link.seq - 1} was rewritten.`,
      }
    return null
  }
}
