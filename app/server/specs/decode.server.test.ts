import { describe, expect, it } from 'vitest'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { SpecSchemas } from './schemas.server'
import { decodeForm, multipartPairs, nestPairs, urlencodedPairs } from './decode.server'

const spec = {
  schemas: {
    Address: {
      type: 'object',
      properties: { line1: { type: 'string' }, zip: { type: 'integer' } },
    },
  },
} as unknown as NormalizedSpec
const schemas = new SpecSchemas(spec)

const BODY = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    amount: { type: 'integer' },
    ratio: { type: 'number' },
    live: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    ids: { type: 'array', items: { type: 'integer' } },
    words: { type: 'array', items: { type: 'string' } },
    pipes: { type: 'array', items: { type: 'string' } },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    address: { $ref: '#/components/schemas/Address' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: { price: { type: 'string' }, quantity: { type: 'integer' } },
      },
    },
    point: { type: 'object', properties: { x: { type: 'integer' }, y: { type: 'integer' } } },
    expires: { anyOf: [{ type: 'integer' }, { type: 'string', enum: [''] }] },
    payload: { type: 'object', properties: { kind: { type: 'string' } } },
    file: { type: 'string', format: 'binary' },
  },
}

const decode = (text: string, encoding = {}) =>
  decodeForm(urlencodedPairs(text), BODY, encoding, schemas)

describe('form bodies per the encoding object', () => {
  it('style form, exploded (the default): repeated names make an array; scalars are coerced', () => {
    expect(decode('name=Ann&amount=12&ratio=0.5&live=true&tags=a&tags=b').value).toEqual({
      name: 'Ann',
      amount: 12,
      ratio: 0.5,
      live: true,
      tags: ['a', 'b'],
    })
    // One value for an array property is an array of one.
    expect(decode('tags=solo&ids=7').value).toEqual({ tags: ['solo'], ids: [7] })
  })

  it('style form, not exploded: comma-separated arrays and key,value objects', () => {
    const encoding = {
      ids: { style: 'form', explode: false },
      point: { style: 'form', explode: false },
    }
    expect(decode('ids=1,2,3&point=x,4,y,5', encoding).value).toEqual({
      ids: [1, 2, 3],
      point: { x: 4, y: 5 },
    })
  })

  it('spaceDelimited and pipeDelimited arrays', () => {
    const encoding = {
      words: { style: 'spaceDelimited', explode: false },
      pipes: { style: 'pipeDelimited', explode: false },
    }
    expect(decode('words=a%20b%20c&pipes=x|y', encoding).value).toEqual({
      words: ['a', 'b', 'c'],
      pipes: ['x', 'y'],
    })
  })

  it('deepObject and bracketed names as Stripe, Rails and PHP clients send them', () => {
    const encoding = {
      metadata: { style: 'deepObject', explode: true },
      address: { style: 'deepObject', explode: true },
      items: { style: 'deepObject', explode: true },
    }
    const text =
      'metadata[order]=42&metadata[note]=hi&address[line1]=1%20Main&address[zip]=12345' +
      '&items[0][price]=p1&items[0][quantity]=2&items[1][price]=p2&tags[]=a&tags[]=b&ids[0]=5&ids[1]=6'
    expect(decode(text, encoding).value).toEqual({
      metadata: { order: '42', note: 'hi' },
      address: { line1: '1 Main', zip: 12345 },
      items: [{ price: 'p1', quantity: 2 }, { price: 'p2' }],
      tags: ['a', 'b'],
      ids: [5, 6],
    })
  })

  it('keeps the empty string where the schema allows it (Stripe unsets with `field=`)', () => {
    expect(decode('expires=').value).toEqual({ expires: '' })
    expect(decode('expires=1700000000').value).toEqual({ expires: 1700000000 })
  })

  it('refuses prototype keys and bounds nesting', () => {
    const { value } = decode('__proto__[polluted]=1&constructor[prototype][x]=1&name=ok')
    expect(value.name).toBe('ok')
    expect(Object.keys(value)).not.toContain('__proto__')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    const deep = `metadata${'[a]'.repeat(200)}=x`
    expect(() => decode(deep)).not.toThrow()
    const many = Array.from({ length: 20_000 }, (_, index) => `tags=${index}`).join('&')
    const decoded = decode(many).value as { tags: string[] }
    expect(decoded.tags.length).toBeLessThanOrEqual(10_000)
  })

  it('nests a query string the same way (deepObject query parameters)', () => {
    expect(
      nestPairs(new URLSearchParams('created[gte]=1&created[lt]=9&expand[]=a&expand[]=b')),
    ).toEqual({
      created: { gte: '1', lt: '9' },
      expand: ['a', 'b'],
    })
  })
})

describe('multipart bodies', () => {
  const boundary = 'copilot-boundary'
  const part = (name: string, value: string, headers = '') =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${headers}\r\n\r\n${value}\r\n`

  it('decodes fields, JSON parts (encoding contentType) and files', async () => {
    const body = Buffer.from(
      part('name', 'Ann') +
        part('amount', '7') +
        part('metadata[k]', 'v') +
        part('payload', '{"kind":"json"}', '\r\nContent-Type: application/json') +
        part(
          'file',
          '\x00\x01binary',
          '; filename="a.bin"\r\nContent-Type: application/octet-stream',
        ) +
        `--${boundary}--\r\n`,
      'latin1',
    )
    const pairs = await multipartPairs(body, `multipart/form-data; boundary=${boundary}`)
    expect(Array.isArray(pairs)).toBe(true)
    const { value, problems } = decodeForm(
      pairs as never,
      BODY,
      { payload: { contentType: 'application/json' } },
      schemas,
    )
    expect(problems).toEqual([])
    expect(value).toEqual({
      name: 'Ann',
      amount: 7,
      metadata: { k: 'v' },
      payload: { kind: 'json' },
      file: 'a.bin',
    })
  })

  it('reports a malformed body and a JSON part that is not JSON', async () => {
    const broken = await multipartPairs(
      Buffer.from('not multipart'),
      'multipart/form-data; boundary=x',
    )
    expect(broken).toMatchObject({ error: expect.stringMatching(/multipart/) })
    const body = Buffer.from(
      part('payload', '{nope', '\r\nContent-Type: application/json') + `--${boundary}--\r\n`,
    )
    const pairs = await multipartPairs(body, `multipart/form-data; boundary=${boundary}`)
    const { problems } = decodeForm(
      pairs as never,
      BODY,
      { payload: { contentType: 'application/json' } },
      schemas,
    )
    expect(problems[0]).toMatchObject({
      location: 'body.payload',
      message: expect.stringMatching(/not valid JSON/),
    })
  })
})
