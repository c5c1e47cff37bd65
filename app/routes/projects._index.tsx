import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { Page } from '~/components/page'
import { ProjectNameSchema } from '~/shared/project-schemas'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors } from '~/components/ui/forms'
import { EmptyState, Panel } from '~/components/ui/panel'
import { can, projectsHiddenFrom, requireOrgAccess } from '~/server/access.server'
import { audit } from '~/server/audit/log.server'
import { getClientIp } from '~/server/http.server'
import { createProject, listProjects } from '~/server/projects.server'
import { redirectWithToast } from '~/server/toast.server'
import { formatDate } from '~/shared/format'

export const meta: MetaFunction = () => [{ title: 'Projects · Integration Copilot' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const access = await requireOrgAccess(request, 'project:read')
  const url = new URL(request.url)
  const archived = url.searchParams.get('archived') === '1'
  const page = Math.max(1, Number.parseInt(url.searchParams.get('page') ?? '1', 10) || 1)
  const result = await listProjects(access.organization.id, {
    archived,
    page,
    hiddenIds: await projectsHiddenFrom(access),
  })
  return {
    organizationName: access.organization.name,
    canCreate: can(access, 'project:create'),
    archived,
    ...result,
    projects: result.projects.map((project) => ({
      id: project.id,
      name: project.name,
      description: project.description,
      updatedAt: project.updatedAt.toISOString(),
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const access = await requireOrgAccess(request, 'project:create')
  const formData = await request.formData()
  const submission = parseWithZod(formData, { schema: ProjectNameSchema })
  if (submission.status !== 'success') return data(submission.reply(), { status: 400 })
  const project = await createProject(access.organization.id, submission.value)
  await audit({
    action: 'project.created',
    actorUserId: access.user.id,
    organizationId: access.organization.id,
    projectId: project.id,
    targetType: 'project',
    targetId: project.id,
    ip: getClientIp(request),
  })
  return redirectWithToast(`/projects/${project.id}/overview`, {
    type: 'success',
    message: `Project “${project.name}” created.`,
  })
}

export default function ProjectsPage() {
  const { organizationName, projects, canCreate, archived, page, pageCount, total } =
    useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const [form, fields] = useForm({
    id: 'create-project',
    lastResult,
    constraint: getZodConstraint(ProjectNameSchema),
    shouldRevalidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProjectNameSchema }),
  })
  const pageLink = (target: number) =>
    `?${new URLSearchParams({ ...(archived ? { archived: '1' } : {}), page: String(target) })}`
  return (
    <Page
      title="Projects"
      description={`${organizationName}: each project onboards partners onto one API.`}
      actions={
        <nav aria-label="Project filter" className="flex gap-2 text-sm">
          <Link
            to="/projects"
            aria-current={!archived ? 'page' : undefined}
            className={`rounded-md px-3 py-1.5 ${!archived ? 'bg-white font-semibold shadow-sm ring-1 ring-slate-200' : 'text-slate-600 hover:text-slate-900'}`}
          >
            Active
          </Link>
          <Link
            to="/projects?archived=1"
            aria-current={archived ? 'page' : undefined}
            className={`rounded-md px-3 py-1.5 ${archived ? 'bg-white font-semibold shadow-sm ring-1 ring-slate-200' : 'text-slate-600 hover:text-slate-900'}`}
          >
            Archived
          </Link>
        </nav>
      }
    >
      {canCreate && !archived ? (
        <Panel title="New project">
          <Form
            method="post"
            className="grid gap-4 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
            {...getFormProps(form)}
          >
            <FormErrors errors={form.errors} id={form.errorId} />
            <Field label="Project name" meta={fields.name} hint="For example “Payments API v2”." />
            <Field label="Description" meta={fields.description} hint="Optional." />
            <SubmitButton className="sm:mt-6" pendingText="Creating…">
              Create project
            </SubmitButton>
          </Form>
        </Panel>
      ) : null}

      {projects.length === 0 ? (
        <EmptyState title={archived ? 'No archived projects' : 'No projects yet'}>
          {archived
            ? 'Projects you archive are kept here.'
            : canCreate
              ? 'Create your first project above, then import your OpenAPI spec into it.'
              : 'When a colleague creates a project, it appears here.'}
        </EmptyState>
      ) : (
        <>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {projects.map((project) => (
              <li key={project.id}>
                <Link
                  to={`/projects/${project.id}/overview`}
                  className="block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm transition hover:border-indigo-300 hover:shadow"
                >
                  <h2 className="font-semibold text-slate-900">{project.name}</h2>
                  {project.description ? (
                    <p className="mt-1 line-clamp-2 text-sm text-slate-600">
                      {project.description}
                    </p>
                  ) : null}
                  <p className="mt-3 text-xs text-slate-500">
                    Updated {formatDate(project.updatedAt)}
                  </p>
                </Link>
              </li>
            ))}
          </ul>
          {pageCount > 1 ? (
            <nav
              aria-label="Pagination"
              className="flex items-center justify-between text-sm text-slate-600"
            >
              <span>
                Page {page} of {pageCount} · {total} projects
              </span>
              <span className="flex gap-2">
                {page > 1 ? (
                  <Link to={pageLink(page - 1)} className="font-semibold text-indigo-600">
                    Previous
                  </Link>
                ) : null}
                {page < pageCount ? (
                  <Link to={pageLink(page + 1)} className="font-semibold text-indigo-600">
                    Next
                  </Link>
                ) : null}
              </span>
            </nav>
          ) : null}
        </>
      )}
    </Page>
  )
}
