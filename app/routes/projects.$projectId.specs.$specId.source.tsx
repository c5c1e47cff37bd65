import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { buttonClass } from '~/components/ui/button'
import { ErrorList, inputClass } from '~/components/ui/forms'
import { Notice, Panel } from '~/components/ui/panel'
import { requireProjectAccess } from '~/server/access.server'
import { pageActor } from '~/server/audit/log.server'
import {
  readSpecSource,
  rotateInboundSecret,
  saveSpecSource,
  SpecSourceError,
  SpecSourceSchema,
} from '~/server/drift/source.server'
import { appOrigin } from '~/server/http.server'

/** Reads the spec's source settings; another project's spec is a 404. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { project } = await requireProjectAccess(request, params.projectId, 'project:read')
  try {
    const source = await readSpecSource(project.id, params.specId ?? '')
    return {
      projectId: project.id,
      ...source,
      inboundUrl: `${appOrigin(request)}${source.inboundPath}`,
    }
  } catch (error) {
    if (error instanceof SpecSourceError) throw new Response(error.message, { status: 404 })
    throw error
  }
}

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('save'),
    sourceUrl: z.string().default(''),
    inboundScheme: z.string(),
    runOnNewVersion: z.string().optional(),
  }),
  z.object({ intent: z.literal('rotate') }),
])

/** intent=save (URL, scheme, run toggle; a first save creates the secret) | rotate. Writers only. */
export async function action({ request, params }: ActionFunctionArgs) {
  const access = await requireProjectAccess(request, params.projectId, 'project:write')
  const parsed = Intent.safeParse(Object.fromEntries(await request.formData()))
  if (!parsed.success) return { errors: ['Unknown action.'], secret: null }
  const actor = pageActor(access, request)
  try {
    if (parsed.data.intent === 'rotate')
      return { errors: null, secret: await rotateInboundSecret(actor, params.specId ?? '') }
    const input = SpecSourceSchema.safeParse({
      sourceUrl: parsed.data.sourceUrl,
      inboundScheme: parsed.data.inboundScheme,
      runOnNewVersion: parsed.data.runOnNewVersion === 'on',
    })
    if (!input.success)
      return { errors: input.error.issues.map((issue) => issue.message), secret: null }
    const { secret } = await saveSpecSource(actor, params.specId ?? '', input.data)
    return { errors: null, secret, saved: true }
  } catch (error) {
    if (error instanceof SpecSourceError) throw new Response(error.message, { status: 404 })
    throw error
  }
}

export default function SpecSourcePage() {
  const data = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="space-y-6">
      <div>
        <Link
          to={`/projects/${data.projectId}/specs`}
          className="text-sm text-indigo-700 hover:underline"
        >
          ← All specs
        </Link>
        <h2 className="mt-1 text-xl font-bold text-slate-900">
          {data.specName} · source and updates
        </h2>
        <p className="text-sm text-slate-600">
          Push new versions from CI (POST the spec to{' '}
          <code>
            /api/v1/projects/{data.projectId}/specs/{data.specId}/versions
          </code>{' '}
          with a project API token), or let a signed webhook make this server fetch the source URL
          again.
        </p>
      </div>
      {result?.secret ? (
        <Notice tone="success">
          Signing secret (shown once, copy it now):{' '}
          <code data-testid="inbound-secret">{result.secret}</code>
        </Notice>
      ) : result && 'saved' in result ? (
        <Notice tone="success">Saved.</Notice>
      ) : null}
      <Panel title="Source">
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="save" />
          <div>
            <label htmlFor="sourceUrl" className="block text-sm font-medium text-slate-800">
              Spec URL (fetched through the guarded client when the webhook fires)
            </label>
            <input
              id="sourceUrl"
              name="sourceUrl"
              type="url"
              defaultValue={data.sourceUrl ?? ''}
              placeholder="https://raw.githubusercontent.com/acme/api/main/openapi.yaml"
              className={`${inputClass} mt-1`}
              aria-invalid={result?.errors ? true : undefined}
              aria-describedby={result?.errors ? 'source-errors' : undefined}
            />
            <ErrorList id="source-errors" errors={result?.errors} />
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Webhook signature</legend>
            <label className="mt-1 flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="inboundScheme"
                value="github"
                defaultChecked={data.inboundScheme === 'github'}
              />
              GitHub push (<code>X-Hub-Signature-256</code>)
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="inboundScheme"
                value="hmac"
                defaultChecked={data.inboundScheme === 'hmac'}
              />
              Generic HMAC (<code>X-Copilot-Timestamp</code> +{' '}
              <code>X-Copilot-Signature: sha256=&lt;hex of &quot;timestamp.body&quot;&gt;</code>)
            </label>
          </fieldset>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="runOnNewVersion" defaultChecked={data.runOnNewVersion} />
            Run the golden suite against the Mock when a new version arrives
          </label>
          <button type="submit" className={buttonClass('primary')}>
            Save
          </button>
        </Form>
      </Panel>
      <Panel title="Inbound webhook">
        <dl className="space-y-2 text-sm">
          <div>
            <dt className="font-medium text-slate-800">Payload URL</dt>
            <dd>
              <code data-testid="inbound-url">{data.inboundUrl}</code>
            </dd>
          </div>
          <div>
            <dt className="font-medium text-slate-800">Signing secret</dt>
            <dd>{data.secretMask ?? 'None yet: saving the form creates one (shown once).'}</dd>
          </div>
        </dl>
        {data.secretMask ? (
          <Form method="post" className="mt-3">
            <input type="hidden" name="intent" value="rotate" />
            <button type="submit" className={buttonClass('secondary')}>
              Rotate the secret
            </button>
          </Form>
        ) : null}
      </Panel>
    </div>
  )
}
