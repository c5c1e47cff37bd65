/**
 * The report pages render (server side, as without JavaScript) from what their real loaders
 * return: the empty states, a report with its blockers and downloads, the comparison and
 * the executive summary, with partner-written text shown as text.
 */
import { createElement, type ReactNode } from 'react'
import { renderToString } from 'react-dom/server'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { db } from '~/server/db.server'
import { ensurePlan } from '~/server/plans/evaluate.server'
import { cookieFor, createMember, getRequest, routeArgs, settle } from '../helpers'
import { shopProject } from '../support/traces'

const current = vi.hoisted(() => ({ data: undefined as unknown }))

vi.mock('@remix-run/react', async (original) =>
  (await import('../support/remix-react-stub')).stubRemixReact(await original(), current),
)

const reportsHome = await import('~/routes/projects.$projectId.reports._index')
const partnerPage = await import('~/routes/projects.$projectId.reports.$partnerId')
const snapshotPage =
  await import('~/routes/projects.$projectId.reports.$partnerId_.snapshots.$snapshotId')
const comparePage = await import('~/routes/projects.$projectId.reports.$partnerId_.compare')
const summaryPage = await import('~/routes/readiness')

let shop: Awaited<ReturnType<typeof shopProject>>
let vendor: string
let viewer: string

beforeAll(async () => {
  shop = await shopProject()
  await db.partnerProject.update({
    where: { id: shop.partner.id },
    data: { name: 'Globex <script>alert(1)</script> Corporation With A Very Long Name' },
  })
  await ensurePlan(shop.partner.id)
  vendor = await cookieFor((await createMember(shop.org.id, 'VENDOR')).user.id)
  viewer = await cookieFor((await createMember(shop.org.id, 'VIEWER')).user.id)
})

type Module = {
  loader: (args: ReturnType<typeof routeArgs>) => unknown
  default: () => ReactNode
}

async function render(module: Module, url: string, params: Record<string, string>, cookie: string) {
  const result = await settle(
    () => module.loader(routeArgs(getRequest(url, cookie), params)) as Promise<unknown>,
  )
  expect(result.status).toBe(200)
  current.data = result.data
  return renderToString(createElement(module.default))
}

const params = () => ({ projectId: shop.project.id, partnerId: shop.partner.id })

describe('the report pages', () => {
  it('say "No report yet: generate one", with the button only for writers', async () => {
    const forVendor = await render(partnerPage, '/', params(), vendor)
    expect(forVendor).toContain('No report yet: generate one')
    expect(forVendor).toContain('Generate report')
    expect(forVendor).toContain('Globex &lt;script&gt;')
    expect(forVendor).not.toContain('<script>alert(1)')
    const forViewer = await render(partnerPage, '/', params(), viewer)
    expect(forViewer).not.toContain('Generate report')
    const home = await render(reportsHome, '/', { projectId: shop.project.id }, viewer)
    expect(home).toContain('No report yet')
    expect(home).toContain('Owners and admins set the schedule.')
    const compare = await render(comparePage, '/compare', params(), viewer)
    expect(compare).toContain('Two reports are needed to compare')
  })

  it('show a report, its downloads, its history and a comparison', async () => {
    for (let index = 0; index < 2; index++) {
      const { action } = partnerPage as unknown as {
        action: (args: ReturnType<typeof routeArgs>) => Promise<unknown>
      }
      const result = await settle(() =>
        action(
          routeArgs(
            new Request('http://localhost:3000/', {
              method: 'POST',
              headers: { Cookie: vendor, 'Content-Type': 'application/x-www-form-urlencoded' },
              body: '',
            }),
            params(),
          ),
        ),
      )
      expect(result.status).toBe(302)
    }
    const snapshots = await db.reportSnapshot.findMany({
      where: { partnerProjectId: shop.partner.id },
      orderBy: { createdAt: 'asc' },
    })
    const page = await render(partnerPage, '/', params(), vendor)
    expect(page).toContain('No-go')
    expect(page).toContain('Blockers (')
    expect(page).toContain('No passing run against Sandbox or UAT yet')
    expect(page).toContain(snapshots[1]!.contentHash)
    expect(page).toContain(`/snapshots/${snapshots[1]!.id}/html`)
    expect(page).toContain(`/snapshots/${snapshots[1]!.id}/md?audience=partner`)
    expect(page).toContain('PDF rendering…')
    expect(page).toContain('Compare (A, before)')

    const one = await render(
      snapshotPage,
      '/',
      { ...params(), snapshotId: snapshots[0]!.id },
      viewer,
    )
    expect(one).toContain('This is an earlier report')
    expect(one).not.toContain('Render the PDF again')

    const compare = await render(comparePage, '/compare', params(), viewer)
    expect(compare).toContain('Verdict:')
    expect(compare).toContain('Blockers added (0)')

    const home = await render(reportsHome, '/', { projectId: shop.project.id }, viewer)
    expect(home).toContain('Same')
    const summary = await render(summaryPage, '/readiness', {}, viewer)
    expect(summary).toContain('Readiness')
    expect(summary).toContain('Globex &lt;script&gt;')
    expect(summary).toContain('No-go')
  })
})
