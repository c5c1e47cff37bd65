import { expect, test } from '@playwright/test'

test('pages carry a nonce CSP and anti-framing headers', async ({ request }) => {
  const response = await request.get('/login')
  const csp = response.headers()['content-security-policy'] ?? ''
  const scriptSrc = csp.split(';').find((part) => part.trim().startsWith('script-src')) ?? ''
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/)
  expect(scriptSrc).not.toContain('unsafe-inline')
  expect(response.headers()['x-frame-options']).toBe('DENY')
  expect(response.headers()['referrer-policy']).toBe('strict-origin-when-cross-origin')
  const html = await response.text()
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]
  const inlineScripts = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []
  for (const tag of inlineScripts) expect(tag).toContain(`nonce="${nonce}"`)
})

test('a cross-site form post is refused before it reaches the app', async ({ request }) => {
  const response = await request.post('/login', {
    headers: { Origin: 'https://evil.example' },
    form: { email: 'owner@acme.test', password: 'demo-password' },
    maxRedirects: 0,
  })
  expect(response.status()).toBe(403)
  expect(await response.text()).toContain('Cross-site request refused')
})

test('the API answers JSON errors', async ({ request }) => {
  const unauthorised = await request.get('/api/v1/projects/whatever', {
    headers: { Authorization: 'Bearer nope' },
  })
  expect(unauthorised.status()).toBe(401)
  expect(await unauthorised.json()).toHaveProperty('error')
  const unknown = await request.get('/api/v1/nothing-here')
  expect(unknown.status()).toBe(404)
  expect(await unknown.json()).toHaveProperty('error')
})
