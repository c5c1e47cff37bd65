import { getInputProps, type FieldMetadata } from '@conform-to/react'
import type { InputHTMLAttributes, ReactNode } from 'react'

export const inputClass =
  'block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 aria-[invalid]:ring-red-500 sm:text-sm'

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const messages = errors?.filter(Boolean) ?? []
  if (messages.length === 0) return null
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-sm text-red-700">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  )
}

type FieldProps = {
  label: string
  meta: FieldMetadata<string | number | undefined>
  type?: 'text' | 'email' | 'password' | 'url' | 'search' | 'number'
  hint?: ReactNode
  inputProps?: InputHTMLAttributes<HTMLInputElement>
}

/** A labelled input whose errors are tied to it through aria-invalid / aria-describedby. */
export function Field({ label, meta, type = 'text', hint, inputProps }: FieldProps) {
  const hintId = hint ? `${meta.id}-hint` : undefined
  const props = getInputProps(meta, { type, ariaDescribedBy: hintId })
  return (
    <div>
      <label htmlFor={meta.id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1">
        <input {...props} {...inputProps} key={props.key} className={inputClass} />
      </div>
      {hint ? (
        <p id={hintId} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <ErrorList id={meta.errorId} errors={meta.errors} />
    </div>
  )
}

/** Hidden from people and assistive tech; bots that fill every field are refused. */
export function HoneypotField() {
  return (
    <div aria-hidden className="absolute -left-[9999px] h-px w-px overflow-hidden">
      <label htmlFor="website">Leave this field empty</label>
      <input
        id="website"
        name="website"
        type="text"
        tabIndex={-1}
        autoComplete="off"
        defaultValue=""
      />
    </div>
  )
}

export function FormErrors({ errors, id }: { errors?: string[] | null; id?: string }) {
  const messages = errors?.filter(Boolean) ?? []
  if (messages.length === 0) return null
  return (
    <div
      id={id}
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
    >
      {messages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  )
}
