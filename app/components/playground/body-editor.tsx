/**
 * The request body: a plain `<textarea name="body">` (what works without
 * JavaScript), turned into a CodeMirror 6 JSON editor with lint markers once
 * the browser has loaded it. The violations are listed below either way,
 * "line N: message".
 */
import { useEffect, useRef, useState } from 'react'
import { inputClass } from '~/components/ui/forms'
import type { PlacedViolation } from '~/shared/playground'
import { ViolationList } from './violations'

export function BodyEditor({
  id,
  name = 'body',
  defaultValue,
  violations,
  errors,
}: {
  id: string
  name?: string
  defaultValue: string
  violations: PlacedViolation[]
  errors?: string[]
}) {
  const textarea = useRef<HTMLTextAreaElement>(null)
  const host = useRef<HTMLDivElement>(null)
  const [enhanced, setEnhanced] = useState(false)
  const marks = violations.flatMap((violation) =>
    violation.line === null
      ? []
      : [{ line: violation.line, message: `${violation.location} ${violation.message}` }],
  )
  const marksKey = JSON.stringify(marks)

  useEffect(() => {
    const area = textarea.current
    const parent = host.current
    if (!area || !parent) return
    let destroy: (() => void) | undefined
    let cancelled = false
    import('./json-editor.client')
      .then(({ mountJsonEditor }) => {
        if (cancelled) return
        destroy = mountJsonEditor(
          parent,
          area,
          JSON.parse(marksKey) as typeof marks,
          'Request body (JSON editor)',
        )
        setEnhanced(true)
      })
      .catch(() => {
        // The editor could not load: the textarea keeps working.
      })
    return () => {
      cancelled = true
      destroy?.()
      setEnhanced(false)
    }
    // `marks` is read through its key: the editor is rebuilt when the violations change.
  }, [marksKey])

  const listId = `${id}-violations`
  const errorId = `${id}-errors`
  return (
    <div className="space-y-2">
      <textarea
        ref={textarea}
        id={id}
        name={name}
        defaultValue={defaultValue}
        rows={Math.min(24, Math.max(6, defaultValue.split('\n').length + 1))}
        spellCheck={false}
        hidden={enhanced}
        aria-invalid={violations.length > 0 || Boolean(errors?.length) || undefined}
        aria-describedby={
          [violations.length ? listId : '', errors?.length ? errorId : '']
            .filter(Boolean)
            .join(' ') || undefined
        }
        // `hidden` alone loses to the input class's `display: block`.
        className={`${inputClass} font-mono text-xs ${enhanced ? 'hidden' : ''}`}
      />
      <div ref={host} hidden={!enhanced} data-testid="body-editor" />
      {errors?.length ? (
        <ul id={errorId} className="text-sm text-red-700">
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      ) : null}
      <ViolationList id={listId} violations={violations} title="Body violations" />
    </div>
  )
}
