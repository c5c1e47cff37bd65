/**
 * The "who sees this" forms (a resource's page, and the choice made when a new
 * resource is shared), validated alike in the browser (conform) and on the
 * server, and the words that describe the current state.
 */
import { z } from 'zod'

export const SHAREABLE_TYPES = ['spec', 'mock', 'suite'] as const
export type ShareableType = (typeof SHAREABLE_TYPES)[number]
export const VISIBILITIES = ['all', 'restricted'] as const
export type Visibility = (typeof VISIBILITIES)[number]

/** The `intent` of a page's visibility form. */
export const VISIBILITY_INTENT = 'visibility'
/** More partner projects than any project has; a longer list is a forged form. */
export const MAX_SHARED_PARTNERS = 500

export const RESOURCE_LABELS: Record<ShareableType, string> = {
  spec: 'spec',
  mock: 'mock',
  suite: 'golden suite',
}

const visibilityField = z.enum(VISIBILITIES, {
  error: 'Choose “Shared with every partner” or “Only these partners”.',
})

const partnerIdsField = z
  .array(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'One of the chosen partners is not a valid partner id.'),
  )
  .max(MAX_SHARED_PARTNERS, `Choose at most ${MAX_SHARED_PARTNERS} partners.`)
  .default([])

/** The form on a resource's page (`intent=visibility`). */
export const VisibilitySchema = z.object({
  /** Which of the page's resources the form changes (the spec page has the spec and its suite). */
  resourceType: z.enum(SHAREABLE_TYPES, { error: 'Unknown kind of resource.' }).optional(),
  visibility: visibilityField,
  partnerProjectIds: partnerIdsField,
})

/** The same choice inside the import and new-mock forms: absent means every partner. */
export const NewResourceVisibilitySchema = z.object({
  visibility: visibilityField.default('all'),
  partnerProjectIds: partnerIdsField,
})

export type SharePartner = { id: string; name: string }
export type ShareStateView = { visibility: Visibility; partnerProjectIds: string[] }

/** "Shared with all 3 partners" / "Restricted to Globex, Umbrella" / "Restricted to nobody yet: …". */
export function describeVisibility(state: ShareStateView, partners: SharePartner[]): string {
  if (state.visibility === 'all') {
    if (partners.length === 0) return 'Shared with every partner (there are none yet)'
    if (partners.length === 1) return `Shared with every partner (so far only ${partners[0]!.name})`
    return `Shared with all ${partners.length} partners`
  }
  const chosen = new Set(state.partnerProjectIds)
  const names = partners.filter((partner) => chosen.has(partner.id)).map((partner) => partner.name)
  if (names.length === 0) return 'Restricted to nobody yet: no partner sees it'
  return `Restricted to ${names.join(', ')}`
}
