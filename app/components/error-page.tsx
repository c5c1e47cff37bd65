export function ErrorPage({ status, message }: { status: number; message: string }) {
  const titles: Record<number, string> = { 403: 'Not allowed', 404: 'Not found' }
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600">{status}</p>
      <h1 className="mt-2 text-2xl font-bold text-slate-900">
        {titles[status] ?? 'Something went wrong'}
      </h1>
      <p className="mt-3 text-slate-600">{message}</p>
      <a
        href="/projects"
        className="mt-6 inline-block text-sm font-semibold text-indigo-600 hover:underline"
      >
        Back to projects
      </a>
    </main>
  )
}
