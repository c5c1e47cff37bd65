/**
 * The request playground, the same for vendors and partners: pick an
 * operation, fill the request (prefilled from the spec), send it through the
 * server, read the answer with every violation on its line, copy it as code,
 * keep it as a template. `actionData` is the last send's answer.
 */
import { useLocation } from '@remix-run/react'
import { AnnotationList } from '~/components/annotations/annotation-list'
import { MethodBadge } from '~/components/method-badge'
import { EmptyState, Notice, Panel } from '~/components/ui/panel'
import type { PlaygroundActionData, PlaygroundView } from '~/shared/playground'
import { OperationPicker } from './operation-picker'
import { RequestForm } from './request-form'
import { ResponsePanel } from './response-panel'
import { SavedLists } from './saved-lists'
import { SnippetTabs } from './snippet-tabs'

/** A short key of a draft: the form is rebuilt (its defaults applied again) when it changes. */
function keyOf(text: string): string {
  let hash = 0
  for (let index = 0; index < text.length; index++)
    hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0
  return `${text.length}-${hash}`
}

export function Playground({
  view,
  actionData,
}: {
  view: PlaygroundView
  actionData: PlaygroundActionData | undefined
}) {
  const location = useLocation()
  const { selected } = view
  // The answer belongs to the operation shown (a later navigation clears it anyway).
  const answer = actionData?.draft && actionData.draft.op === selected?.key ? actionData : undefined
  const draft = answer?.draft ?? view.draft
  const snippets = answer ? answer.snippets : view.snippets
  const outcome = answer?.outcome ?? null
  const action = `${view.base}${location.search}`
  return (
    <div className="grid gap-6 lg:grid-cols-[20rem_minmax(0,1fr)]">
      <div className="space-y-6">
        <OperationPicker
          base={view.base}
          catalogue={view.catalogue}
          selectedKey={selected?.key ?? null}
          env={draft?.env ?? null}
        />
        <SavedLists
          templates={view.templates}
          history={view.history}
          action={action}
          canDelete={view.canSend}
          currentId={view.loaded?.id ?? null}
        />
      </div>
      <div className="min-w-0 space-y-6">
        {view.notice ? <Notice tone="warning">{view.notice}</Notice> : null}
        {!selected || !draft ? (
          <EmptyState title="Pick an operation">
            Search the operations on the left and choose one: its request is prefilled from the
            spec’s examples, checked against the spec before and after it is sent.
          </EmptyState>
        ) : (
          <>
            <Panel
              title={
                <span className="flex flex-wrap items-center gap-2">
                  <MethodBadge method={selected.method} />
                  <span className="break-all font-mono text-sm">{selected.path}</span>
                </span>
              }
            >
              <div className="space-y-4">
                <p className="text-sm text-slate-600">
                  {selected.summary ?? selected.operationId ?? 'No summary.'}
                  <span className="text-slate-400">
                    {' '}
                    · {selected.specName} v{selected.versionNumber}
                    {selected.operationId ? ` · ${selected.operationId}` : ''}
                  </span>
                  {selected.deprecated ? (
                    <span className="ml-2 text-amber-700">Deprecated.</span>
                  ) : null}
                </p>
                {view.loaded ? (
                  <Notice>
                    Loaded{' '}
                    {view.loaded.kind === 'template'
                      ? `template “${view.loaded.name}”`
                      : 'a request from your history'}
                    .
                  </Notice>
                ) : null}
                <AnnotationList annotations={selected.notes} />
                <RequestForm
                  key={keyOf(JSON.stringify(draft) + JSON.stringify(outcome?.request ?? null))}
                  action={action}
                  selected={selected}
                  draft={draft}
                  environments={view.environments}
                  canSend={view.canSend}
                  lastResult={actionData?.reply}
                  bodyViolations={outcome?.request.body.violations ?? []}
                  otherViolations={outcome?.request.other ?? []}
                />
              </div>
            </Panel>
            {outcome ? <ResponsePanel outcome={outcome} /> : null}
            {snippets ? <SnippetTabs snippets={snippets} /> : null}
          </>
        )}
      </div>
    </div>
  )
}
