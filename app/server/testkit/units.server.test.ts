/** Small judges and formats of the test kit, including hostile input for the exports. */
import { describe, expect, it } from 'vitest'
import { parseVariableLines } from '~/shared/environment-schemas'
import { extractId } from './context.server'
import { curlCommand, junitXml } from './exports.server'
import { leakAssertion, mediaTypeMatches } from './judge.server'
import type { Exchange } from './model.server'
import { collectionCreate, formEncode } from './inputs.server'
import {
  batchEntries,
  evaluateLinkExpression,
  writtenVersusRead,
} from './templates/outcomes.server'
import { mayRouteTo } from './templates/rejections.server'
import { SpecSchemas } from '../specs/schemas.server'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import type { NormalizedOperation } from '~/shared/normalized-spec'
import {
  hasMore,
  itemHasId,
  itemId,
  itemIdentity,
  listOf,
  nextLink,
} from './templates/traffic.server'

function exchange(body: unknown, headers: Record<string, string> = {}, status = 200): Exchange {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  return {
    auth: 'valid',
    request: { method: 'GET', url: 'https://api.test/v1/things', headers: {}, body: null },
    response: { status, headers, body: text, truncated: false },
    json: typeof body === 'string' ? undefined : body,
    durationMs: 1,
    retries: 0,
  }
}

describe('media types', () => {
  it.each([
    ['application/json', 'application/json; charset=utf-8', true],
    ['application/json', 'application/vnd.github.v3+json', true],
    ['application/vnd.api+json', 'application/json', true],
    ['application/*', 'application/xml', true],
    ['*/*', 'text/csv', true],
    ['application/json', 'text/plain', false],
    ['application/json', '', false],
  ])('%s documented, %s returned: %s', (documented, actual, expected) => {
    expect(mediaTypeMatches(documented, actual)).toBe(expected)
  })
})

describe('leaks', () => {
  it.each([
    'TypeError: Cannot read properties of undefined\n    at handler (/srv/app/src/index.js:12:7)',
    'Traceback (most recent call last):\n  File "/app/main.py", line 3',
    'java.lang.NullPointerException at com.acme.Api.get(Api.java:42)',
    'SQLSTATE[42S22]: Column not found',
    'goroutine 1 [running]:',
  ])('finds internals in %j', (body) => {
    expect(leakAssertion(exchange(body, {}, 500)).passed).toBe(false)
  })

  it('does not flag ordinary error bodies', () => {
    expect(
      leakAssertion(
        exchange({ error: { type: 'invalid_request', message: 'name is required' } }, {}, 400),
      ).passed,
    ).toBe(true)
    expect(
      leakAssertion(exchange({ message: 'The resource at /v1/things/7 was not found' }, {}, 404))
        .passed,
    ).toBe(true)
  })
})

describe('pagination signals', () => {
  it('reads lists, has-more flags, next cursors and Link headers', () => {
    expect(listOf([1, 2])).toEqual([1, 2])
    expect(listOf({ data: [1], has_more: true })).toEqual([1])
    expect(listOf({ results: [1], count: 1 })).toEqual([1])
    expect(hasMore(exchange({ data: [], has_more: false }))).toBe(false)
    expect(hasMore(exchange({ items: [], next_cursor: 'abc' }))).toBe(true)
    expect(hasMore(exchange({ items: [], next: null }))).toBe(false)
    expect(
      hasMore(
        exchange([], {
          link: '<https://api.test/v1/things?page=2>; rel="next", <https://api.test/v1/things?page=9>; rel="last"',
        }),
      ),
    ).toBe(true)
    expect(
      nextLink(exchange([], { link: '<https://api.test/v1/things?page=9>; rel="last"' })),
    ).toBeUndefined()
    expect(hasMore(exchange([1, 2]))).toBeUndefined()
  })
})

