/** Where Settings → Audit trail lives, and its exports (a resource route). */
export const AUDIT_PATH = '/settings/audit'
export const AUDIT_EXPORT_PATH = '/settings/audit/export'
