/** The case page's Jira panel: the issue's key and link once opened, else "Create Jira issue". */
import { Form, Link } from '@remix-run/react'
import { SubmitButton } from '~/components/ui/button'
import { Panel } from '~/components/ui/panel'

export function JiraPanel({
  jira,
  projectId,
}: {
  projectId: string
  jira: { configured: boolean; issue: { key: string; url: string } | null; pending: boolean }
}) {
  return (
    <Panel title="Jira">
      {jira.issue ? (
        <p className="text-sm text-slate-700" data-testid="jira-issue">
          Tracked as{' '}
          <a
            href={jira.issue.url}
            className="font-medium text-indigo-700 hover:underline"
            rel="noreferrer noopener"
            target="_blank"
          >
            {jira.issue.key}
          </a>
          .
        </p>
      ) : jira.pending ? (
        <p className="text-sm text-slate-600">
          Opening the Jira issue… reload the page in a moment.
        </p>
      ) : jira.configured ? (
        <Form method="post">
          <input type="hidden" name="intent" value="create-jira" />
          <SubmitButton variant="secondary" pendingText="Queuing…">
            Create Jira issue
          </SubmitButton>
        </Form>
      ) : (
        <p className="text-sm text-slate-600">
          Connect Jira in{' '}
          <Link
            to={`/projects/${projectId}/settings/connectors`}
            className="text-indigo-700 hover:underline"
          >
            Settings → Connectors
          </Link>{' '}
          to open issues from failing cases.
        </p>
      )}
    </Panel>
  )
}
