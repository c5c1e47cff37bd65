/** GET /sso/<slug>/metadata.xml: our SAML service provider metadata, for the organisation's IdP. */
import type { LoaderFunctionArgs } from '@remix-run/node'
import { appOrigin, notFound } from '~/server/http.server'
import { findOrganizationBySlug } from '~/server/sso/connections.server'
import { serviceProviderMetadata } from '~/server/sso/metadata.server'
import { serviceProviderUrls } from '~/server/sso/urls.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const organization = await findOrganizationBySlug(params.orgSlug ?? '')
  if (!organization) throw notFound('No such organisation.')
  const xml = serviceProviderMetadata(serviceProviderUrls(appOrigin(request), organization.slug))
  return new Response(xml, {
    headers: {
      'Content-Type': 'application/xml; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'Content-Disposition': `inline; filename="${organization.slug}-sp-metadata.xml"`,
    },
  })
}
