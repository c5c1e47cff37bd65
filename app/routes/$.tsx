import { ErrorPage } from '~/components/error-page'

export async function loader() {
  throw new Response('There is no page at this address.', { status: 404 })
}

export default function NotFound() {
  return <ErrorPage status={404} message="There is no page at this address." />
}

export function ErrorBoundary() {
  return <ErrorPage status={404} message="There is no page at this address." />
}
