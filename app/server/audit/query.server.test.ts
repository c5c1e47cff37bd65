import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor, filterQuery, parseAuditFilters } from './query.server'

const projects = [{ id: 'p1', name: 'Payments' }]
const parse = (query: string) => parseAuditFilters(new URLSearchParams(query), projects)

describe('parseAuditFilters', () => {
  it('reads every filter; the To day is inclusive', () => {
    const { filters, values, problems, ignored } = parse(
      'action=member.&actor=alice&targetType=membership&targetId=m1&project=p1&from=2026-11-01&to=2026-11-30',
    )
    expect(problems).toEqual([])
    expect(ignored).toBe(false)
    expect(filters).toEqual({
      action: 'member.',
      actor: 'alice',
      targetType: 'membership',
      targetId: 'm1',
      projectId: 'p1',
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
    })
    expect(filterQuery(values).toString()).toBe(
      'action=member.&actor=alice&targetType=membership&targetId=m1&project=p1&from=2026-11-01&to=2026-11-30',
    )
  })

  it('ignores what it cannot read, says so, and caps long values', () => {
    const bad = parse('from=2026-02-31&to=soon&project=elsewhere')
    expect(bad.filters).toEqual({})
    expect(bad.ignored).toBe(true)
    expect(bad.problems).toEqual([
      'Project “elsewhere” is not in this organisation: it was ignored.',
      'From “2026-02-31” was ignored: give a date as YYYY-MM-DD.',
      'To “soon” was ignored: give a date as YYYY-MM-DD.',
    ])
    const long = parse(`targetId=${'x'.repeat(1000)}`)
    expect(long.filters.targetId).toHaveLength(200)
    expect(long.ignored).toBe(false)
    expect(long.problems).toEqual(['Target id was cut to its first 200 characters.'])
    expect(parse('action=%00%1F').filters).toEqual({})
  })
})

describe('cursors', () => {
  it('round-trips and refuses anything it did not write', () => {
    const position = { at: new Date('2026-11-05T08:07:06.123Z'), id: 'cabc123' }
    expect(decodeCursor(encodeCursor(position))).toEqual(position)
    for (const hostile of [
      '',
      '<script>',
      'x'.repeat(300),
      Buffer.from('1|a b').toString('base64url'),
    ])
      expect(decodeCursor(hostile)).toBeNull()
  })
})
