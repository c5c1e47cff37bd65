/**
 * The attack review replayed in Chromium against the production build: a
 * tenant's mock serving a page and a script under /mock/ on the app's origin
 * (finding 1), and the server-level findings (spoofed client addresses,
 * unknown methods, the mocks' own origin serving nothing of the app).
 */
import http from 'node:http'
import { expect, test, type Page } from '@playwright/test'
import { importSpecByPaste, mockRow, signIn } from '../e2e/fixtures'

/** The page fetches the victim's project list, then posts the API-token form of the first project. */
const STEAL_TOKEN = `(async () => {
  const list = await (await fetch('/projects')).text()
  const id = /\\/projects\\/([^/"]+)\\/overview/.exec(list)[1]
  const body = new URLSearchParams({ intent: 'create-token', name: 'pwned-by-mock' })
  await fetch('/projects/' + id + '/settings', { method: 'POST', body })
  document.title = 'ran'
})()`

const HOSTILE_SPEC = `openapi: 3.0.3
info: {title: Harmless Widgets, version: "1"}
paths:
  /page:
    get:
      operationId: page
      responses:
        "200":
          description: a page
          headers:
            Set-Cookie: {schema: {type: string, example: "__session=attacker-session; Path=/"}}
            Content-Security-Policy: {schema: {type: string, example: "script-src 'unsafe-inline' *"}}
          content:
            text/html:
              example: '<html><head><title>widgets</title></head><body><script src="app.js"></script></body></html>'
  /app.js:
    get:
      operationId: script
      responses:
        "200":
          description: script
          content:
            application/javascript:
              example: ${JSON.stringify(STEAL_TOKEN)}
`

async function importHostileSpec(page: Page): Promise<string> {
  await signIn(page, 'owner@initech.test')
  await page.getByLabel('Project name').fill('Widgets (attacker)')
  await page.getByRole('button', { name: 'Create project' }).click()
  await importSpecByPaste(page, HOSTILE_SPEC, /Harmless Widgets · v1/)
  const { proxyUrl } = await mockRow(page, /Harmless Widgets v1/)
  return new URL(proxyUrl).pathname // /mock/<id>
}

test('finding 1: a tenant page under /mock/ on the app origin cannot act as the signed-in visitor', async ({
  browser,
  baseURL,
}) => {
  const attacker = await browser.newContext()
  const mockPath = await importHostileSpec(await attacker.newPage())

  const victimContext = await browser.newContext()
  const victim = await victimContext.newPage()
  await signIn(victim, 'owner@acme.test')
  const sessionBefore = (await victimContext.cookies()).find((c) => c.name === '__session')
  expect(sessionBefore).toBeDefined()

  const scriptRequests: string[] = []
  victim.on('request', (request) => {
    if (request.url().endsWith('/app.js')) scriptRequests.push(request.url())
  })
  const answer = await victim.goto(`${baseURL}${mockPath}/page`)
  expect(answer!.status()).toBe(200)
  expect(answer!.headers()['content-security-policy']).toMatch(/^sandbox;/)
  expect(answer!.headers()['set-cookie']).toBeUndefined()
  // Give a script every chance to run; a sandboxed document runs none.
  await victim.waitForTimeout(1500)
  expect(await victim.title()).toBe('widgets')

  const sessionAfter = (await victimContext.cookies()).find((c) => c.name === '__session')
  expect(sessionAfter?.value).toBe(sessionBefore!.value)

  await victim.goto('/projects')
  await victim.getByRole('link', { name: /Acme Payments API/ }).click()
  await victim
    .getByRole('navigation', { name: 'Project sections' })
    .getByRole('link', { name: 'Settings' })
    .click()
  await expect(victim.getByRole('heading', { name: 'API tokens' })).toBeVisible()
  await expect(victim.getByText('pwned-by-mock')).toHaveCount(0)
  // Still signed in as the victim.
  await expect(victim.getByRole('heading', { name: 'API tokens' })).toBeVisible()
  await attacker.close()
  await victimContext.close()
})

function raw(
  baseURL: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const url = new URL(options.path, baseURL)
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: url.pathname + url.search,
        headers: options.headers,
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

test('finding 4: spoofed X-Forwarded-For, Fly-Client-IP and the internal address header change nothing', async ({
  baseURL,
}) => {
  const email = `nobody-${Date.now()}@e2e.test`
  const limit = 50 // LOGIN_RATE_LIMIT of the e2e server
  const statuses: number[] = []
  for (let attempt = 0; attempt <= limit; attempt++) {
    const { status } = await raw(baseURL!, {
      method: 'POST',
      path: '/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: baseURL!,
        'x-forwarded-for': `203.0.113.${attempt % 250}`,
        'fly-client-ip': `198.51.100.${attempt % 250}`,
        'x-copilot-client-address': `192.0.2.${attempt % 250}`,
      },
      body: new URLSearchParams({ email, password: `guess-${attempt}` }).toString(),
    })
    statuses.push(status)
  }
  expect(statuses.slice(0, limit).every((status) => status === 400)).toBe(true)
  expect(statuses[limit]).toBe(429)
})

test('finding 8: unknown methods get 405, and the mocks’ own origin serves nothing of the app', async ({
  baseURL,
}) => {
  const trace = await raw(baseURL!, { method: 'TRACE', path: '/login' })
  expect(trace.status).toBe(405)
  // The e2e server's MOCK_PUBLIC_URL is http://127.0.0.1:<port>: the app itself lives on localhost.
  const mockOrigin = baseURL!.replace('localhost', '127.0.0.1')
  const login = await raw(mockOrigin, { method: 'GET', path: '/login' })
  expect(login.status).toBe(404)
  expect(login.body).not.toContain('Sign in')
  const newline = await raw(baseURL!, {
    method: 'POST',
    path: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseURL! },
    body: 'email=owner%40acme.test&password=demo-password&redirectTo=%2F%0A%2Fevil',
  })
  expect(newline.status).toBe(302)
})
