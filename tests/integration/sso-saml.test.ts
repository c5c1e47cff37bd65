/**
 * Single sign-on with SAML 2.0 (issue 14, point 1): IdP metadata pasted in the settings
 * (read defensively), SP-initiated AuthnRequests, and responses signed here with a test
 * key (tests/fixtures/saml, xml-crypto) posted to the real ACS route.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { SignedXml } from 'xml-crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { action as acsAction, loader as acsLoader } from '~/routes/sso.$orgSlug.acs'
import { loader as metadataLoader } from '~/routes/sso.$orgSlug.metadata[.]xml'
import { loader as startLoader } from '~/routes/sso.$orgSlug.start'
import { action as settingsAction } from '~/routes/settings.sso'
import { db } from '~/server/db.server'
import { resetEnvCache } from '~/server/env.server'
import { cookieFor, createMember, formRequest, getRequest, routeArgs, settle } from '../helpers'

const FIXTURES = path.resolve('tests/fixtures/saml')
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8')
const IDP_KEY = read('idp-key.pem')
const IDP_CERT = read('idp-cert.pem')
const OTHER_KEY = read('other-key.pem')
const OTHER_CERT = read('other-cert.pem')

const SLUG = 'saml-co'
const IDP_ENTITY = 'https://idp.example.test/saml/metadata'
const IDP_SSO = 'https://idp.example.test/saml/sso'
const SP_ENTITY = `http://localhost:3000/sso/${SLUG}/metadata.xml`
const ACS = `http://localhost:3000/sso/${SLUG}/acs`

let orgId: string
let ownerCookie: string

const certBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')

function idpMetadata({
  entityId = IDP_ENTITY,
  cert = IDP_CERT,
  bindings = ['HTTP-Redirect', 'HTTP-POST'],
  prefix = '',
}: { entityId?: string; cert?: string; bindings?: string[]; prefix?: string } = {}) {
  return `${prefix}<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certBody(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
${bindings.map((binding) => `    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${IDP_SSO}"/>`).join('\n')}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`
}

function save(fields: Record<string, string>) {
  return settle(() =>
    settingsAction(
      routeArgs(
        formRequest(
          '/settings/sso',
          {
            intent: 'save',
            protocol: 'saml',
            allowedDomains: 'sso.test',
            defaultRole: 'VIEWER',
            enabled: 'on',
            ...fields,
          },
          ownerCookie,
        ),
      ),
    ),
  )
}

function metadataError(result: Awaited<ReturnType<typeof save>>): string {
  expect(result.status).toBe(400)
  return (result.data as { save: { error: Record<string, string[]> } }).save.error.samlMetadata![0]!
}

beforeAll(async () => {
  process.env.OUTBOUND_ALLOW_PRIVATE = 'false'
  resetEnvCache()
  orgId = (await db.organization.create({ data: { name: 'SAML Co', slug: SLUG } })).id
  ownerCookie = await cookieFor((await createMember(orgId, 'OWNER')).user.id)
})
afterAll(() => {
  delete process.env.OUTBOUND_ALLOW_PRIVATE
  resetEnvCache()
})

describe('IdP metadata in the settings', () => {
  it('refuses DOCTYPE and entity declarations (billion laughs, external entities)', async () => {
    const laughs = idpMetadata({
      prefix:
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n',
    }).replace('<?xml version="1.0" encoding="UTF-8"?>\n', '')
    expect(metadataError(await save({ samlMetadata: laughs }))).toMatch(
      /DOCTYPE or entity declarations is refused/,
    )
    const external = `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${idpMetadata().replace(/^<\?xml[^>]*>\s*/, '')}`
    expect(metadataError(await save({ samlMetadata: external }))).toMatch(/DOCTYPE/)
    const lowercase = `<!doctype md:EntityDescriptor>${idpMetadata().replace(/^<\?xml[^>]*>\s*/, '')}`
    expect(metadataError(await save({ samlMetadata: lowercase }))).toMatch(/DOCTYPE/)
    expect(await db.ssoConnection.count()).toBe(0)
  })

  it('refuses metadata over 256 KB', async () => {
    const padding = `<!-- ${'x'.repeat(300 * 1024)} -->`
    const big = idpMetadata().replace('</md:EntityDescriptor>', `${padding}</md:EntityDescriptor>`)
    expect(metadataError(await save({ samlMetadata: big }))).toMatch(/larger than 256 KB/)
  })

  it('refuses garbage, other documents and unusable metadata with a clear error', async () => {
    const cases: [string, RegExp][] = [
      ['this is not xml at all', /not well-formed XML/],
      [
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x">',
        /not well-formed XML/,
      ],
      ['<html><body>Sign in</body></html>', /not SAML 2.0 metadata/],
      [idpMetadata({ entityId: '' }), /no entityID/],
      [idpMetadata({ bindings: ['HTTP-POST'] }), /only through the HTTP-POST binding/],
      [idpMetadata({ bindings: [] }), /no SingleSignOnService with the HTTP-Redirect binding/],
      [
        idpMetadata().replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, ''),
        /no signing certificate/,
      ],
      [
        idpMetadata().replace(certBody(IDP_CERT), 'bm90IGEgY2VydGlmaWNhdGU='),
        /not a valid X\.509 certificate/,
      ],
      [idpMetadata().replaceAll(IDP_SSO, 'http://idp.example.test/sso'), /must use https/],
      [
        idpMetadata().replace(/IDPSSODescriptor/g, 'SPSSODescriptor'),
        /describes a service provider/,
      ],
      ['   ', /Paste your identity provider/],
    ]
    for (const [xml, message] of cases)
      expect(metadataError(await save({ samlMetadata: xml })), xml.slice(0, 60)).toMatch(message)
    expect(await db.ssoConnection.count()).toBe(0)
  })

  it('reads entity id, Redirect sign-in URL and signing certificates from valid metadata', async () => {
    expect((await save({ samlMetadata: idpMetadata() })).status).toBe(302)
    const row = await db.ssoConnection.findUniqueOrThrow({ where: { organizationId: orgId } })
    expect(row).toMatchObject({ protocol: 'saml', samlEntityId: IDP_ENTITY, samlSsoUrl: IDP_SSO })
    const certs = JSON.parse(row.samlCerts) as string[]
    expect(certs).toHaveLength(1)
    expect(new crypto.X509Certificate(certs[0]!).fingerprint256).toBe(
      new crypto.X509Certificate(IDP_CERT).fingerprint256,
    )
    // Blank metadata on edit keeps what is stored.
    expect((await save({ samlMetadata: '', defaultRole: 'VENDOR' })).status).toBe(302)
    expect(
      await db.ssoConnection.findUniqueOrThrow({ where: { organizationId: orgId } }),
    ).toMatchObject({
      samlEntityId: IDP_ENTITY,
      defaultRole: 'VENDOR',
    })
  })

  it('serves our SP metadata with the entity id and ACS', async () => {
    const result = await settle(() =>
      metadataLoader(routeArgs(getRequest(`/sso/${SLUG}/metadata.xml`), { orgSlug: SLUG })),
    )
    const xml = await result.response!.text()
    expect(result.response!.headers.get('content-type')).toMatch(/application\/xml/)
    expect(xml).toContain(`entityID="${SP_ENTITY}"`)
    expect(xml).toContain(`Location="${ACS}"`)
    expect(xml).toContain('WantAssertionsSigned="true"')
    const missing = await settle(() =>
      metadataLoader(routeArgs(getRequest('/sso/none/metadata.xml'), { orgSlug: 'none' })),
    )
    expect(missing.status).toBe(404)
  })
})

type Options = {
  inResponseTo?: string | null
  audience?: string
  issuer?: string
  email?: string
  nameId?: string
  nameIdFormat?: string
  notBefore?: Date
  notOnOrAfter?: Date
  sign?: 'idp' | 'other' | false
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** A SAML Response as an IdP would post it, its assertion signed (RSA-SHA256, exclusive C14N). */
function samlResponse(options: Options): string {
  const now = new Date()
  const id = (prefix: string) => `${prefix}${crypto.randomBytes(10).toString('hex')}`
  const inResponseTo =
    options.inResponseTo === null ? '' : ` InResponseTo="${options.inResponseTo}"`
  const issuer = options.issuer ?? IDP_ENTITY
  const notBefore = iso(options.notBefore ?? new Date(now.getTime() - 60_000))
  const notOnOrAfter = iso(options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000))
  const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id('_r')}" Version="2.0" IssueInstant="${iso(now)}" Destination="${ACS}"${inResponseTo}><saml:Issuer>${issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="${id('_a')}" Version="2.0" IssueInstant="${iso(now)}"><saml:Issuer>${issuer}</saml:Issuer><saml:Subject><saml:NameID Format="${options.nameIdFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent'}">${options.nameId ?? 'saml-subject-1'}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${ACS}"${inResponseTo}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${options.audience ?? SP_ENTITY}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id('_s')}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"><saml:AttributeValue>${options.email ?? 'saml.member@sso.test'}</saml:AttributeValue></saml:Attribute><saml:Attribute Name="displayName"><saml:AttributeValue>SAML Member</saml:AttributeValue></saml:Attribute></saml:AttributeStatement></saml:Assertion></samlp:Response>`
  if (options.sign === false) return Buffer.from(xml).toString('base64')
  const [key, cert] = options.sign === 'other' ? [OTHER_KEY, OTHER_CERT] : [IDP_KEY, IDP_CERT]
  const signer = new SignedXml({
    privateKey: key,
    publicCert: cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  })
  signer.addReference({
    xpath: "//*[local-name(.)='Assertion']",
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: [
      'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
      'http://www.w3.org/2001/10/xml-exc-c14n#',
    ],
  })
  signer.computeSignature(xml, {
    location: {
      reference: "//*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
      action: 'after',
    },
  })
  return Buffer.from(signer.getSignedXml()).toString('base64')
}

