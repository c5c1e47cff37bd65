/** The project tabs, in display order. `built` tabs have their own route module. */
export const PROJECT_TABS = [
  { slug: 'overview', label: 'Overview', built: true },
  { slug: 'specs', label: 'Specs', built: true },
  { slug: 'mocks', label: 'Mocks', built: true },
  { slug: 'tests', label: 'Tests', built: true },
  { slug: 'traces', label: 'Traces', built: false },
  { slug: 'plan', label: 'Plan', built: false },
  { slug: 'reports', label: 'Reports', built: false },
  { slug: 'settings', label: 'Settings', built: true },
] as const

export type ProjectTab = (typeof PROJECT_TABS)[number]

export function findUnbuiltTab(slug: string | undefined): ProjectTab | undefined {
  return PROJECT_TABS.find((tab) => tab.slug === slug && !tab.built)
}
