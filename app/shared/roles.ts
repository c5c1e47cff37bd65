/** Organisation roles; shared by the UI and app/server/access.ts (which holds the permission table). */
export const ROLES = ['OWNER', 'ADMIN', 'VENDOR', 'VIEWER'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  VENDOR: 'Vendor',
  VIEWER: 'Viewer',
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

export function roleLabel(role: string): string {
  return isRole(role) ? ROLE_LABELS[role] : role
}

export const PASSWORD_MIN_LENGTH = 10
