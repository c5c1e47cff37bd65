import type { Action } from '~/server/access.server'

/** The organisation settings tabs, in display order; each has its own route module under /settings. */
export const SETTINGS_TABS = [
  { slug: 'members', label: 'Members', action: 'member:read' },
  { slug: 'roles', label: 'Roles', action: 'member:manage' },
  { slug: 'sso', label: 'Single sign-on', action: 'org:manage' },
  { slug: 'security', label: 'Security', action: 'org:manage' },
  { slug: 'tokens', label: 'API tokens', action: 'token:manage' },
  { slug: 'usage', label: 'Usage', action: 'member:read' },
  { slug: 'audit', label: 'Audit trail', action: 'audit:read' },
  { slug: 'retention', label: 'Retention', action: 'org:manage' },
] as const satisfies readonly { slug: string; label: string; action: Action }[]

export type SettingsTab = (typeof SETTINGS_TABS)[number]
