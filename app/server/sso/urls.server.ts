/** What the identity provider is told about us: every URL derives from the app's origin and the organisation's slug. */
export type ServiceProviderUrls = {
  /** SAML: our SP entity id (also the audience every assertion must name), = the metadata URL. */
  entityId: string
  /** SAML: Assertion Consumer Service (HTTP-POST binding). */
  acsUrl: string
  metadataUrl: string
  /** OIDC: the redirect URI to register with the provider. */
  redirectUri: string
  /** Where members start: the page redirects to the identity provider. */
  startUrl: string
}

export function serviceProviderUrls(origin: string, slug: string): ServiceProviderUrls {
  const base = `${origin}/sso/${encodeURIComponent(slug)}`
  return {
    entityId: `${base}/metadata.xml`,
    acsUrl: `${base}/acs`,
    metadataUrl: `${base}/metadata.xml`,
    redirectUri: `${base}/callback`,
    startUrl: `${base}/start`,
  }
}
