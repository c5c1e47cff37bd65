import type { ReactNode } from 'react'
import { buttonClass, SubmitButton } from './button'

/**
 * A destructive submit behind a second, explicit click: the first opens a small
 * panel saying what will be lost. A <details> element, so it works without
 * JavaScript and from the keyboard (Enter or Space on the summary opens it,
 * Escape closes it once JavaScript has loaded).
 */
export function ConfirmAction({
  label,
  confirmLabel,
  children,
  name = 'intent',
  value,
  pendingFor,
  compact = false,
}: {
  /** The button that opens the confirmation (may include sr-only context). */
  label: ReactNode
  confirmLabel: string
  /** What happens, in a sentence or two. */
  children: ReactNode
  name?: string
  value: string
  pendingFor?: [string, string]
  compact?: boolean
}) {
  const size = compact ? '!px-2 !py-1 !text-xs' : '!py-1'
  return (
    <details
      className="group relative"
      onKeyDown={(event) => {
        if (event.key === 'Escape') event.currentTarget.open = false
      }}
    >
      <summary className={`${buttonClass('danger', size)} cursor-pointer list-none`}>
        {label}
      </summary>
      <div
        role="group"
        aria-label="Confirm"
        className="absolute right-0 z-20 mt-1 w-72 space-y-2 rounded-md border border-red-200 bg-white p-3 text-left text-xs text-slate-700 shadow-lg"
      >
        <div>{children}</div>
        <SubmitButton
          variant="danger"
          className="!bg-red-600 !py-1 !text-xs !text-white hover:!bg-red-500"
          name={name}
          value={value}
          pendingFor={pendingFor}
          pendingText="Deleting…"
        >
          {confirmLabel}
        </SubmitButton>
      </div>
    </details>
  )
}