/** GET /start: the IdP redirect (AuthnRequest decoded) and the flow cookie. */
async function start(query = '') {
  const result = await settle(() =>
    startLoader(routeArgs(getRequest(`/sso/${SLUG}/start${query}`), { orgSlug: SLUG })),
  )
  expect(result.status, JSON.stringify(result.data)).toBe(302)
  const location = new URL(result.response!.headers.get('location')!)
  const request = zlib
    .inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest')!, 'base64'))
    .toString('utf8')
  const setCookie = result
    .response!.headers.getSetCookie()
    .find((cookie) => cookie.startsWith('sso-saml='))!
  return {
    location,
    request,
    requestId: /ID="([^"]+)"/.exec(request)![1]!,
    setCookie,
    cookie: setCookie.split(';')[0]!,
  }
}

function post(fields: Record<string, string>, cookie: string) {
  return settle(() =>
    acsAction(routeArgs(formRequest(`/sso/${SLUG}/acs`, fields, cookie), { orgSlug: SLUG })),
  )
}

type Failure = { failure: { message: string; hint: string } }

describe('the SAML sign-in', () => {
  beforeAll(async () => {
    if (!(await db.ssoConnection.findUnique({ where: { organizationId: orgId } })))
      expect((await save({ samlMetadata: idpMetadata() })).status).toBe(302)
  })

  it('sends an HTTP-Redirect AuthnRequest for our entity id and ACS, its id kept in a cookie', async () => {
    const flow = await start('?redirectTo=%2Fprojects%2Fp1')
    expect(`${flow.location.origin}${flow.location.pathname}`).toBe(IDP_SSO)
    expect(flow.location.searchParams.get('RelayState')).toBe('/projects/p1')
    expect(flow.request).toContain(`AssertionConsumerServiceURL="${ACS}"`)
    expect(flow.request).toContain(`>${SP_ENTITY}</saml:Issuer>`)
    expect(flow.setCookie).toMatch(/Path=\/sso\//)
    expect(flow.setCookie).toMatch(/HttpOnly/)
    expect(flow.setCookie).toMatch(/SameSite=Lax/) // development/test: no Secure, so Lax (decision 030)
  })

  it('makes the flow cookie SameSite=None; Secure in production, for the IdP’s cross-site POST', async () => {
    const previous = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    resetEnvCache()
    try {
      const flow = await start()
      expect(flow.setCookie).toMatch(/SameSite=None/)
      expect(flow.setCookie).toMatch(/Secure/)
      process.env.INSECURE_COOKIES = 'true'
      resetEnvCache()
      const insecure = await start()
      expect(insecure.setCookie).toMatch(/SameSite=Lax/)
      expect(insecure.setCookie).not.toMatch(/Secure/)
    } finally {
      process.env.NODE_ENV = previous
      delete process.env.INSECURE_COOKIES
      resetEnvCache()
    }
  })

  it('accepts a valid signed response: provisions the member and opens a SAML session', async () => {
    const flow = await start()
    const result = await post(
      { SAMLResponse: samlResponse({ inResponseTo: flow.requestId }), RelayState: '/projects/p1' },
      flow.cookie,
    )
    expect(result.status, JSON.stringify(result.data)).toBe(302)
    expect(result.response!.headers.get('location')).toBe('/projects/p1')
    const cookies = result.response!.headers.getSetCookie()
    expect(cookies.some((cookie) => cookie.startsWith('__session='))).toBe(true)
    expect(cookies.some((cookie) => cookie.startsWith('sso-saml=;'))).toBe(true)
    const user = await db.user.findUniqueOrThrow({
      where: { email: 'saml.member@sso.test' },
      include: { memberships: true, identities: true, sessions: true },
    })
    expect(user).toMatchObject({ name: 'SAML Member', passwordHash: null })
    expect(user.memberships).toMatchObject([{ organizationId: orgId, role: 'VENDOR' }])
    expect(user.identities[0]).toMatchObject({ subject: 'saml-subject-1' })
    expect(user.sessions[0]).toMatchObject({ authMethod: 'saml', ssoOrganizationId: orgId })
  })

  it('accepts a response once: replaying it with the same flow cookie is refused', async () => {
    const flow = await start()
    const fields = { SAMLResponse: samlResponse({ inResponseTo: flow.requestId }) }
    expect((await post(fields, flow.cookie)).status).toBe(302)
    const replay = await post(fields, flow.cookie)
    expect(replay.status).toBe(400)
    expect((replay.data as Failure).failure.message).toMatch(/already used/)
  })

  it('follows RelayState only as a same-origin path', async () => {
    for (const relay of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const flow = await start('?redirectTo=%2Fprojects%2Fsafe')
      const result = await post(
        { SAMLResponse: samlResponse({ inResponseTo: flow.requestId }), RelayState: relay },
        flow.cookie,
      )
      expect(result.status, relay).toBe(302)
      expect(result.response!.headers.get('location'), relay).toBe('/projects/safe')
    }
  })

  const refusals: [string, (requestId: string) => string, RegExp][] = [
    [
      'an unsigned response',
      (id) => samlResponse({ inResponseTo: id, sign: false }),
      /not signed by the identity provider’s certificate/,
    ],
    [
      'a response signed with another certificate',
      (id) => samlResponse({ inResponseTo: id, sign: 'other' }),
      /not signed by the identity provider’s certificate/,
    ],
    [
      'a response for another audience',
      (id) => samlResponse({ inResponseTo: id, audience: 'https://other-sp.example/' }),
      /wrong audience/,
    ],
    [
      'an expired response',
      (id) =>
        samlResponse({
          inResponseTo: id,
          notBefore: new Date(Date.now() - 20 * 60_000),
          notOnOrAfter: new Date(Date.now() - 10 * 60_000),
        }),
      /outside its validity period/,
    ],
    [
      'a response from the future',
      (id) => samlResponse({ inResponseTo: id, notBefore: new Date(Date.now() + 10 * 60_000) }),
      /outside its validity period/,
    ],
    [
      'an unknown InResponseTo',
      () => samlResponse({ inResponseTo: '_not-our-request' }),
      /does not answer a sign-in started in this browser/,
    ],
    [
      'an unsolicited (IdP-initiated) response',
      () => samlResponse({ inResponseTo: null }),
      /does not answer a sign-in started in this browser/,
    ],
    [
      'an assertion from another issuer',
      (id) => samlResponse({ inResponseTo: id, issuer: 'https://other-idp.example/' }),
      /issued by another identity provider/,
    ],
    [
      'a transient NameID',
      (id) =>
        samlResponse({
          inResponseTo: id,
          nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
        }),
      /transient NameID/,
    ],
    [
      'an address outside the allowed domains',
      (id) =>
        samlResponse({
          inResponseTo: id,
          email: 'someone@elsewhere.test',
          nameId: 'other-subject',
        }),
      /someone@elsewhere\.test is not an address SAML Co lets sign in/,
    ],
    ['garbage', () => 'not base64 at all!', /not base64/],
    [
      'a response with a DOCTYPE',
      () => Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>').toString('base64'),
      /DOCTYPE/,
    ],
  ]
  for (const [name, build, message] of refusals)
    it(`refuses ${name}`, async () => {
      const before = await db.session.count()
      const flow = await start()
      const result = await post(
        { SAMLResponse: build(flow.requestId), RelayState: '/projects' },
        flow.cookie,
      )
      expect(result.status).toBeGreaterThanOrEqual(400)
      expect((result.data as Failure).failure.message).toMatch(message)
      expect(await db.session.count()).toBe(before)
      const audited = await db.auditLog.findFirstOrThrow({
        where: { action: 'auth.sign_in_failed' },
        orderBy: { createdAt: 'desc' },
      })
      expect(JSON.parse(audited.metadata)).toMatchObject({ method: 'saml' })
    })

  it('refuses a valid response without this browser’s flow cookie, or with another attempt’s', async () => {
    const flow = await start()
    const response = samlResponse({ inResponseTo: flow.requestId })
    const noCookie = await post({ SAMLResponse: response }, '')
    expect(noCookie.status).toBe(400)
    expect((noCookie.data as Failure).failure.message).toMatch(/started in this browser/)
    const other = await start()
    const wrongCookie = await post({ SAMLResponse: response }, other.cookie)
    expect((wrongCookie.data as Failure).failure.message).toMatch(
      /does not answer a sign-in started in this browser/,
    )
  })

  it('says a half-configured connection is not set up, instead of failing', async () => {
    const org = await db.organization.create({ data: { name: 'Half', slug: 'half-saml' } })
    await db.ssoConnection.create({ data: { organizationId: org.id, protocol: 'saml' } })
    const result = await settle(() =>
      startLoader(routeArgs(getRequest('/sso/half-saml/start'), { orgSlug: 'half-saml' })),
    )
    expect(result.status).toBe(503)
    expect((result.data as Failure).failure.message).toMatch(/not fully set up/)
  })

  it('answers a GET, a non-form body and an oversized body without processing them', async () => {
    const get = await settle(async () => acsLoader())
    expect(get.response!.headers.get('location')).toBe('/sso')
    const json = await settle(() =>
      acsAction(
        routeArgs(
          new Request(ACS, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          }),
          { orgSlug: SLUG },
        ),
      ),
    )
    expect(json.status).toBe(415)
    const flow = await start()
    const huge = await post({ SAMLResponse: 'A'.repeat(600 * 1024) }, flow.cookie)
    expect(huge.status).toBe(413)
  })
})
