/**
 * The partner's side of the plan and its evidence files: a partner reaches only its own
 * partner project (another partner of the same project or of another project is a 404, by
 * page and by file URL), never sees internal notes, may add shared notes and attach files,
 * may not move items, and reaches no vendor page.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import {
  action as partnerAction,
  loader as partnerLoader,
} from '~/routes/partner.$partnerProjectId.plan'
import { loader as partnerFile } from '~/routes/partner.$partnerProjectId.plan.files.$fileId'
import { loader as vendorBoard } from '~/routes/projects.$projectId.plan.$partnerId'
import { db } from '~/server/db.server'
import { storeEvidenceFile } from '~/server/evidence/files.server'
import { addNote } from '~/server/plans/board.server'
import { ensurePlan } from '~/server/plans/evaluate.server'
import type { Actor } from '~/server/audit/log.server'
import {
  BASE_URL,
  cookieFor,
  createMember,
  createPartnerUser,
  formRequest,
  getRequest,
  routeArgs,
  settle,
} from '../helpers'
import { shopProject } from '../support/traces'

let shop: Awaited<ReturnType<typeof shopProject>>
let sibling: { id: string }
let foreign: Awaited<ReturnType<typeof shopProject>>
let partnerCookie: string
let siblingCookie: string
let vendorCookie: string
let siblingFileId: string

beforeAll(async () => {
  shop = await shopProject()
  foreign = await shopProject()
  sibling = await db.partnerProject.create({
    data: { projectId: shop.project.id, name: 'Umbrella', slug: 'umbrella' },
  })
  for (const id of [shop.partner.id, sibling.id, foreign.partner.id]) await ensurePlan(id)
  partnerCookie = (await createPartnerUser(shop.partner.id)).cookie
  siblingCookie = (await createPartnerUser(sibling.id)).cookie
  vendorCookie = await cookieFor((await createMember(shop.org.id, 'OWNER')).user.id)
  const actor: Actor = {
    userId: null,
    organizationId: shop.org.id,
    projectId: shop.project.id,
    via: 'page',
  }
  const item = await db.planItem.findFirstOrThrow({
    where: { partnerProjectId: shop.partner.id, key: 'uat.signoff' },
  })
  await addNote(
    shop.partner.id,
    item.id,
    { body: 'Internal: they are late again', internal: true, authorName: 'Vendor' },
    actor,
  )
  await addNote(
    shop.partner.id,
    item.id,
    { body: 'Please send the UAT report', internal: false, authorName: 'Vendor' },
    actor,
  )
  siblingFileId = (
    await storeEvidenceFile({
      partnerProjectId: sibling.id,
      name: 'umbrella-secret-log.txt',
      bytes: new TextEncoder().encode('umbrella only'),
      phase: 'sandbox',
      planItemId: null,
      uploaderKind: 'partner',
      uploadedById: null,
    })
  ).id
})

const planUrl = (id: string) => `/partner/${id}/plan`

describe('a partner in its own plan', () => {
  it('sees the board without internal notes', async () => {
    const result = await settle(() =>
      partnerLoader(
        routeArgs(getRequest(planUrl(shop.partner.id), partnerCookie), {
          partnerProjectId: shop.partner.id,
        }),
      ),
    )
    expect(result.status).toBe(200)
    const text = JSON.stringify(result.data)
    expect(text).toContain('Please send the UAT report')
    expect(text).not.toContain('late again')
  })

  it('adds a shared note (never internal) and attaches a file; may not move items', async () => {
    const item = await db.planItem.findFirstOrThrow({
      where: { partnerProjectId: shop.partner.id, key: 'uat.signoff' },
    })
    const post = (fields: Record<string, string>) =>
      settle(() =>
        partnerAction(
          routeArgs(formRequest(planUrl(shop.partner.id), fields, partnerCookie), {
            partnerProjectId: shop.partner.id,
          }),
        ),
      )
    expect(
      (
        await post({
          intent: 'add-note',
          itemId: item.id,
          body: 'UAT report attached',
          internal: 'on',
        })
      ).status,
    ).toBe(302)
    const note = await db.planNote.findFirstOrThrow({
      where: { planItemId: item.id, body: 'UAT report attached' },
    })
    expect(note.internal).toBe(false)
    expect(note.authorName).toContain('Partner Co')
    const moved = await post({ intent: 'move-item', itemId: item.id, status: 'done' })
    expect(moved.status).toBe(403)
    expect((await db.planItem.findUniqueOrThrow({ where: { id: item.id } })).status).toBe('open')

    const form = new FormData()
    form.set('intent', 'upload-file')
    form.set('phase', 'uat')
    form.set('itemId', item.id)
    form.set('file', new File(['UAT passed on 2026-12-01'], 'uat-report.txt'))
    const uploaded = await settle(() =>
      partnerAction(
        routeArgs(
          new Request(`${BASE_URL}${planUrl(shop.partner.id)}`, {
            method: 'POST',
            headers: { Cookie: partnerCookie },
            body: form,
          }),
          { partnerProjectId: shop.partner.id },
        ),
      ),
    )
    expect(uploaded.status).toBe(302)
    expect(
      await db.evidenceFile.findFirstOrThrow({
        where: { partnerProjectId: shop.partner.id, name: 'uat-report.txt' },
      }),
    ).toMatchObject({ uploaderKind: 'partner', mediaType: 'text/plain' })
  })
})

describe('isolation', () => {
  it('another partner of the same project, or of another project, is a 404', async () => {
    for (const [cookie, id] of [
      [siblingCookie, shop.partner.id],
      [partnerCookie, sibling.id],
      [partnerCookie, foreign.partner.id],
    ] as const) {
      expect(
        (
          await settle(() =>
            partnerLoader(routeArgs(getRequest(planUrl(id), cookie), { partnerProjectId: id })),
          )
        ).status,
      ).toBe(404)
      expect(
        (
          await settle(() =>
            partnerAction(
              routeArgs(formRequest(planUrl(id), { intent: 'add-note' }, cookie), {
                partnerProjectId: id,
              }),
            ),
          )
        ).status,
      ).toBe(404)
    }
  })

  it('a file of another partner project is a 404, even with its id', async () => {
    const result = await settle(() =>
      partnerFile(
        routeArgs(getRequest(`${planUrl(shop.partner.id)}/files/${siblingFileId}`, partnerCookie), {
          partnerProjectId: shop.partner.id,
          fileId: siblingFileId,
        }),
      ),
    )
    expect(result.status).toBe(404)
    const own = await settle(() =>
      partnerFile(
        routeArgs(getRequest(`${planUrl(sibling.id)}/files/${siblingFileId}`, siblingCookie), {
          partnerProjectId: sibling.id,
          fileId: siblingFileId,
        }),
      ),
    )
    expect(own.status).toBe(200)
  })

  it('a partner reaches no vendor page, and a vendor does not use the partner portal', async () => {
    const vendorPage = await settle(() =>
      vendorBoard(
        routeArgs(
          getRequest(`/projects/${shop.project.id}/plan/${shop.partner.id}`, partnerCookie),
          { projectId: shop.project.id, partnerId: shop.partner.id },
        ),
      ),
    )
    expect(vendorPage.status).toBe(404)
    const portal = await settle(() =>
      partnerLoader(
        routeArgs(getRequest(planUrl(shop.partner.id), vendorCookie), {
          partnerProjectId: shop.partner.id,
        }),
      ),
    )
    expect(portal.status).toBe(404)
  })
})
