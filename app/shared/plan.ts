/** The five onboarding phases and the words the plan, the reports and the API use for them. */
export const PHASES = ['discovery', 'build', 'sandbox', 'uat', 'golive'] as const
export type Phase = (typeof PHASES)[number]

export const PHASE_LABELS: Record<Phase, string> = {
  discovery: 'Discovery & access',
  build: 'Build on mock',
  sandbox: 'Sandbox certification',
  uat: 'UAT',
  golive: 'Go-live',
}

export const ITEM_STATUSES = ['open', 'in_progress', 'blocked', 'done'] as const
export type ItemStatus = (typeof ITEM_STATUSES)[number]

export const ITEM_STATUS_LABELS: Record<ItemStatus, string> = {
  open: 'To do',
  in_progress: 'In progress',
  blocked: 'Blocked',
  done: 'Done',
}

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value)
}
