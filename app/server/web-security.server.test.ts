import { describe, expect, it } from 'vitest'
import { checkSameOrigin, securityHeaders } from './web-security.server'

const post = (overrides: Partial<Parameters<typeof checkSameOrigin>[0]>) =>
  checkSameOrigin({
    method: 'POST',
    pathname: '/projects',
    host: 'app.test',
    origin: undefined,
    referer: undefined,
    ...overrides,
  })

describe('checkSameOrigin (CSRF)', () => {
  it('lets same-origin posts and every GET through', () => {
    expect(post({ origin: 'https://app.test' })).toBeNull()
    expect(post({ referer: 'https://app.test/projects' })).toBeNull()
    expect(post({ method: 'GET', origin: 'https://evil.test' })).toBeNull()
  })

  it('refuses cross-site, origin-less and malformed posts', () => {
    expect(post({ origin: 'https://evil.test' })).toMatch(/evil\.test may not post/)
    expect(post({ origin: 'null', referer: 'https://evil.test/x' })).toMatch(/refused/)
    expect(post({})).toMatch(/no Origin or Referer/)
    expect(post({ origin: 'not a url' })).toMatch(/malformed/)
    expect(post({ method: 'DELETE', origin: 'https://app.test.evil.test' })).toMatch(/refused/)
  })

  it('exempts bearer-token APIs and accepts APP_URL behind a proxy', () => {
    expect(post({ pathname: '/api/v1/projects/x', origin: 'https://ci.test' })).toBeNull()
    expect(
      post({ host: 'internal:3000', origin: 'https://public.test', appUrl: 'https://public.test' }),
    ).toBeNull()
  })
})

describe('securityHeaders', () => {
  it('sets a nonce-based CSP without unsafe-inline scripts, and framing/referrer headers', () => {
    const headers = securityHeaders({ nonce: 'abc123', production: true })
    const scriptSrc = headers['Content-Security-Policy']!.split(';').find((part) =>
      part.trim().startsWith('script-src'),
    )!
    expect(scriptSrc).toContain("'nonce-abc123'")
    expect(scriptSrc).not.toContain('unsafe-inline')
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'")
    expect(headers['X-Frame-Options']).toBe('DENY')
    expect(headers['Referrer-Policy']).toBe('strict-origin-when-cross-origin')
    expect(headers['Strict-Transport-Security']).toBeDefined()
  })
})