describe('ids and links', () => {
  it('finds a created resource’s id by name, by convention or in Location', () => {
    expect(extractId(exchange({ accountId: 'a1', id: 'x' }), 'accountId')).toBe('a1')
    expect(extractId(exchange({ id: 42, name: 'n' }), 'petId')).toBe('42')
    expect(extractId(exchange({ data: { id: 'wrapped' } }), 'thingId')).toBe('wrapped')
    expect(extractId(exchange('', { location: '/v1/things/t_9?x=1' }, 201), 'thingId')).toBe('t_9')
    expect(extractId(exchange({ ok: true }), 'thingId')).toBeUndefined()
  })

  it('evaluates link runtime expressions against the source exchange', () => {
    const source = exchange({ id: 'u1', owner: { slug: 'ada' } }, { location: '/users/u1' }, 201)
    const inputs = {
      pathParams: { org: 'acme' },
      query: [['q', 'z']] as [string, string][],
      body: { value: { name: 'Ada' } },
    }
    expect(evaluateLinkExpression('$response.body#/id', source, inputs)).toBe('u1')
    expect(evaluateLinkExpression('$response.body#/owner/slug', source, inputs)).toBe('ada')
    expect(evaluateLinkExpression('$response.header.Location', source, inputs)).toBe('/users/u1')
    expect(evaluateLinkExpression('$request.path.org', source, inputs)).toBe('acme')
    expect(evaluateLinkExpression('$request.query.q', source, inputs)).toBe('z')
    expect(evaluateLinkExpression('$request.body#/name', source, inputs)).toBe('Ada')
    expect(evaluateLinkExpression('$statusCode', source, inputs)).toBe(201)
    expect(evaluateLinkExpression('constant', source, inputs)).toBe('constant')
  })
})

describe('exports with hostile content', () => {
  const run = {
    id: 'r1',
    status: 'failed',
    spec: 'Spec <script>&',
    environment: 'Sandbox "x"',
    partner: null,
    createdAt: '2026-11-22T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    counts: { passed: 0, failed: 1 },
    profile: {},
  }
  const hostile = {
    seq: 1,
    key: 'contract.schema:op',
    templateId: 'contract.schema',
    category: 'contract',
    operationId: 'op',
    title: 'Body </testcase><script>alert(1)</script> ]]> \u0001',
    level: 'required',
    verdict: 'failed',
    reason: 'a "quoted" <reason> & more',
    durationMs: 5,
    assertions: [{ name: 'x', passed: false, expected: '<a>', actual: "it's & <b>" }],
    exchanges: [],
  }

  it('JUnit XML escapes every text and stays well formed', () => {
    const xml = junitXml(run, [hostile])
    expect(xml).not.toContain('<script>')
    expect(xml).not.toContain('\u0001')
    expect(xml).toContain('&lt;/testcase&gt;&lt;script&gt;')
    expect(xml).toContain('failures="1"')
    expect((xml.match(/<testcase /g) ?? []).length).toBe(1)
    expect((xml.match(/<\/testcase>/g) ?? []).length).toBe(1)
  })

  it('curl quotes values and turns redacted credentials into placeholders', () => {
    const command = curlCommand({
      request: {
        method: 'POST',
        url: 'https://api.test/v1/things?api_key=[redacted]&q=a%27b',
        headers: {
          authorization: 'Bearer [redacted]',
          'x-note': "it's $(rm -rf /)",
          'content-length': '2',
        },
        body: `{"name":"O'Brien"}`,
      },
      response: null,
      durationMs: 1,
      retries: 0,
    })
    expect(command).toContain('"authorization: Bearer $API_TOKEN"')
    expect(command).toContain(`'x-note: it'\\''s $(rm -rf /)'`)
    expect(command).toContain('${API_KEY}')
    expect(command).toContain(`--data-raw '{"name":"O'\\''Brien"}'`)
    expect(command).not.toContain('content-length')
  })
})

