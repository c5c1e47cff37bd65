/**
 * The playground as the server renders it (what a browser without JavaScript
 * gets): a GET search form, a POST form with a plain body textarea, the
 * violations listed as "line N: …", the answer with its violations under their
 * lines, and the three snippets one after another.
 */
import { renderToString } from 'react-dom/server'
import {
  createStaticHandler,
  createStaticRouter,
  StaticRouterProvider,
} from 'react-router-dom/server'
import { describe, expect, it } from 'vitest'
import type { PlacedViolation, PlaygroundActionData, PlaygroundView } from '~/shared/playground'
import { Playground } from './playground'

const violation = (overrides: Partial<PlacedViolation>): PlacedViolation => ({
  side: 'request',
  location: 'body/currency',
  message: 'must be equal to one of the allowed values',
  constraint: 'one of ["EUR","USD"]',
  line: 3,
  exact: true,
  notes: [],
  ...overrides,
})

const view: PlaygroundView = {
  base: '/partner/pp1/playground',
  canSend: true,
  catalogue: {
    query: 'orders',
    groups: [
      {
        specId: 's1',
        specName: 'Shop API',
        tag: 'orders',
        operations: [
          {
            key: 's1:createOrder',
            method: 'POST',
            path: '/orders',
            summary: 'Create an order',
            operationId: 'createOrder',
            deprecated: false,
          },
        ],
      },
    ],
    matched: 1,
    shown: 1,
    total: 3,
  },
  environments: [
    { value: 'env1', label: 'Sandbox: Shop sandbox', kind: 'sandbox', specId: null, running: true },
  ],
  selected: {
    key: 's1:createOrder',
    specId: 's1',
    specName: 'Shop API',
    versionNumber: 1,
    method: 'POST',
    path: '/orders',
    operationId: 'createOrder',
    summary: 'Create an order',
    description: null,
    deprecated: false,
    params: [
      {
        in: 'header',
        name: 'X-Request-Id',
        required: false,
        deprecated: false,
        description: 'Echoed back',
        type: 'string',
        notes: [],
      },
    ],
    mediaTypes: ['application/json'],
    bodyRequired: true,
    notes: [
      {
        id: 'n1',
        type: 'auth_note',
        fieldPath: '',
        html: '<p>Use a test key.</p>',
        orphaned: false,
        orphanedVersion: null,
      },
    ],
  },
  draft: {
    op: 's1:createOrder',
    env: 'env1',
    params: [{ in: 'header', name: 'X-Request-Id', value: 'req-1' }],
    headers: '',
    mediaType: 'application/json',
    body: '{\n  "amount": 1,\n  "currency": "GBP"\n}',
  },
  snippets: {
    curl: "curl -i -X POST 'https://x.test/v1/orders'",
    fetch: 'fetch()',
    python: 'requests',
  },
  templates: [
    {
      id: 't1',
      kind: 'template',
      name: 'Create EUR order',
      method: 'POST',
      path: '/orders',
      href: '/partner/pp1/playground?op=s1%3AcreateOrder&template=t1',
      createdAt: '2026-12-03T10:00:00.000Z',
      status: null,
      durationMs: null,
      violationCount: 0,
      error: null,
    },
  ],
  history: [],
  loaded: null,
  notice: null,
}

const actionData: PlaygroundActionData = {
  reply: { status: 'success' },
  draft: view.draft,
  snippets: view.snippets,
  outcome: {
    sent: true,
    environmentLabel: 'Sandbox: Shop sandbox',
    method: 'POST',
    url: 'https://x.test/v1/orders',
    credential: 'authorization: Bearer [redacted]',
    request: {
      body: { kind: 'json', text: view.draft!.body, violations: [violation({})] },
      other: [],
    },
    response: {
      status: 201,
      headers: [['content-type', 'application/json']],
      body: {
        kind: 'json',
        text: '{\n  "id": "o1",\n  "amount": "lots"\n}',
        violations: [
          violation({
            side: 'response',
            location: 'body/amount',
            message: 'must be integer',
            constraint: 'type integer',
          }),
        ],
      },
      other: [],
      truncated: false,
      durationMs: 12,
      headersMs: 10,
    },
    error: null,
  },
}

async function render(data: PlaygroundActionData | undefined) {
  const routes = [
    { path: '/partner/pp1/playground', element: <Playground view={view} actionData={data} /> },
  ]
  const handler = createStaticHandler(routes)
  const context = await handler.query(
    new Request('http://localhost/partner/pp1/playground?op=s1%3AcreateOrder'),
  )
  if (context instanceof Response) throw new Error('unexpected response')
  const router = createStaticRouter(handler.dataRoutes, context)
  // React separates adjacent text with comments: removed, the text reads as a browser shows it.
  return renderToString(<StaticRouterProvider router={router} context={context} />).replace(
    /<!-- -->/g,
    '',
  )
}

describe('the playground without JavaScript', () => {
  it('renders the search as a GET form and the request as a POST form with a textarea', async () => {
    const html = await render(undefined)
    expect(html).toMatch(/<form[^>]*method="get"[^>]*action="\/partner\/pp1\/playground"/)
    expect(html).toMatch(/<form[^>]*method="post"[^>]*action="\/partner\/pp1\/playground\?op=/)
    expect(html).toMatch(/<textarea[^>]*name="body"/)
    expect(html).not.toMatch(/<textarea[^>]*name="body"[^>]*hidden/)
    expect(html).toContain('name="params[0].value"')
    expect(html).toContain('value="req-1"')
    expect(html).toContain('Use a test key.')
    expect(html).toContain('Create EUR order')
    // Without JavaScript the three snippets are all shown, each with its heading.
    for (const label of ['curl', 'JavaScript (fetch)', 'Python (requests)'])
      expect(html).toContain(`<h3 class="text-sm font-semibold">${label}</h3>`)
  })

  it('lists the violations by line and shows the answer with its violations under their lines', async () => {
    const html = await render(actionData)
    expect(html).toContain('line 3: ')
    expect(html).toContain('must be equal to one of the allowed values')
    expect(html).toContain('data-testid="response-status"')
    expect(html).toContain('>201<')
    expect(html).toContain('must be integer')
    expect(html).toContain('authorization: Bearer [redacted] (added on the server)')
  })
})
