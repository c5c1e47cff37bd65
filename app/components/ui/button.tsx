import { useNavigation } from '@remix-run/react'
import type { ButtonHTMLAttributes } from 'react'

const VARIANTS = {
  primary: 'bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-400',
  secondary:
    'bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-400',
  danger:
    'bg-white text-red-700 ring-1 ring-inset ring-red-300 hover:bg-red-50 disabled:text-red-300',
  ghost: 'text-slate-700 hover:bg-slate-100',
} as const

export type ButtonVariant = keyof typeof VARIANTS

export function buttonClass(variant: ButtonVariant = 'primary', extra = '') {
  return `inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-semibold shadow-sm transition disabled:cursor-not-allowed ${VARIANTS[variant]} ${extra}`
}

type Props = ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant }

export function Button({ variant = 'primary', className = '', type = 'button', ...props }: Props) {
  return <button type={type} className={buttonClass(variant, className)} {...props} />
}

/**
 * A submit button that shows a pending label while its form is submitting.
 * `intent` lets several buttons share one form; only the clicked one shows pending.
 * `pendingFor` ([field, value]) tells apart identical buttons in many forms (one per row).
 */
export function SubmitButton({
  children,
  pendingText,
  pendingFor,
  name,
  value,
  formAction,
  ...props
}: Props & { pendingText?: string; pendingFor?: [string, string] }) {
  const navigation = useNavigation()
  const submitting = navigation.state === 'submitting'
  const matchesIntent = name ? navigation.formData?.get(name) === value : true
  const matchesAction = formAction ? navigation.formAction === formAction : true
  const matchesRow = pendingFor ? navigation.formData?.get(pendingFor[0]) === pendingFor[1] : true
  const pending = submitting && matchesIntent && matchesAction && matchesRow
  return (
    <Button
      type="submit"
      name={name}
      value={value}
      formAction={formAction}
      aria-disabled={pending || undefined}
      {...props}
    >
      {pending ? (
        <>
          <span
            aria-hidden
            className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent"
          />
          {pendingText ?? 'Working…'}
        </>
      ) : (
        children
      )}
    </Button>
  )
}
