import { describe, expect, it } from 'vitest'
import { splitTarget } from './process.server'

describe('splitTarget', () => {
  it('splits plain origin-form targets without a URL parser', () => {
    const { pathname, query } = splitTarget('/pets?tags=dog&tags=cat&limit=10')
    expect(pathname).toBe('/pets')
    expect(query.getAll('tags')).toEqual(['dog', 'cat'])
    expect(query.get('limit')).toBe('10')
    expect(splitTarget('/pets/42').query.size).toBe(0)
  })

  it('decodes query values the way the WHATWG URL does', () => {
    const target = '/v1/customers?email=a%40example.com&name=Ann+Lee&empty='
    expect(splitTarget(target).query.toString()).toBe(
      new URL(target, 'http://x').searchParams.toString(),
    )
    expect(splitTarget(target).query.get('name')).toBe('Ann Lee')
  })

  it.each([
    ['/pets/../pets/1', '/pets/1'],
    ['/./pets', '/pets'],
    ['/pets/a b', '/pets/a%20b'],
    ['/pets/1#fragment', '/pets/1'],
    ['http://mock.local/pets/7?x=1', '/pets/7'],
    ['//evil.example/pets', '/pets'],
    ['/a/%2e%2E/pets', '/pets'],
  ])('normalises the unusual target %s like a URL parser', (target, pathname) => {
    expect(splitTarget(target).pathname).toBe(pathname)
  })
})
