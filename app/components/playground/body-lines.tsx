/** A body with numbered lines; a line a violation concerns is marked and carries its messages. */
import { plural } from '~/shared/format'
import type { BodyView, PlacedViolation } from '~/shared/playground'
import { ViolationText } from './violations'

/** Longer bodies are cut for display (a 1 MB answer pretty-printed is tens of thousands of lines). */
const MAX_SHOWN_LINES = 5000

export function BodyLines({ body, label }: { body: BodyView; label: string }) {
  if (body.kind === 'empty') return <p className="text-xs text-slate-500">No body.</p>
  const marked = new Map<number, PlacedViolation[]>()
  for (const violation of body.violations)
    if (violation.line !== null)
      marked.set(violation.line, [...(marked.get(violation.line) ?? []), violation])
  const all = body.text.split('\n')
  const lines = all.slice(0, MAX_SHOWN_LINES)
  return (
    <>
      {all.length > lines.length ? (
        <p className="text-xs text-amber-800">
          Only the first {MAX_SHOWN_LINES.toLocaleString('en-GB')} lines are shown (
          {(all.length - lines.length).toLocaleString('en-GB')} more); violations further down are
          listed with their line.
        </p>
      ) : null}
      <div className="max-h-[36rem] overflow-auto rounded-md bg-slate-50 ring-1 ring-slate-200">
        <table
          className="min-w-full font-mono text-xs"
          aria-label={`${label}, ${plural(lines.length, 'line')}`}
        >
          <tbody>
            {lines.map((text, index) => {
              const violations = marked.get(index + 1)
              return (
                <tr
                  key={index}
                  className={violations ? 'bg-red-50 shadow-[inset_4px_0_0_rgb(239,68,68)]' : ''}
                >
                  <td className="w-12 select-none pr-3 text-right align-top text-slate-400">
                    {index + 1}
                  </td>
                  <td className="whitespace-pre-wrap break-all pr-3 text-slate-900">
                    {text || ' '}
                    {violations ? (
                      <ul className="my-0.5 font-sans text-red-800">
                        {violations.map((violation, position) => (
                          <li key={position}>
                            <span aria-hidden>⚠ </span>
                            <ViolationText violation={violation} />
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
    </>
  )
}