describe('test variables', () => {
  it('parses name=value lines and says what is wrong, by line', () => {
    expect(
      parseVariableLines('accountId=acc_1\n\nforbidden_credential=tok=with=equals').variables,
    ).toEqual({
      accountId: 'acc_1',
      forbidden_credential: 'tok=with=equals',
    })
    const bad = parseVariableLines('ok=1\nno equals\nbad name!=x')
    expect(bad.errors).toEqual([
      'Line 2: “no equals” is not a variable name (letters, digits, _ . -).',
      'Line 3: “bad name!” is not a variable name (letters, digits, _ . -).',
    ])
  })
})

describe('written versus read back', () => {
  const schemas = new SpecSchemas({ schemas: {} } as unknown as NormalizedSpec)

  it('blames a changed value, not an id read back expanded nor a request object read as its status', () => {
    expect(
      writtenVersusRead(
        {
          name: 'Ann',
          card: 'card_1',
          address: { city: 'Oslo' },
          caps: { x: { requested: true } },
        },
        {
          name: 'Ann',
          card: { id: 'card_1', brand: 'visa' },
          address: { city: 'Bergen' },
          caps: { x: 'active' },
        },
        undefined,
        undefined,
        schemas,
      ),
    ).toEqual(['/address/city: wrote "Oslo", read "Bergen"'])
  })
})

describe('ids as APIs name them', () => {
  it('finds a created resource by its parameter in another spelling, not by its owner’s id', () => {
    const twilio = { account_sid: 'AC1', brand_sid: 'BN1', brand_vetting_sid: 'VT1', sid: 'VT1' }
    expect(extractId(exchange(twilio), 'BrandVettingSid')).toBe('VT1')
    expect(extractId(exchange({ account_sid: 'AC1', sid: 'MG1' }), 'Sid')).toBe('MG1')
    expect(extractId(exchange({ paid: 'yes', account_sid: 'AC1', sid: 'MG1' }), 'thingId')).toBe(
      'MG1',
    )
  })

  it('reads the first resource of a batch envelope (Xero’s)', () => {
    const xero = {
      Id: 'request-1',
      Status: 'OK',
      Contacts: [{ ContactID: 'c-1', ContactNumber: 'N1' }, { ContactID: 'c-2' }],
    }
    expect(extractId(exchange(xero), 'ContactID')).toBe('c-1')
    expect(extractId(exchange(xero), 'ContactNumber')).toBe('N1')
  })

  it('identifies listed items by `sid`, `…ID` fields, and the field the item path names', () => {
    expect(itemId({ sid: 'MG1', account_sid: 'AC1' })).toBe('MG1')
    expect(itemHasId({ account_sid: 'AC1', sid: 'MG1' }, 'MG1')).toBe(true)
    expect(itemHasId({ Name: 'GST', TaxType: 'TAX002' }, 'TAX002')).toBe(false)
    expect(itemHasId({ Name: 'GST', TaxType: 'TAX002' }, 'TAX002', 'TaxType')).toBe(true)
  })

  it('tells items apart by an id field that differs within each page (Xero’s InvoiceID, not BrandingThemeID)', () => {
    const page = (...ids: string[]) => ids.map((id) => ({ BrandingThemeID: 'b-1', InvoiceID: id }))
    const identity = itemIdentity(page('i-1', 'i-2'), page('i-3', 'i-4'), page('i-1', 'i-2', 'i-3'))
    expect(page('i-1', 'i-3').map(identity)).toEqual(['i-1', 'i-3'])
    // A page that repeats an item still repeats it.
    const repeated = itemIdentity(page('i-1', 'i-2'), page('i-1', 'i-2'))
    expect(page('i-1').map(repeated)).toEqual(['i-1'])
  })
})

