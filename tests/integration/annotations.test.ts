/**
 * Blueprint annotations: added, edited and deleted through the operation page's action
 * (audited with before and after), refused for viewers and outsiders, checked against
 * the spec's latest version, flagged (never lost) when a new version removes their
 * field, printed in the blueprint, shown on failing cases, and rendered inert whatever
 * their Markdown holds.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { loader as blueprintLoader } from '~/routes/projects.$projectId.specs.$specId.v.$versionId.blueprint'
import { loader as versionLoader } from '~/routes/projects.$projectId.specs.$specId.v.$versionId'
import {
  action as operationAction,
  loader as operationLoader,
} from '~/routes/projects.$projectId.specs.$specId.v.$versionId_.operations.$operationId'
import { loader as caseLoader } from '~/routes/projects.$projectId.tests.runs.$runId_.cases.$seq'
import { createAnnotation } from '~/server/annotations/annotations.server'
import type { Actor } from '~/server/audit/log.server'
import { db } from '~/server/db.server'
import { importSpecVersion } from '~/server/workflows/import-spec.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createOrg,
  createProject,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'

/** A small payments API; `variant` 2 drops amount.currency and GET /payments/{id}. */
function paySpec(version: number, variant: 1 | 2 = 1) {
  return `openapi: 3.0.3
info: {title: Pay, version: "${version}"}
paths:
  /payments:
    post:
      operationId: createPayment
      parameters:
        - {name: Idempotency-Key, in: header, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                amount:
                  type: object
                  properties:
                    value: {type: integer}
${variant === 1 ? '                    currency: {type: string}\n' : ''}                reference: {type: string}
      responses:
        "201": {description: created}
        "400":
          description: bad
          content:
            application/json:
              schema:
                type: object
                properties:
                  error: {type: object, properties: {message: {type: string}}}
${
  variant === 1
    ? `  /payments/{id}:
    get:
      operationId: getPayment
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`
    : ''
}`
}

let projectId: string
let specId: string
let v1: { id: string; number: number }
let actor: Actor
const cookies = { vendor: '', viewer: '', outsider: '' }

beforeAll(async () => {
  const org = await createOrg('Pay Co')
  projectId = (await createProject(org.id, 'Payments')).id
  const vendor = await createMember(org.id, 'VENDOR')
  cookies.vendor = await cookieFor(vendor.user.id)
  cookies.viewer = await cookieFor((await createMember(org.id, 'VIEWER')).user.id)
  const other = await createOrg('Other Co')
  cookies.outsider = await cookieFor((await createMember(other.id, 'OWNER')).user.id)
  actor = { userId: vendor.user.id, organizationId: org.id, projectId, via: 'page' }
  const imported = await importSpecVersion(
    { raw: new TextEncoder().encode(paySpec(1)), sourceKind: 'paste', name: 'Pay' },
    actor,
  )
  specId = imported.spec.id
  v1 = imported.version
})

const operationPath = (operationId: string, versionId = v1.id) =>
  `/projects/${projectId}/specs/${specId}/v/${versionId}/operations/${encodeURIComponent(operationId)}`
const operationParams = (operationId: string, versionId = v1.id) => ({
  projectId,
  specId,
  versionId,
  operationId,
})

function post(
  operationId: string,
  fields: Record<string, string>,
  cookie = cookies.vendor,
  versionId = v1.id,
) {
  return settle(() =>
    operationAction(
      routeArgs(
        formRequest(operationPath(operationId, versionId), fields, cookie),
        operationParams(operationId, versionId),
      ),
    ),
  )
}

type Failure = {
  ok: false
  intent: string
  annotationId: string | null
  result: { error?: Record<string, string[] | null> }
}

async function openOperation(operationId: string, cookie = cookies.vendor, versionId = v1.id) {
  const result = await settle(() =>
    operationLoader(
      routeArgs(
        getRequest(operationPath(operationId, versionId), cookie),
        operationParams(operationId, versionId),
      ),
    ),
  )
  expect(result.status).toBe(200)
  return (
    result.data as {
      notes: {
        canWrite: boolean
        paths: { path: string }[]
        operationInLatest: boolean
        annotations: {
          id: string
          type: string
          fieldPath: string
          body: string
          html: string
          orphaned: boolean
        }[]
      }
    }
  ).notes
}

