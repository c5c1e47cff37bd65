import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  canonicalJson,
  ChainWalker,
  contentHash,
  GENESIS_HASH,
  linkHash,
  nextLinks,
} from './chain.server'

const items = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    kind: 'trace',
    refId: `t${index + 1}`,
    label: `GET /x/${index + 1} -> 200`,
    contentHash: contentHash({ n: index + 1 }),
  }))

function walk(links: ReturnType<typeof nextLinks>) {
  const walker = new ChainWalker()
  for (const link of links) walker.push(link)
  return walker
}

describe('canonical JSON', () => {
  it('spells the same value one way whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1e21, y: 0.1 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"y":0.1,"z":1e+21}}',
    )
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }))
  })

  it('links hash the RFC 8785 form of their fields', () => {
    const link = {
      seq: 7,
      kind: 'trace',
      refId: 'tr\u2028"x',
      label: 'GET /é -> 200 \u0000',
      contentHash: 'a'.repeat(64),
      prevHash: 'b'.repeat(64),
    }
    const canonical = canonicalJson([
      link.seq,
      link.kind,
      link.refId,
      link.label,
      link.contentHash,
      link.prevHash,
    ])
    expect(linkHash(link)).toBe(crypto.createHash('sha256').update(canonical).digest('hex'))
  })

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow()
  })
})

describe('the chain', () => {
  it('links each entry to the one before, from the genesis hash', () => {
    const links = nextLinks(null, items(3))
    expect(links.map((link) => link.seq)).toEqual([1, 2, 3])
    expect(links[0]!.prevHash).toBe(GENESIS_HASH)
    expect(links[1]!.prevHash).toBe(links[0]!.hash)
    const more = nextLinks({ seq: 3, hash: links[2]!.hash }, items(1))
    expect(more[0]).toMatchObject({ seq: 4, prevHash: links[2]!.hash })
    const walker = walk([...links, ...more])
    expect(walker.firstBreak).toBeNull()
    expect(walker.head).toEqual({ seq: 4, hash: more[0]!.hash })
  })

  it('names an edited entry', () => {
    const links = nextLinks(null, items(5))
    links[2] = { ...links[2]!, label: 'GET /x/3 -> 500' }
    expect(walk(links).firstBreak).toMatchObject({ seq: 3, problem: 'edited' })
  })

  it('names an entry rewritten with a fresh hash by the break after it', () => {
    const links = nextLinks(null, items(5))
    const forged = { ...links[2]!, contentHash: contentHash({ forged: true }) }
    links[2] = { ...forged, hash: linkHash(forged) }
    expect(walk(links).firstBreak).toMatchObject({ seq: 4, problem: 'inserted' })
  })

  it('names removed entries, one or several', () => {
    const links = nextLinks(null, items(6))
    expect(walk(links.filter((link) => link.seq !== 3)).firstBreak).toMatchObject({
      seq: 3,
      problem: 'removed',
      message: expect.stringMatching(/#3 was removed/),
    })
    expect(walk(links.filter((link) => link.seq < 2 || link.seq > 4)).firstBreak).toMatchObject({
      seq: 2,
      problem: 'removed',
      message: expect.stringMatching(/#2 to #4/),
    })
  })

  it('names an inserted entry', () => {
    const links = nextLinks(null, items(3))
    const intruder = nextLinks({ seq: 1, hash: links[0]!.hash }, items(1))[0]!
    // Renumbered after the intruder, the old #2 no longer follows it.
    const tampered = [links[0]!, intruder, { ...links[1]!, seq: 3 }, { ...links[2]!, seq: 4 }]
    expect(walk(tampered).firstBreak).toMatchObject({ seq: 3 })
  })
})
