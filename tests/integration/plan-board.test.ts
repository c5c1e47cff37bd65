/**
 * The plan board: default items generated once, items that close themselves on evidence
 * (secret, traces, runs) and reopen when it regresses, the board's forms (with hostile
 * input), evidence files (sniffed, limited, downloaded as attachments), and linking a
 * failing case from its page.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  action as boardAction,
  loader as boardLoader,
} from '~/routes/projects.$projectId.plan.$partnerId'
import { loader as fileLoader } from '~/routes/projects.$projectId.plan.$partnerId.files.$fileId'
import {
  action as planHomeAction,
  loader as planHomeLoader,
} from '~/routes/projects.$projectId.plan._index'
import { action as caseAction } from '~/routes/projects.$projectId.tests.runs.$runId_.cases.$seq'
import { db } from '~/server/db.server'
import { readLinkedKeys } from '~/server/plans/board.server'
import { ensurePlan, evaluatePlan } from '~/server/plans/evaluate.server'
import { DEFAULT_ITEMS } from '~/server/plans/defaults.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import { order, postTraces, shopProject } from '../support/traces'

let shop: Awaited<ReturnType<typeof shopProject>>
let vendorCookie: string
let viewerCookie: string

beforeAll(async () => {
  shop = await shopProject()
  vendorCookie = await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id)
  viewerCookie = await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id)
})

const boardPath = () => `/projects/${shop.project.id}/plan/${shop.partner.id}`
const params = () => ({ projectId: shop.project.id, partnerId: shop.partner.id })
const itemByKey = (key: string) =>
  db.planItem.findFirstOrThrow({ where: { partnerProjectId: shop.partner.id, key } })

function post(fields: Record<string, string>, cookie = vendorCookie) {
  return settle(() => boardAction(routeArgs(formRequest(boardPath(), fields, cookie), params())))
}

function upload(
  name: string,
  bytes: Uint8Array | string,
  fields: Record<string, string>,
  cookie = vendorCookie,
) {
  const form = new FormData()
  for (const [key, value] of Object.entries(fields)) form.set(key, value)
  form.set('file', new File([typeof bytes === 'string' ? bytes : Buffer.from(bytes)], name))
  const request = new Request(`${BASE_URL}${boardPath()}`, {
    method: 'POST',
    headers: { Cookie: cookie },
    body: form,
  })
  return settle(() => boardAction(routeArgs(request, params())))
}

async function sandboxRun(verdicts: string[]) {
  const environment =
    (await db.environment.findFirst({ where: { projectId: shop.project.id, kind: 'sandbox' } })) ??
    (await db.environment.create({
      data: {
        projectId: shop.project.id,
        kind: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'https://sbx.shop.test/v1',
      },
    }))
  return db.run.create({
    data: {
      projectId: shop.project.id,
      specVersionId: shop.specVersionId,
      environmentId: environment.id,
      partnerProjectId: shop.partner.id,
      environmentLabel: 'Sandbox (sandbox)',
      status: verdicts.includes('failed') ? 'failed' : 'passed',
      finishedAt: new Date(),
      cases: {
        create: verdicts.map((verdict, index) => ({
          seq: index + 1,
          key: `authentication.missing:op${index}`,
          templateId: 'authentication.missing',
          category: 'authentication',
          title: `Refuses op${index} without credentials`,
          level: 'required',
          verdict,
        })),
      },
    },
  })
}

describe('the default plan', () => {
  it('is generated once, five phases, rules attached', async () => {
    expect(await ensurePlan(shop.partner.id)).toBe(true)
    expect(await ensurePlan(shop.partner.id)).toBe(false)
    const items = await db.planItem.findMany({ where: { partnerProjectId: shop.partner.id } })
    expect(items).toHaveLength(DEFAULT_ITEMS.length)
    expect(new Set(items.map((item) => item.phase))).toEqual(
      new Set(['discovery', 'build', 'sandbox', 'uat', 'golive']),
    )
  })

  it('a partner added on the Plan tab gets its plan; a taken short name is refused with the reason', async () => {
    const created = await settle(() =>
      planHomeAction(
        routeArgs(
          formRequest(`/projects/${shop.project.id}/plan`, { name: 'Umbrella Corp' }, vendorCookie),
          {
            projectId: shop.project.id,
          },
        ),
      ),
    )
    expect(created.status).toBe(302)
    const umbrella = await db.partnerProject.findFirstOrThrow({
      where: { projectId: shop.project.id, slug: 'umbrella-corp' },
    })
    expect(await db.planItem.count({ where: { partnerProjectId: umbrella.id } })).toBe(
      DEFAULT_ITEMS.length,
    )
    const again = await settle(() =>
      planHomeAction(
        routeArgs(
          formRequest(`/projects/${shop.project.id}/plan`, { name: 'Umbrella Corp' }, vendorCookie),
          {
            projectId: shop.project.id,
          },
        ),
      ),
    )
    expect(again.status).toBe(409)
    const list = await settle(() =>
      planHomeLoader(
        routeArgs(getRequest(`/projects/${shop.project.id}/plan`, viewerCookie), {
          projectId: shop.project.id,
        }),
      ),
    )
    expect(JSON.stringify(list.data)).toContain('Umbrella Corp')
  })
})

describe('items that close themselves', () => {
  it('close on evidence and say why', async () => {
    // The trace secret exists (shopProject sets one): its item closes on the next judgement.
    await evaluatePlan(shop.partner.id)
    expect(await itemByKey('discovery.trace-secret')).toMatchObject({
      status: 'done',
      ruleMet: true,
    })
    expect(await itemByKey('build.first-trace')).toMatchObject({
      status: 'open',
      ruleReason: 'No trace received yet.',
    })

    const sent = await postTraces(shop.partner.slug, JSON.stringify({ traces: [order()] }))
    expect(sent.status).toBe(201)
    await evaluatePlan(shop.partner.id)
    const first = await itemByKey('build.first-trace')
    expect(first).toMatchObject({ status: 'done', ruleMet: true })
    expect(first.ruleReason).toMatch(/^Closed by evidence: 1 verified, valid trace/)
    expect((await itemByKey('sandbox.traces')).ruleReason).toMatch(
      /1 of 3 Required operations .* missing: GET \/orders, GET \/orders\/\{orderId\}/,
    )
  })

  it('reopen when a later run regresses, and a person’s move stands until the evidence changes', async () => {
    await sandboxRun(['passed', 'passed'])
    await evaluatePlan(shop.partner.id)
    expect(await itemByKey('sandbox.authentication')).toMatchObject({
      status: 'done',
      ruleMet: true,
    })

    await sandboxRun(['passed', 'failed'])
    await evaluatePlan(shop.partner.id)
    const reopened = await itemByKey('sandbox.authentication')
    expect(reopened.status).toBe('open')
    expect(reopened.ruleReason).toMatch(
      /^Reopened: The Sandbox run of .* failed 1 of 2 Required Authentication cases/,
    )

    // The vendor accepts it anyway: evaluation leaves the person's move alone while nothing changes.
    expect((await post({ intent: 'move-item', itemId: reopened.id, status: 'done' })).status).toBe(
      302,
    )
    await evaluatePlan(shop.partner.id)
    expect((await itemByKey('sandbox.authentication')).status).toBe('done')
  })

  it('the board loader shows phases, progress and rule reasons to a viewer', async () => {
    const result = await settle(() =>
      boardLoader(routeArgs(getRequest(boardPath(), viewerCookie), params())),
    )
    expect(result.status).toBe(200)
    const data = result.data as {
      board: { phases: { phase: string; items: { title: string }[] }[] }
      canWrite: boolean
    }
    expect(data.canWrite).toBe(false)
    expect(data.board.phases.map((phase) => phase.phase)).toEqual([
      'discovery',
      'build',
      'sandbox',
      'uat',
      'golive',
    ])
  })
})

describe('the board’s forms', () => {
  it('adds, edits, moves, annotates and deletes items', async () => {
    expect(
      (
        await post({
          intent: 'add-item',
          phase: 'uat',
          title: 'Load test at 50 rps',
          ownerName: 'Dana',
          dueDate: '2026-12-24',
          required: 'on',
        })
      ).status,
    ).toBe(302)
    const item = await db.planItem.findFirstOrThrow({
      where: { partnerProjectId: shop.partner.id, title: 'Load test at 50 rps' },
    })
    expect(item).toMatchObject({ phase: 'uat', ownerName: 'Dana', required: true, status: 'open' })
    expect(item.dueDate?.toISOString()).toBe('2026-12-24T00:00:00.000Z')
    expect(
      (
        await post({
          intent: 'update-item',
          itemId: item.id,
          title: 'Load test at 100 rps',
          ownerName: '',
          dueDate: '',
        })
      ).status,
    ).toBe(302)
    expect(await db.planItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      title: 'Load test at 100 rps',
      required: false,
      dueDate: null,
    })
    expect((await post({ intent: 'move-item', itemId: item.id, status: 'blocked' })).status).toBe(
      302,
    )
    expect(
      (
        await post({
          intent: 'add-note',
          itemId: item.id,
          body: '<script>alert(1)</script> waiting on their ops',
          internal: 'on',
        })
      ).status,
    ).toBe(302)
    const note = await db.planNote.findFirstOrThrow({ where: { planItemId: item.id } })
    expect(note).toMatchObject({
      internal: true,
      body: '<script>alert(1)</script> waiting on their ops',
    })
    expect((await post({ intent: 'delete-item', itemId: item.id })).status).toBe(302)
    expect(await db.planItem.findUnique({ where: { id: item.id } })).toBeNull()
  })

  it('answers bad input with a clear message and changes nothing', async () => {
    const item = await itemByKey('uat.signoff')
    const cases: [Record<string, string>, RegExp][] = [
      [{ intent: 'add-item', phase: 'uat', title: '' }, /title/],
      [{ intent: 'add-item', phase: 'prod', title: 'x' }, /phase/],
      [{ intent: 'add-item', phase: 'uat', title: 'x'.repeat(201) }, /200 characters/],
      [{ intent: 'add-item', phase: 'uat', title: 'x', dueDate: '24/12/2026' }, /YYYY-MM-DD/],
      [{ intent: 'move-item', itemId: item.id, status: 'finished' }, /status/],
      [{ intent: 'move-item', itemId: 'no-such-item', status: 'done' }, /does not exist/],
      [{ intent: 'add-note', itemId: item.id, body: 'x'.repeat(5001) }, /5,000/],
      [{ intent: 'explode' }, /Unknown action/],
    ]
    for (const [fields, message] of cases) {
      const result = await post(fields)
      expect(result.status, JSON.stringify(fields).slice(0, 80)).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(result.data)).toMatch(message)
    }
    expect(await db.planItem.findUniqueOrThrow({ where: { id: item.id } })).toMatchObject({
      status: item.status,
    })
  })

  it('refuses writes to a viewer and to another project’s members', async () => {
    const item = await itemByKey('uat.signoff')
    expect(
      (await post({ intent: 'move-item', itemId: item.id, status: 'done' }, viewerCookie)).status,
    ).toBe(403)
    const other = await shopProject()
    const outsider = await cookieFor((await createMember(other.org.id, 'OWNER')).user.id)
    expect(
      (await post({ intent: 'move-item', itemId: item.id, status: 'done' }, outsider)).status,
    ).toBe(404)
  })
})

describe('evidence files', () => {
  it('stores a sniffed file on an item, served back only as an attachment', async () => {
    const item = await itemByKey('uat.signoff')
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(100, 1),
    ])
    const result = await upload('../../etc/sign|off*.png', png, {
      intent: 'upload-file',
      phase: 'uat',
      itemId: item.id,
    })
    expect(result.status).toBe(302)
    const file = await db.evidenceFile.findFirstOrThrow({ where: { planItemId: item.id } })
    expect(file).toMatchObject({
      mediaType: 'image/png',
      size: 108,
      name: 'signoff.png',
      uploaderKind: 'vendor',
    })
    const download = await settle(() =>
      fileLoader(
        routeArgs(getRequest(`${boardPath()}/files/${file.id}`, viewerCookie), {
          ...params(),
          fileId: file.id,
        }),
      ),
    )
    expect(download.status).toBe(200)
    expect(download.response!.headers.get('content-disposition')).toMatch(
      /^attachment; filename="signoff.png"/,
    )
    expect(download.response!.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await download.response!.arrayBuffer()).equals(png)).toBe(true)
    const other = await shopProject()
    const outsider = await cookieFor((await createMember(other.org.id, 'OWNER')).user.id)
    const foreign = await settle(() =>
      fileLoader(
        routeArgs(getRequest(`${boardPath()}/files/${file.id}`, outsider), {
          ...params(),
          fileId: file.id,
        }),
      ),
    )
    expect(foreign.status).toBe(404)
  })

  it('refuses HTML, SVG, binaries, empty and oversized files with the reason', async () => {
    const cases: [string, Uint8Array | string, RegExp, number][] = [
      ['page.html', '<!DOCTYPE html><script>alert(1)</script>', /HTML, SVG and XML/, 415],
      ['logo.svg', '<svg onload="alert(1)"></svg>', /HTML, SVG and XML/, 415],
      ['tool.exe', new Uint8Array([0x4d, 0x5a, 0x00, 0x01]), /not accepted/, 415],
      ['empty.txt', '', /Choose a file/, 400],
      ['huge.log', 'x'.repeat(10 * 1024 * 1024 + 1), /larger than 10 MB/, 413],
    ]
    for (const [name, bytes, message, status] of cases) {
      const result = await upload(name, bytes, { intent: 'upload-file', phase: 'sandbox' })
      expect(result.status, name).toBe(status)
      expect(JSON.stringify(result.data), name).toMatch(message)
    }
  })
})

describe('linking a failing case from its page', () => {
  it('links the case key to a plan item once', async () => {
    const run = await sandboxRun(['failed'])
    const item = await itemByKey('sandbox.suite')
    const link = () =>
      settle(() =>
        caseAction(
          routeArgs(
            formRequest(
              `/projects/${shop.project.id}/tests/runs/${run.id}/cases/1`,
              { intent: 'link-plan-item', itemId: item.id },
              vendorCookie,
            ),
            { projectId: shop.project.id, runId: run.id, seq: '1' },
          ),
        ),
      )
    expect((await link()).status).toBe(302)
    expect((await link()).status).toBe(302)
    expect(readLinkedKeys((await itemByKey('sandbox.suite')).linkedCases)).toEqual([
      'authentication.missing:op0',
    ])
    const foreign = await shopProject()
    await ensurePlan(foreign.partner.id)
    const foreignItem = await db.planItem.findFirstOrThrow({
      where: { partnerProjectId: foreign.partner.id },
    })
    const refused = await settle(() =>
      caseAction(
        routeArgs(
          formRequest(
            `/projects/${shop.project.id}/tests/runs/${run.id}/cases/1`,
            { intent: 'link-plan-item', itemId: foreignItem.id },
            vendorCookie,
          ),
          { projectId: shop.project.id, runId: run.id, seq: '1' },
        ),
      ),
    )
    expect(refused.status).toBe(404)
  })
})
