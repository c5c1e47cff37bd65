/**
 * The official Twilio SDK pointed at the mock of ../shared/specs/twilio_messaging_v1.yaml,
 * directly and through the public URL's gateway: what a second vendor's SDK needs of the
 * rules the mock follows, with nothing Twilio-specific in the mock.
 * - ids are generated to fit their schema (`^MG[0-9a-fA-F]{32}$`), so the mock takes back
 *   the ids it hands out;
 * - form fields of another spelling land in the resource (`FriendlyName` -> `friendly_name`);
 * - a list envelope starts from its documented example (Twilio's `meta.key` names the array)
 *   and its paging fields say what the page is (`next_page_url`, `page`, `page_size`), in
 *   the paging style the operation declares (`Page`, counted from 0 as its schema allows),
 *   with URLs that lead back the way the client came.
 */
import fs from 'node:fs'
import path from 'node:path'
import twilio from 'twilio'
import RequestClient from 'twilio/lib/base/RequestClient'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forwardedRequestHeaders } from '~/server/mocks/proxy.server'
import { type SdkMock, startSdkMock } from '../support/sdk-mock'
import { SHARED_SPECS } from '../support/shared-specs'

const base = 30_000 + Math.floor(Math.random() * 10_000)
process.env.MOCK_PORT_RANGE = `${base}-${base + 10}`

/** The SDK's requests go to `target` instead of https://messaging.twilio.com. */
function clientFor(target: string) {
  class Rewriting extends RequestClient {
    override request<TData>(options: RequestClient.RequestOptions<TData>) {
      return super.request({
        ...options,
        uri: options.uri.replace(/^https:\/\/messaging\.twilio\.com/, target),
      })
    }
  }
  return twilio('AC00000000000000000000000000000000', 'auth-token', {
    httpClient: new Rewriting(),
  }).messaging.v1
}

let mock: SdkMock
let direct: ReturnType<typeof clientFor>
let viaGateway: ReturnType<typeof clientFor>
let gatewayBase: string
beforeAll(async () => {
  mock = await startSdkMock(
    fs.readFileSync(path.join(SHARED_SPECS, 'twilio_messaging_v1.yaml')),
    'twilio_messaging_v1.yaml',
  )
  direct = clientFor(mock.direct)
  gatewayBase = mock.viaGateway
  viaGateway = clientFor(gatewayBase)
}, 120_000)
afterAll(() => mock?.close())

describe('the Twilio SDK against the mock of Twilio’s Messaging spec', () => {
  it('creates a service, reads it back by its generated sid, updates and removes it', async () => {
    const created = await direct.services.create({
      friendlyName: 'Support line',
      statusCallback: 'https://example.com/status',
    })
    expect(created.sid).toMatch(/^MG[0-9a-fA-F]{32}$/)
    expect(created.friendlyName).toBe('Support line')
    expect(created.statusCallback).toBe('https://example.com/status')
    const read = await direct.services(created.sid).fetch()
    expect(read).toMatchObject({ sid: created.sid, friendlyName: 'Support line' })
    const renamed = await direct.services(created.sid).update({ friendlyName: 'Renamed' })
    expect(renamed.friendlyName).toBe('Renamed')
    expect(await direct.services(created.sid).remove()).toBe(true)
    await expect(direct.services(created.sid).fetch()).rejects.toMatchObject({ status: 404 })
  })

  it('lists with the SDK’s paging: each page follows next_page_url until there is none', async () => {
    const created: string[] = []
    for (let index = 0; index < 5; index++)
      created.push((await direct.services.create({ friendlyName: `Line ${index}` })).sid)
    expect(new Set(created).size).toBe(5)
    const first = await direct.services.page({ pageSize: 2 })
    expect(first.instances).toHaveLength(2)
    expect(first.nextPageUrl).toMatch(/\/v1\/Services\?.*Page=1/)
    const seen: string[] = []
    await direct.services.each({ pageSize: 2 }, (service) => void seen.push(service.sid))
    expect(seen).toEqual(expect.arrayContaining(created))
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('pages through the public URL with URLs that lead back through it', async () => {
    for (let index = 0; index < 3; index++)
      await viaGateway.services.create({ friendlyName: `Public ${index}` })
    const first = await viaGateway.services.page({ pageSize: 1 })
    expect(first.nextPageUrl?.startsWith(`${gatewayBase}/v1/Services?`)).toBe(true)
    const seen: string[] = []
    await viaGateway.services.each({ pageSize: 1 }, (service) => void seen.push(service.sid))
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('creates a sub-resource that names its parent as the path does, and lists it there', async () => {
    const service = await direct.services.create({ friendlyName: 'Parent' })
    const other = await direct.services.create({ friendlyName: 'Other' })
    const number = await direct
      .services(service.sid)
      .phoneNumbers.create({ phoneNumberSid: 'PN00000000000000000000000000000001' })
    expect(number.serviceSid).toBe(service.sid)
    const listed = await direct.services(service.sid).phoneNumbers.list()
    expect(listed.map((entry) => entry.sid)).toEqual([number.sid])
    expect(await direct.services(other.sid).phoneNumbers.list()).toEqual([])
  })

  it('raises the SDK’s RestException for an unknown sid', async () => {
    await expect(
      direct.services('MG00000000000000000000000000000000').fetch(),
    ).rejects.toMatchObject({ status: 404 })
  })
})

describe('what the gateway tells a mock about the way in', () => {
  it('replaces what the client sent', () => {
    const headers = forwardedRequestHeaders(
      {
        host: 'mocks.example.test',
        'x-forwarded-prefix': '/elsewhere',
        'x-forwarded-proto': 'https',
      },
      4000,
      false,
      '/mock/abc',
    )
    expect(headers).toMatchObject({
      host: '127.0.0.1:4000',
      'x-forwarded-host': 'mocks.example.test',
      'x-forwarded-proto': 'https',
      'x-forwarded-prefix': '/mock/abc',
    })
    expect(
      forwardedRequestHeaders(
        { host: 'a.test', 'x-forwarded-proto': 'gopher' },
        1,
        true,
        '/mock/x',
      )['x-forwarded-proto'],
    ).toBe('http')
  })
})
