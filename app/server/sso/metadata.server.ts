/**
 * SAML metadata: the identity provider's (pasted by an owner, read defensively: size cap,
 * no DOCTYPE or entities, one IdP, signing certificates checked as X.509) and ours (what
 * the IdP is given: entity id, ACS URL).
 */
import crypto from 'node:crypto'
import { generateServiceProviderMetadata } from '@node-saml/node-saml'
import { DOMParser } from '@xmldom/xmldom'
import { SsoSettingsError } from './errors.server'
import type { ServiceProviderUrls } from './urls.server'

export const METADATA_MAX_BYTES = 256 * 1024
const MAX_CERTIFICATES = 10

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata'
const DS = 'http://www.w3.org/2000/09/xmldsig#'
export const HTTP_REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect'
export const HTTP_POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'

export type IdpMetadata = {
  entityId: string
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding (SP-initiated AuthnRequests). */
  ssoUrl: string
  /** PEM certificates the IdP signs with. */
  certificates: string[]
}

/** XML with a DOCTYPE (entity expansion, external entities) is refused before it reaches a parser. */
export function hasDoctypeOrEntity(xml: string): boolean {
  return /<!\s*(DOCTYPE|ENTITY)/i.test(xml)
}

/**
 * Parses XML into a DOM, throwing on any parse problem, warnings included: xmldom is
 * lenient and reports an unclosed element only as a warning, and metadata is machine-made,
 * so anything short of well-formed is refused (never half a document).
 */
export function parseXmlStrict(xml: string): Document {
  const problems: string[] = []
  const record = (message: unknown) => {
    problems.push(
      String(message)
        .replace(/^\[xmldom \w+\]\s*/, '')
        .replace(/\s*@#\[line:(\d+),col:(\d+)\]/, ' (line $1, column $2)')
        .replace(/\s+/g, ' ')
        .trim(),
    )
  }
  const document = new DOMParser({
    locator: {},
    errorHandler: { warning: record, error: record, fatalError: record },
  }).parseFromString(xml, 'text/xml') as unknown as Document | undefined
  if (problems.length > 0 || !document?.documentElement)
    throw new Error(problems[0] ?? 'not an XML document')
  return document
}

function childElements(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = []
  for (let node = parent.firstChild; node; node = node.nextSibling)
    if (
      node.nodeType === 1 &&
      (node as Element).localName === localName &&
      (node as Element).namespaceURI === namespace
    )
      found.push(node as Element)
  return found
}

function descendants(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(namespace, localName))
}

function fail(message: string): never {
  throw new SsoSettingsError('samlMetadata', message)
}

function checkUrl(value: string, allowHttp: boolean): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    fail(`The sign-in URL in the metadata ("${value.slice(0, 100)}") is not a valid URL.`)
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
    fail(`The IdP's sign-in URL must use https (${url.protocol.replace(':', '')} given).`)
  if (value.length > 2000) fail('The IdP sign-in URL is longer than 2,000 characters.')
  return url.href
}

/** Base64 DER from <ds:X509Certificate> -> PEM, or a refusal naming the problem. */
function certificatePem(base64: string): string {
  const compact = base64.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    fail('A signing certificate in the metadata is not base64.')
  try {
    return new crypto.X509Certificate(Buffer.from(compact, 'base64')).toString().trim()
  } catch {
    fail('A signing certificate in the metadata is not a valid X.509 certificate.')
  }
}

/**
 * Reads an IdP's metadata XML. `allowHttp` lets the sign-in URL be http (tests with
 * OUTBOUND_ALLOW_PRIVATE). Throws SsoSettingsError('samlMetadata') with what to fix.
 */
