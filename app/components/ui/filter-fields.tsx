/**
 * The labelled fields of a GET filter form (audit trail, traces): each is `filter-<name>`
 * (camelCase names in kebab case), with its label above and an optional hint it is
 * described by.
 */
import type { InputHTMLAttributes, ReactNode } from 'react'
import { inputClass } from './forms'

const LABEL = 'block text-sm font-medium text-slate-800'

function fieldId(name: string) {
  return `filter-${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`
}

function FilterField({
  id,
  label,
  hint,
  className,
  children,
}: {
  id: string
  label: string
  hint?: string
  className?: string
  children: ReactNode
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  )
}

/** A text or date filter; `after` goes right after the input (a datalist). */
export function FilterInput({
  name,
  label,
  hint,
  after,
  type = 'text',
  ...input
}: {
  name: string
  label: string
  hint?: string
  after?: ReactNode
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name' | 'className'>) {
  const id = fieldId(name)
  return (
    <FilterField id={id} label={label} hint={hint}>
      <input
        id={id}
        name={name}
        type={type}
        {...input}
        {...(hint ? { 'aria-describedby': `${id}-hint` } : {})}
        className={`${inputClass} mt-1`}
      />
      {after}
    </FilterField>
  )
}

/** A choice among `children` (options, optgroups). */
export function FilterSelect({
  name,
  label,
  defaultValue,
  className,
  children,
}: {
  name: string
  label: string
  defaultValue: string
  className?: string
  children: ReactNode
}) {
  const id = fieldId(name)
  return (
    <FilterField id={id} label={label} className={className}>
      <select id={id} name={name} defaultValue={defaultValue} className={`${inputClass} mt-1`}>
        {children}
      </select>
    </FilterField>
  )
}
