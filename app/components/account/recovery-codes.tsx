/** The recovery codes just generated: shown this once, to copy or print. */
import { Link } from '@remix-run/react'
import { CopyButton } from '~/components/copy-button'
import { Notice, Panel } from '~/components/ui/panel'

export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Panel
      title="Your recovery codes"
      actions={<CopyButton text={codes.join('\n')} label="Copy all" />}
    >
      <Notice tone="warning">
        Save these codes now (a password manager, or printed): they are shown only this once. Each
        one signs you in once if you lose your device.
      </Notice>
      <ul className="mt-4 grid grid-cols-2 gap-2 font-mono text-sm sm:grid-cols-5">
        {codes.map((code) => (
          <li key={code} className="rounded bg-slate-100 px-2 py-1 text-center text-slate-900">
            {code}
          </li>
        ))}
      </ul>
      <p className="mt-4 text-sm">
        <Link to="/projects" className="font-semibold text-indigo-600 hover:underline">
          I saved them: continue to your projects
        </Link>
      </p>
    </Panel>
  )
}