const auditFor = (id: string) =>
  db.auditLog.findMany({
    where: { targetType: 'annotation', targetId: id },
    orderBy: { createdAt: 'asc' },
  })

describe('the operation page', () => {
  it('adds, edits and deletes a note, each audited with before and after', async () => {
    const form = await openOperation('createPayment')
    expect(form.canWrite).toBe(true)
    expect(form.paths.map((entry) => entry.path)).toEqual(
      expect.arrayContaining([
        'header.Idempotency-Key',
        'body',
        'body/amount/currency',
        'response.400/error/message',
      ]),
    )

    const added = await post('createPayment', {
      intent: 'add-annotation',
      type: 'field_note',
      fieldPath: 'body/amount/currency',
      body: 'ISO 4217, **upper case**.\r\nSee [the list](https://www.iso.org/iso-4217-currency-codes.html).',
    })
    expect(added.status).toBe(302)
    expect(added.response!.headers.get('Location')).toBe(`${operationPath('createPayment')}#notes`)
    const row = await db.annotation.findFirstOrThrow({
      where: { specId, fieldPath: 'body/amount/currency' },
    })
    expect(row).toMatchObject({ type: 'field_note', operationId: 'createPayment', projectId })
    // Line endings normalised; Markdown stored as written.
    expect(row.body).toBe(
      'ISO 4217, **upper case**.\nSee [the list](https://www.iso.org/iso-4217-currency-codes.html).',
    )

    const shown = await openOperation('createPayment', cookies.viewer)
    expect(shown.canWrite).toBe(false)
    expect(shown.paths).toEqual([])
    expect(shown.annotations[0]!.html).toContain('<strong>upper case</strong>')

    const edited = await post('createPayment', {
      intent: 'update-annotation',
      annotationId: row.id,
      type: 'condition_note',
      fieldPath: 'body/amount',
      body: 'Required when `reference` is set.',
    })
    expect(edited.status).toBe(302)
    const deleted = await post('createPayment', {
      intent: 'delete-annotation',
      annotationId: row.id,
    })
    expect(deleted.status).toBe(302)
    expect(await db.annotation.count({ where: { id: row.id } })).toBe(0)

    const entries = await auditFor(row.id)
    expect(entries.map((entry) => entry.action)).toEqual([
      'annotation.created',
      'annotation.updated',
      'annotation.deleted',
    ])
    const [created, updated, removed] = entries.map(
      (entry) => JSON.parse(entry.metadata) as Record<string, unknown>,
    )
    expect(created).toMatchObject({
      operationId: 'createPayment',
      before: null,
      after: { type: 'field_note', fieldPath: 'body/amount/currency' },
      via: 'page',
    })
    expect(updated).toMatchObject({
      before: { type: 'field_note', fieldPath: 'body/amount/currency', body: row.body },
      after: {
        type: 'condition_note',
        fieldPath: 'body/amount',
        body: 'Required when `reference` is set.',
      },
    })
    expect(removed).toMatchObject({
      before: { type: 'condition_note', fieldPath: 'body/amount' },
      after: null,
    })
    expect(entries.every((entry) => entry.projectId === projectId && entry.actorUserId)).toBe(true)
  })

  it('refuses viewers (403) and hides the project from outsiders (404)', async () => {
    const fields = { intent: 'add-annotation', type: 'auth_note', body: 'x' }
    expect((await post('createPayment', fields, cookies.viewer)).status).toBe(403)
    expect((await post('createPayment', fields, cookies.outsider)).status).toBe(404)
    const anonymous = await post('createPayment', fields, '')
    expect([302, 401, 403]).toContain(anonymous.status)
    const outsiderPage = await settle(() =>
      operationLoader(
        routeArgs(
          getRequest(operationPath('createPayment'), cookies.outsider),
          operationParams('createPayment'),
        ),
      ),
    )
    expect(outsiderPage.status).toBe(404)
    expect(await db.annotation.count({ where: { specId, body: 'x' } })).toBe(0)
  })

  it('refuses bad types, unknown paths and empty or oversized notes with clear messages', async () => {
    const base = { intent: 'add-annotation', type: 'field_note', fieldPath: '', body: 'ok' }
    const cases: [Record<string, string>, number, string, RegExp][] = [
      [{ ...base, type: 'bogus' }, 400, 'type', /Choose a note type/],
      [{ ...base, type: '' }, 400, 'type', /Choose a note type/],
      [{ ...base, fieldPath: 'body/nope' }, 400, 'fieldPath', /has no field "body\/nope" in v1/],
      [{ ...base, fieldPath: 'request.body/amount' }, 400, 'fieldPath', /has no field/],
      [{ ...base, fieldPath: 'body/amount\u0000' }, 400, 'fieldPath', /has no field/],
      [{ ...base, fieldPath: 'x'.repeat(1001) }, 400, 'fieldPath', /under 1000 characters/],
      [{ ...base, body: '' }, 400, 'body', /Write the note/],
      [{ ...base, body: ' \r\n\t ' }, 400, 'body', /Write the note/],
      [
        { ...base, body: 'a'.repeat(20_001) },
        400,
        'body',
        /Keep a note to 20,000 characters \(this one has 20,001\)/,
      ],
    ]
    for (const [fields, status, field, message] of cases) {
      const result = await post('createPayment', fields)
      expect(result.status, JSON.stringify(fields).slice(0, 80)).toBe(status)
      const failure = result.data as Failure
      expect(failure.ok).toBe(false)
      expect(failure.result.error?.[field]?.[0]).toMatch(message)
    }
    // Exactly the limit, with CRLF line breaks counted as one character each, is fine.
    const longest = `${'a'.repeat(9_999)}\r\n${'b'.repeat(10_000)}`
    expect((await post('createPayment', { ...base, body: longest })).status).toBe(302)

    // A form far over the limit is refused before it is parsed.
    const huge = await post('createPayment', { ...base, body: 'é'.repeat(200_000) })
    expect(huge.status).toBe(413)
    expect((huge.data as Failure).result.error?.['']?.[0]).toMatch(/too large/)

    // No intent, or one this page does not know.
    for (const intent of ['', 'rename', 'add-annotation\u0000']) {
      const result = await post('createPayment', { ...base, intent })
      expect(result.status).toBe(400)
      expect((result.data as Failure).result.error?.['']?.[0]).toMatch(/Unknown action/)
    }
    // Another operation id in the URL than the spec has.
    const ghost = await post('nope', base)
    expect(ghost.status).toBe(400)
    expect((ghost.data as Failure).result.error?.['']?.[0]).toMatch(/has no operation "nope"/)
    // A note of another project cannot be edited or deleted from here.
    const otherOrg = await createOrg('Third Co')
    const otherProject = await createProject(otherOrg.id)
    const foreignActor: Actor = {
      ...actor,
      organizationId: otherOrg.id,
      projectId: otherProject.id,
    }
    const other = await importSpecVersion(
      { raw: new TextEncoder().encode(paySpec(1)), sourceKind: 'paste', name: 'Pay' },
      foreignActor,
    )
    const foreign = await createAnnotation(foreignActor, other.spec.id, 'createPayment', {
      type: 'auth_note',
      fieldPath: '',
      body: 'Theirs.',
    })
    for (const fields of [
      { intent: 'delete-annotation', annotationId: foreign.id },
      { ...base, intent: 'update-annotation', annotationId: foreign.id },
      { intent: 'delete-annotation', annotationId: '' },
    ]) {
      const result = await post('createPayment', fields)
      expect([400, 404]).toContain(result.status)
    }
    expect(await db.annotation.count({ where: { id: foreign.id } })).toBe(1)
  })

  it('renders hostile Markdown inert wherever the note is shown', async () => {
    const hostile =
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n\n[click](javascript:alert(1)) and <a href="javascript:alert(2)">raw</a>'
    expect(
      (
        await post('createPayment', {
          intent: 'add-annotation',
          type: 'error_note',
          fieldPath: 'response.400/error/message',
          body: hostile,
        })
      ).status,
    ).toBe(302)
    const note = (await openOperation('createPayment', cookies.viewer)).annotations.find(
      (entry) => entry.fieldPath === 'response.400/error/message',
    )!
    expect(note.body).toBe(hostile)
    expect(note.html).not.toMatch(/<script|<img|<a href="javascript|href="javascript/i)
    expect(note.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(note.html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;')
    expect(note.html).not.toMatch(/<[a-z]+[^>]*\son\w+=/i)
  })
})

describe('spec versions', () => {
  it('flags notes whose operation or field a new version removes, and clears them when it returns', async () => {
    const currency = await createAnnotation(actor, specId, 'createPayment', {
      type: 'field_note',
      fieldPath: 'body/amount/currency',
      body: 'Currency, upper case.',
    })
    const lookup = await createAnnotation(actor, specId, 'getPayment', {
      type: 'auth_note',
      fieldPath: '',
      body: 'Needs the `payments:read` scope.',
    })
    const reference = await createAnnotation(actor, specId, 'createPayment', {
      type: 'field_note',
      fieldPath: 'body/reference',
      body: 'Your own id, up to 64 characters.',
    })

    const v2 = await importSpecVersion(
      { raw: new TextEncoder().encode(paySpec(2, 2)), sourceKind: 'paste', name: 'Pay' },
      actor,
    )
    expect(v2.version.number).toBe(2)
    const flagged = async (id: string) => db.annotation.findUniqueOrThrow({ where: { id } })
    expect(await flagged(currency.id)).toMatchObject({ orphanedVersion: 2 })
    expect((await flagged(currency.id)).orphanedAt).not.toBeNull()
    expect(await flagged(lookup.id)).toMatchObject({ orphanedVersion: 2 })
    expect(await flagged(reference.id)).toMatchObject({ orphanedAt: null, orphanedVersion: null })
    const imported = await db.auditLog.findFirstOrThrow({
      where: { action: 'spec.imported', targetId: v2.version.id },
    })
    expect(JSON.parse(imported.metadata)).toMatchObject({
      annotations: { orphaned: 2, restored: 0 },
    })

    // The version page lists them under "Notes on removed fields", with where to read them.
    const page = await settle(() =>
      versionLoader(
        routeArgs(
          getRequest(`/projects/${projectId}/specs/${specId}/v/${v2.version.id}`, cookies.viewer),
          { projectId, specId, versionId: v2.version.id },
        ),
      ),
    )
    const data = page.data as {
      orphanedNotes: { id: string; lastVersion: { id: string; number: number } | null }[]
      operations: { id: string; notes: number }[]
    }
    expect(data.orphanedNotes.map((note) => note.id).sort()).toEqual(
      [currency.id, lookup.id].sort(),
    )
    expect(data.orphanedNotes[0]!.lastVersion).toEqual({ id: v1.id, number: 1 })
    expect(data.operations.find((row) => row.id === 'createPayment')!.notes).toBeGreaterThan(1)

    // The old version's page still shows the note on its operation, flagged; no new ones there.
    const old = await openOperation('getPayment', cookies.vendor, v1.id)
    expect(old.annotations).toEqual([expect.objectContaining({ id: lookup.id, orphaned: true })])
    expect(old.operationInLatest).toBe(false)
    const refused = await post('getPayment', {
      intent: 'add-annotation',
      type: 'auth_note',
      body: 'More.',
    })
    expect(refused.status).toBe(400)
    expect((refused.data as Failure).result.error?.['']?.[0]).toMatch(
      /latest version \(v2\) of this spec has no operation "getPayment"/,
    )
    // Its text can still be edited (the flag stays); moving it to a missing field cannot.
    expect(
      (
        await post('createPayment', {
          intent: 'update-annotation',
          annotationId: currency.id,
          type: 'field_note',
          fieldPath: 'body/amount/currency',
          body: 'Currency, upper case (removed in v2).',
        })
      ).status,
    ).toBe(302)
    expect(await flagged(currency.id)).toMatchObject({ orphanedVersion: 2 })
    const moved = await post('createPayment', {
      intent: 'update-annotation',
      annotationId: currency.id,
      type: 'field_note',
      fieldPath: 'body/amount/currency/code',
      body: 'x',
    })
    expect((moved.data as Failure).result.error?.fieldPath?.[0]).toMatch(/in v2/)

    // Deleting from the version page's panel posts to the operation page and comes back.
    const back = `/projects/${projectId}/specs/${specId}/v/${v2.version.id}#removed-notes`
    const removed = await post(
      'getPayment',
      { intent: 'delete-annotation', annotationId: lookup.id, redirectTo: back },
      cookies.vendor,
      v1.id,
    )
    expect(removed.status).toBe(302)
    expect(removed.response!.headers.get('Location')).toBe(back)
    // ...but never to another site or project.
    const elsewhere = await post('createPayment', {
      intent: 'add-annotation',
      type: 'auth_note',
      body: 'Bearer token.',
      redirectTo: 'https://evil.example/',
    })
    expect(elsewhere.response!.headers.get('Location')).toBe(
      `${operationPath('createPayment')}#notes`,
    )

    // v3 brings the currency back: its note is current again.
    await importSpecVersion(
      { raw: new TextEncoder().encode(paySpec(3, 1)), sourceKind: 'paste', name: 'Pay' },
      actor,
    )
    expect(await flagged(currency.id)).toMatchObject({ orphanedAt: null, orphanedVersion: null })
  })

  it('prints each operation’s notes in the blueprint, Markdown as written', async () => {
    await createAnnotation(actor, specId, 'createPayment', {
      type: 'auth_note',
      fieldPath: '',
      body: '# Scopes\n\nSend `payments:write`.\n\n- one\n- two',
    })
    const response = (
      await settle(() =>
        blueprintLoader(
          routeArgs(
            getRequest(
              `/projects/${projectId}/specs/${specId}/v/${v1.id}/blueprint`,
              cookies.viewer,
            ),
            { projectId, specId, versionId: v1.id },
          ),
        ),
      )
    ).response!
    const text = await response.text()
    const section = text.slice(text.indexOf('### POST /payments'), text.indexOf('### GET'))
    expect(section).toContain('Notes from the API team:')
    expect(section).toContain('- **Authentication** on the whole operation:')
    expect(section).toContain('  > # Scopes\n  >\n  > Send `payments:write`.\n  >\n  > - one')
    expect(section).toContain('- **Field** on `body/amount/currency`:')
    expect(section).toContain('> Currency, upper case (removed in v2).')
    expect(section).toContain('- **Errors** on `response.400/error/message`:')
    expect(section).toContain('> <script>alert(1)</script>')
  })
})

describe('failing cases', () => {
  it('shows the operation’s notes on a failed case, not on a passed one', async () => {
    const environment = await db.environment.create({
      data: { projectId, kind: 'sandbox', name: 'Sandbox', baseUrl: 'https://sandbox.pay.test' },
    })
    const run = await db.run.create({
      data: {
        projectId,
        specVersionId: v1.id,
        environmentId: environment.id,
        status: 'failed',
        caseTotal: 2,
        finishedAt: new Date(),
        cases: {
          create: [
            {
              seq: 1,
              key: 'contract.request:createPayment',
              templateId: 'contract.request',
              category: 'contract',
              operationId: 'createPayment',
              title: 'createPayment accepts a valid request',
              verdict: 'failed',
            },
            {
              seq: 2,
              key: 'contract.response:createPayment',
              templateId: 'contract.response',
              category: 'contract',
              operationId: 'createPayment',
              title: 'createPayment answers as documented',
              verdict: 'passed',
            },
          ],
        },
      },
    })
    const open = async (seq: number) => {
      const result = await settle(() =>
        caseLoader(
          routeArgs(
            new Request(`${BASE_URL}/projects/${projectId}/tests/runs/${run.id}/cases/${seq}`, {
              headers: { Cookie: cookies.viewer },
            }),
            { projectId, runId: run.id, seq: String(seq) },
          ),
        ),
      )
      expect(result.status).toBe(200)
      return (result.data as { notes: { fieldPath: string; html: string }[] }).notes
    }
    const notes = await open(1)
    expect(notes.map((note) => note.fieldPath)).toEqual(
      expect.arrayContaining(['', 'body/amount/currency', 'response.400/error/message']),
    )
    expect(notes.every((note) => !/<script|<img/i.test(note.html))).toBe(true)
    expect(await open(2)).toEqual([])
  })
})
