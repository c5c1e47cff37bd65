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
    expect(post({ origin: 'http://app.test' })).toBeNull()
    expect(post({ referer: 'http://app.test/projects' })).toBeNull()
    expect(post({ protocol: 'https', origin: 'https://app.test' })).toBeNull()
    expect(post({ method: 'GET', origin: 'https://evil.test' })).toBeNull()
  })

  it('refuses cross-site, origin-less and malformed posts', () => {
    expect(post({ origin: 'https://evil.test' })).toMatch(/evil\.test may not post/)
    expect(post({ origin: 'null', referer: 'https://evil.test/x' })).toMatch(/refused/)
    expect(post({})).toMatch(/no Origin or Referer/)
    expect(post({ origin: 'not a url' })).toMatch(/malformed/)
    expect(post({ method: 'DELETE', origin: 'https://app.test.evil.test' })).toMatch(/refused/)
  })

  it('compares whole origins: scheme and port count, not just the host name', () => {
    expect(post({ origin: 'https://app.test' })).toMatch(/refused/)
    expect(post({ protocol: 'https', origin: 'http://app.test' })).toMatch(/refused/)
    expect(post({ origin: 'http://app.test:8080' })).toMatch(/refused/)
    expect(post({ origin: 'javascript://app.test' })).toMatch(/malformed/)
  })

  it('decides the API exemption on the normalised path', () => {
    const evil = { origin: 'https://evil.test' }
    expect(post({ ...evil, pathname: '/api/../projects/x/settings' })).toMatch(/refused/)
    expect(post({ ...evil, pathname: '/api/%2e%2e/projects' })).toMatch(/refused/)
    expect(post({ ...evil, pathname: '/mock/../members' })).toMatch(/refused/)
    expect(post({ ...evil, pathname: '/api/v1/projects/x?y=1' })).toBeNull()
  })

  it('exempts only the SAML ACS among the sign-in paths, decided on the normalised path', () => {
    const idp = { origin: 'https://idp.example.com' }
    expect(post({ ...idp, pathname: '/sso/acme/acs' })).toBeNull()
    expect(post({ ...idp, origin: 'null', pathname: '/sso/acme/acs' })).toBeNull()
    expect(post({ ...idp, pathname: '/sso/acme/acs/../../../settings/sso' })).toMatch(/refused/)
    expect(post({ ...idp, pathname: '/sso/acme/acs/extra' })).toMatch(/refused/)
    expect(post({ ...idp, pathname: '/sso' })).toMatch(/refused/)
    expect(post({ ...idp, pathname: '/sso/acme/start' })).toMatch(/refused/)
    expect(post({ ...idp, pathname: '/settings/sso' })).toMatch(/refused/)
    expect(post({ ...idp, pathname: '/x/sso/acme/acs' })).toMatch(/refused/)
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
