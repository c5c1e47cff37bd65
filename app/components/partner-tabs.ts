/** The partner portal's sections, in display order ('' is the dashboard). */
export const PARTNER_TABS = [
  { slug: '', label: 'Dashboard' },
  { slug: 'specs', label: 'Specs' },
  { slug: 'mocks', label: 'Mocks' },
  { slug: 'playground', label: 'Playground' },
  { slug: 'tests', label: 'Tests' },
  { slug: 'traces', label: 'Traces' },
  { slug: 'plan', label: 'Plan' },
  { slug: 'reports', label: 'Reports' },
] as const
