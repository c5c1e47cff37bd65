import { describe, expect, it } from 'vitest'
import {
  decodeCursor,
  encodeCursor,
  parseTraceFilters,
  readViolations,
  type TraceViolation,
  UNMATCHED,
  violationLines,
} from './query.server'

const violation = (location: string, message = 'is wrong'): TraceViolation => ({
  side: 'response',
  location,
  message,
})

/** The text of a 1-based line. */
const lineText = (text: string, line: number | null) => (line ? text.split('\n')[line - 1] : null)

describe('violationLines', () => {
  const body = JSON.stringify({
    id: 'ord_1',
    items: [
      { sku: 'a', price: 12 },
      { sku: 'b', price: 'twelve' },
    ],
    customer: { name: 'Ann', address: { city: 'Oslo' } },
  })

  it('pretty-prints JSON with a 2-space indent', () => {
    const { kind, text } = violationLines(body, [])
    expect(kind).toBe('json')
    expect(text).toBe(JSON.stringify(JSON.parse(body), null, 2))
  })

  it('puts a violation on the line of its member, in objects and arrays', () => {
    const { text, violations } = violationLines(body, [
      violation('body/items/1/price', 'must be number'),
      violation('body/customer/address/city'),
      violation('body/id'),
    ])
    expect(violations.map((entry) => [entry.line, entry.exact])).toEqual([
      [10, true],
      [16, true],
      [2, true],
    ])
    expect(lineText(text, violations[0]!.line)).toBe('      "price": "twelve"')
    expect(lineText(text, violations[1]!.line)).toBe('      "city": "Oslo"')
    expect(violations[0]).toMatchObject({ message: 'must be number', side: 'response' })
  })

  it('puts a missing member on its parent, and the whole body on line 1', () => {
    const { text, violations } = violationLines(body, [
      violation('body/customer/email', 'is required'),
      violation('body/items/7/sku'),
      violation('body', 'must be array'),
      violation('body/nothing/deeper/still'),
    ])
    expect(lineText(text, violations[0]!.line)).toBe('  "customer": {')
    expect(violations[0]!.exact).toBe(false)
    expect(lineText(text, violations[1]!.line)).toBe('  "items": [')
    expect(violations[1]!.exact).toBe(false)
    expect(violations[2]).toMatchObject({ line: 1, exact: true })
    expect(violations[3]).toMatchObject({ line: 1, exact: false })
  })

  it('reads JSON pointer escapes and array bodies', () => {
    const { text, violations } = violationLines('[{"a/b":{"~x":1}},{"c":2}]', [
      violation('body/0/a~1b/~0x'),
      violation('body/1/c'),
    ])
    expect(lineText(text, violations[0]!.line)).toBe('      "~x": 1')
    expect(lineText(text, violations[1]!.line)).toBe('    "c": 2')
  })

  it('keeps numbers as written (no rounding of big integers)', () => {
    const { text } = violationLines('{"id":12345678901234567890,"ratio":1.50}', [])
    expect(text).toContain('12345678901234567890')
    expect(text).toContain('1.50')
  })

  it('leaves the other locations out', () => {
    const { violations } = violationLines(body, [
      violation('query.limit'),
      violation('header.content-type'),
      violation('status'),
      violation('bodyguard'),
    ])
    expect(violations).toEqual([])
  })

  it('shows a body that is not JSON as received, its violations without a line', () => {
    const text = 'amount=12&currency=EUR\n<script>alert(1)</script>'
    const result = violationLines(text, [
      violation('body/currency'),
      violation('body', 'is not valid JSON'),
    ])
    expect(result.kind).toBe('text')
    expect(result.text).toBe(text)
    expect(result.violations.map((entry) => entry.line)).toEqual([null, null])
  })

  it('says when there is no body', () => {
    const result = violationLines('  ', [violation('body', 'is required')])
    expect(result).toMatchObject({ kind: 'empty', text: '' })
    expect(result.violations[0]!.line).toBeNull()
  })

  it('does not take JSON with comments or trailing commas for JSON', () => {
    expect(violationLines('{"a":1,}', []).kind).toBe('text')
    expect(violationLines('{"a":1 /* x */}', []).kind).toBe('text')
  })
})

describe('readViolations', () => {
  it('keeps well-formed entries only', () => {
    expect(
      readViolations(
        JSON.stringify([
          {
            side: 'request',
            location: 'query.limit',
            message: 'must be <= 100',
            constraint: 'maximum',
          },
          { side: 'response', location: 7, message: 'x' },
          'nonsense',
          null,
        ]),
      ),
    ).toEqual([
      {
        side: 'request',
        location: 'query.limit',
        message: 'must be <= 100',
        constraint: 'maximum',
      },
    ])
    expect(readViolations('not json')).toEqual([])
    expect(readViolations('{"a":1}')).toEqual([])
  })
})

describe('cursors', () => {
  it('round-trips a position', () => {
    const position = { at: new Date('2026-11-02T10:00:00.123Z'), id: 'trabc_123-x' }
    expect(decodeCursor(encodeCursor(position))).toEqual(position)
  })

  it('refuses anything else', () => {
    for (const value of [
      '',
      'nope',
      "' OR 1=1 --",
      'x'.repeat(5000),
      Buffer.from('123|id; DROP TABLE').toString('base64url'),
      Buffer.from('9999999999999999|x').toString('base64url'),
      Buffer.from('abc|x').toString('base64url'),
    ])
      expect(decodeCursor(value)).toBeNull()
  })
})

describe('parseTraceFilters', () => {
  const partners = [{ id: 'pp_1', slug: 'globex' }]
  const parse = (query: string) => parseTraceFilters(new URLSearchParams(query), partners)

  it('reads every filter', () => {
    const { filters, values, problems } = parse(
      'partner=globex&operation=createOrder&status=4xx&verified=yes&valid=false&from=2026-11-01&to=2026-11-02',
    )
    expect(problems).toEqual([])
    expect(filters).toEqual({
      partnerProjectId: 'pp_1',
      operationKey: 'createOrder',
      status: { classOf: 4 },
      verified: true,
      valid: false,
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-03T00:00:00Z'),
    })
    expect(values).toMatchObject({ partner: 'pp_1', status: '4xx', verified: 'yes', valid: 'no' })
    expect(parse('status=404').filters.status).toEqual({ code: 404 })
    expect(parse(`operation=${encodeURIComponent(UNMATCHED)}`).filters.operationKey).toBe('')
  })

  it('ignores what it cannot read, and says so', () => {
    const { filters, problems } = parse(
      'partner=other&status=abc&verified=maybe&valid=%00&from=2026-02-31&to=yesterday',
    )
    expect(filters).toEqual({})
    expect(problems).toHaveLength(6)
    expect(parse('status=600').problems[0]).toMatch(/code such as 404/)
    expect(parse('from=2026-11-05&to=2026-11-01').problems[0]).toMatch(/Swap them/)
    expect(parse('status=' + 'x'.repeat(100_000)).problems[0]!.length).toBeLessThan(200)
  })
})
