import { describe, expect, it } from 'vitest'
import type { JsonSchema } from '~/shared/normalized-spec'
import { plainText } from '~/shared/format'
import type { SchemaNode } from '~/shared/schema-view'
import { OPEN_DEPTH, PAGE_NODE_BUDGET, schemaView, viewBudget } from './schema-view.server'

const schemas: Record<string, JsonSchema> = {
  Node: {
    type: 'object',
    required: ['id'],
    properties: {
      id: { type: 'string', description: 'x'.repeat(1000) },
      parent: { $ref: '#/components/schemas/Node' },
      address: {
        type: 'object',
        properties: { geo: { type: 'object', properties: { lat: { type: 'number' } } } },
      },
      status: { type: 'string', enum: Array.from({ length: 30 }, (_, index) => `s${index}`) },
    },
  },
}
const root: JsonSchema = { $ref: '#/components/schemas/Node' }
const find = (node: SchemaNode, name: string): SchemaNode | undefined =>
  node.name === name ? node : node.children?.map((child) => find(child, name)).find(Boolean)
const count = (node: SchemaNode): number =>
  1 + (node.children ?? []).reduce((sum, child) => sum + count(child), 0)

describe('schema views', () => {
  it(`shows ${OPEN_DEPTH} levels, collapses deeper nodes with a count, and stops at cycles`, () => {
    const view = schemaView(root, schemas, 'response/200', viewBudget(new URLSearchParams()))
    expect(view.label).toBe('Node')
    expect(find(view, 'id')).toMatchObject({ required: true, path: 'response/200/id' })
    expect(find(view, 'id')!.description).toHaveLength(401)
    expect(find(view, 'parent')).toMatchObject({ ref: 'Node', circular: true })
    expect(find(view, 'address')!.children).toHaveLength(1)
    expect(find(view, 'geo')).toMatchObject({ collapsed: 1, path: 'response/200/address/geo' })
    expect(find(view, 'status')!.constraints).toMatch(/"s19" and 10 more$/)
  })

  it('expands an opened path, and only that one', () => {
    const search = new URLSearchParams([['open', 'response/200/address/geo']])
    const view = schemaView(root, schemas, 'response/200', viewBudget(search))
    expect(find(view, 'geo')).toMatchObject({ opened: true })
    expect(find(view, 'lat')).toMatchObject({ label: 'number' })
  })

  it('keeps within the page budget whatever the schema', () => {
    const wide: JsonSchema = {
      type: 'object',
      properties: Object.fromEntries(
        Array.from({ length: 400 }, (_, index) => [
          `field${index}`,
          { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } },
        ]),
      ),
    }
    const budget = viewBudget(new URLSearchParams())
    const first = schemaView(wide, {}, 'a', budget)
    const second = schemaView(wide, {}, 'b', budget)
    expect(count(first) + count(second)).toBeLessThanOrEqual(PAGE_NODE_BUDGET + 2)
    expect(second.collapsed).toBe(400)
  })
})

describe('descriptions as plain text', () => {
  it('drops the markup specs write (Stripe writes HTML), keeps the words and line breaks', () => {
    expect(
      plainText('<p>Creates a new <code>customer</code> object.</p><p>Second &amp; last.</p>'),
    ).toBe('Creates a new customer object.\nSecond & last.')
    expect(plainText('<script>alert(1)</script><img src=x onerror=alert(2)>ok')).toBe('alert(1)ok')
    const view = schemaView(
      { type: 'string', description: '<p>An <b>id</b>.</p>' },
      {},
      'p',
      viewBudget(new URLSearchParams()),
    )
    expect(view.description).toBe('An id.')
  })
})