export function parseIdpMetadata(xml: string, { allowHttp = false } = {}): IdpMetadata {
  const text = xml.trim()
  if (!text) fail("Paste your identity provider's SAML metadata XML.")
  if (Buffer.byteLength(text, 'utf8') > METADATA_MAX_BYTES)
    fail(
      `The metadata is larger than ${METADATA_MAX_BYTES / 1024} KB. Paste the metadata of your one identity provider, not a federation's.`,
    )
  if (hasDoctypeOrEntity(text))
    fail('Metadata with a DOCTYPE or entity declarations is refused. Paste the plain XML.')
  let document: Document
  try {
    document = parseXmlStrict(text)
  } catch (error) {
    fail(
      `The metadata is not well-formed XML (${(error as Error).message.slice(0, 200)}). Paste the XML exactly as your identity provider gives it.`,
    )
  }
  const root = document.documentElement
  let entity: Element
  if (root.namespaceURI === MD && root.localName === 'EntityDescriptor') entity = root
  else if (root.namespaceURI === MD && root.localName === 'EntitiesDescriptor') {
    const idps = descendants(root, MD, 'EntityDescriptor').filter(
      (candidate) => childElements(candidate, MD, 'IDPSSODescriptor').length > 0,
    )
    if (idps.length !== 1)
      fail(
        `The metadata describes ${idps.length} identity providers; paste the metadata of exactly one.`,
      )
    entity = idps[0]!
  } else
    fail(
      'This is not SAML 2.0 metadata: the document must start with an EntityDescriptor (urn:oasis:names:tc:SAML:2.0:metadata).',
    )

  const entityId = (entity.getAttribute('entityID') ?? '').trim()
  if (!entityId) fail('The metadata has no entityID.')
  if (entityId.length > 1024) fail('The entityID is longer than 1,024 characters.')

  const idp = childElements(entity, MD, 'IDPSSODescriptor')[0]
  if (!idp)
    fail(
      'The metadata has no IDPSSODescriptor: it describes a service provider, not an identity provider.',
    )

  const services = childElements(idp, MD, 'SingleSignOnService')
  const redirect = services.find((service) => service.getAttribute('Binding') === HTTP_REDIRECT)
  if (!redirect) {
    if (services.some((service) => service.getAttribute('Binding') === HTTP_POST))
      fail(
        'The identity provider offers sign-in only through the HTTP-POST binding. Enable the HTTP-Redirect binding for SingleSignOnService (Okta, Entra ID and Google Workspace all offer it).',
      )
    fail('The metadata has no SingleSignOnService with the HTTP-Redirect binding.')
  }
  const ssoUrl = checkUrl((redirect.getAttribute('Location') ?? '').trim(), allowHttp)

  const certificates = new Set<string>()
  for (const key of childElements(idp, MD, 'KeyDescriptor')) {
    const use = key.getAttribute('use')
    if (use && use !== 'signing') continue
    for (const cert of descendants(key, DS, 'X509Certificate'))
      certificates.add(certificatePem(cert.textContent ?? ''))
  }
  if (certificates.size === 0)
    fail(
      'The metadata has no signing certificate (KeyDescriptor with an X509Certificate). Assertions could not be verified.',
    )
  if (certificates.size > MAX_CERTIFICATES)
    fail(`The metadata lists more than ${MAX_CERTIFICATES} signing certificates.`)
  return { entityId, ssoUrl, certificates: [...certificates] }
}

export type CertificateSummary = {
  subject: string
  validTo: string
  expired: boolean
  fingerprint: string
}

/** What the settings page shows of each stored certificate (never the whole PEM). */
export function describeCertificates(
  pems: readonly string[],
  now = new Date(),
): CertificateSummary[] {
  return pems.flatMap((pem) => {
    try {
      const cert = new crypto.X509Certificate(pem)
      const validTo = new Date(cert.validTo)
      return [
        {
          subject: cert.subject.replace(/\n/g, ', '),
          validTo: validTo.toISOString(),
          expired: validTo < now,
          fingerprint: cert.fingerprint256,
        },
      ]
    } catch {
      return []
    }
  })
}

/** Our SP metadata: entity id, the ACS (HTTP-POST), signed assertions wanted. */
export function serviceProviderMetadata(urls: ServiceProviderUrls): string {
  return generateServiceProviderMetadata({
    issuer: urls.entityId,
    callbackUrl: urls.acsUrl,
    identifierFormat: null,
    wantAssertionsSigned: true,
  })
}
