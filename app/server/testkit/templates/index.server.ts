/** Every template implementation, in catalogue order. */
import { GOLDEN_TEMPLATES } from '~/shared/golden-templates'
import { ACCESS_TEMPLATES } from './access.server'
import type { TemplateImpl } from './base.server'
import { CONTRACT_TEMPLATES } from './contract.server'
import { OUTCOME_TEMPLATES } from './outcomes.server'
import { REJECTION_TEMPLATES } from './rejections.server'
import { TRAFFIC_TEMPLATES } from './traffic.server'

const ALL = [
  ...ACCESS_TEMPLATES,
  ...CONTRACT_TEMPLATES,
  ...REJECTION_TEMPLATES,
  ...TRAFFIC_TEMPLATES,
  ...OUTCOME_TEMPLATES,
]
const BY_ID = new Map(ALL.map((template) => [template.id, template]))

/** Implementations in the catalogue's order (the catalogue is the documentation). */
export const TEMPLATE_IMPLS: TemplateImpl[] = GOLDEN_TEMPLATES.map((template) => {
  const impl = BY_ID.get(template.id)
  if (!impl) throw new Error(`Template ${template.id} has no implementation`)
  return impl
})

export function templateImpl(id: string): TemplateImpl {
  const impl = BY_ID.get(id)
  if (!impl) throw new Error(`Unknown template ${id}`)
  return impl
}

export type { TemplateImpl }
