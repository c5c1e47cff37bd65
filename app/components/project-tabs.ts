/** The project tabs, in display order; each has its own route module. */
export const PROJECT_TABS = [
  { slug: 'overview', label: 'Overview' },
  { slug: 'specs', label: 'Specs' },
  { slug: 'mocks', label: 'Mocks' },
  { slug: 'tests', label: 'Tests' },
  { slug: 'playground', label: 'Playground' },
  { slug: 'traces', label: 'Traces' },
  { slug: 'partners', label: 'Partners' },
  { slug: 'plan', label: 'Plan' },
  { slug: 'reports', label: 'Reports' },
  { slug: 'settings', label: 'Settings' },
] as const

export type ProjectTab = (typeof PROJECT_TABS)[number]