describe('routes and creates', () => {
  it('knows a literal path another template also takes', () => {
    expect(mayRouteTo('/transfers/cancel', '/transfers/{id}')).toBe(true)
    expect(mayRouteTo('/transfers/{id}', '/transfers/cancel')).toBe(false)
    expect(mayRouteTo('/transfers/{id}', '/transfers/{transferId}')).toBe(true)
    expect(mayRouteTo('/transfers/cancel', '/grants/{id}')).toBe(false)
    expect(mayRouteTo('/a/b', '/a/{x}/c')).toBe(false)
  })

  it('creates with the operation named so, PUT included, never with one named a deletion', () => {
    const op = (method: string, operationId: string, path = '/Contacts') =>
      ({ method, operationId, path, id: operationId }) as unknown as NormalizedOperation
    const xero = [op('POST', 'updateOrCreateContacts'), op('PUT', 'createContacts')]
    expect(collectionCreate(xero, '/Contacts')?.operationId).toBe('createContacts')
    const payments = [op('POST', 'deleteBatchPayment', '/B'), op('PUT', 'createBatchPayment', '/B')]
    expect(collectionCreate(payments, '/B')?.operationId).toBe('createBatchPayment')
    expect(collectionCreate([op('POST', 'deleteThing', '/T')], '/T')).toBeUndefined()
    expect(
      collectionCreate([op('POST', 'PostCharges', '/v1/charges')], '/v1/charges')?.method,
    ).toBe('POST')
  })
})

describe('form bodies per their encoding object', () => {
  it('repeats an array by default (style form, explode), brackets deepObject, joins the delimited', () => {
    const body = { tags: ['a', 'b'], metadata: { k: 'v' }, expand: ['x'], ids: [1, 2], name: 'n' }
    const text = formEncode(body, {
      expand: { style: 'deepObject', explode: true },
      ids: { style: 'pipeDelimited', explode: false },
    })
    expect(decodeURIComponent(text)).toBe('tags=a&tags=b&metadata[k]=v&expand[0]=x&ids=1|2&name=n')
    expect(decodeURIComponent(formEncode({ tags: ['a', 'b'] }, { tags: { explode: false } }))).toBe(
      'tags=a,b',
    )
  })
})

describe('written versus read back, as APIs echo them', () => {
  const spec = {
    schemas: {
      Charge: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          amount: { type: 'integer' },
          application_fee: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          created: { type: 'integer', readOnly: true },
          status: { type: 'string', enum: ['open', 'paid'] },
        },
      },
    },
  } as unknown as NormalizedSpec
  const schemas = new SpecSchemas(spec)
  const read = schemas.resolve({ $ref: '#/components/schemas/Charge' }) as Record<string, unknown>

  it('does not compare a value the read schema cannot hold, a readOnly field, or an empty form value', () => {
    expect(
      writtenVersusRead(
        { amount: 5, application_fee: 929, created: 1, status: '' },
        { amount: 5, application_fee: 'fee_1', created: 2, status: 'open' },
        read,
        undefined,
        schemas,
        '',
        true,
      ),
    ).toEqual([])
    // The same amount changed is still a lost write.
    expect(writtenVersusRead({ amount: 5 }, { amount: 6 }, read, undefined, schemas)).toEqual([
      '/amount: wrote 5, read 6',
    ])
  })

  it('compares the resource inside a batch envelope, not the envelope’s own fields', () => {
    const written = { Status: 'DELETED', Contacts: [{ ContactID: 'c-9', Name: 'Ada' }] }
    const answer = { Id: 'r-1', Status: 'OK', Contacts: [{ ContactID: 'c-1', Name: 'Ada' }] }
    const entries = batchEntries(written, answer, undefined, undefined, schemas, 'c-1', 'ContactID')
    expect(entries?.read).toEqual({ ContactID: 'c-1', Name: 'Ada' })
    expect(
      writtenVersusRead(
        entries!.written,
        entries!.read,
        undefined,
        undefined,
        schemas,
        '',
        false,
        'ContactID',
      ),
    ).toEqual([])
    // A resource read back as itself is not an envelope.
    expect(
      batchEntries(
        { name: 'x' },
        { id: 'c-1', items: [{ id: 'i' }] },
        undefined,
        undefined,
        schemas,
        'c-1',
        'id',
      ),
    ).toBeUndefined()
  })
})
