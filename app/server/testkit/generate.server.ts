/**
 * The golden suite of a spec version: every template instantiated for the
 * operations, paths and resources it applies to. A pure function of the
 * normalised spec (and GENERATOR_VERSION), so a new spec version regenerates
 * and history matches across versions by case key.
 */
import { CATEGORIES, type Category } from '~/shared/golden-templates'
import type { NormalizedSpec } from '~/shared/normalized-spec'
import { SpecSchemas } from '../specs/schemas.server'
import type { SuiteCase } from './model.server'
import { TEMPLATE_IMPLS } from './templates/index.server'

/** Bump when generation changes what a case means; runs record the version they used. */
export const GENERATOR_VERSION = 1

import { API_GROUP } from '~/shared/golden-templates'

export { API_GROUP }

const cache = new WeakMap<NormalizedSpec, SuiteCase[]>()

export function generateSuite(spec: NormalizedSpec, schemas = new SpecSchemas(spec)): SuiteCase[] {
  const cached = cache.get(spec)
  if (cached) return cached
  const cases = TEMPLATE_IMPLS.flatMap((template) =>
    template
      .instances(spec, schemas)
      .map((entry) => ({ ...entry, group: entry.group || API_GROUP })),
  )
  // Keys are unique: a template instantiated twice for the same thing is one case.
  const unique = [...new Map(cases.map((entry) => [entry.key, entry])).values()]
  cache.set(spec, unique)
  return unique
}

export type SuiteSummary = {
  total: number
  byCategory: Record<Category, number>
  byTemplate: Record<string, number>
}

export function summarise(cases: SuiteCase[]): SuiteSummary {
  const byCategory = Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<
    Category,
    number
  >
  const byTemplate: Record<string, number> = {}
  for (const entry of cases) {
    byCategory[entry.category]++
    byTemplate[entry.templateId] = (byTemplate[entry.templateId] ?? 0) + 1
  }
  return { total: cases.length, byCategory, byTemplate }
}
