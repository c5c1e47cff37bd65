/**
 * Stand-ins for @remix-run/react so a route's page renders with renderToString, outside a
 * router: the loader and action data come from `state`, links are plain anchors, forms plain
 * forms, and navigation is always idle. Use with vitest's hoisting:
 *
 *   const current = vi.hoisted(() => ({ data: undefined as unknown, action: undefined as unknown }))
 *   vi.mock('@remix-run/react', async (original) =>
 *     (await import('../support/remix-react-stub')).stubRemixReact(await original(), current),
 *   )
 */
import type * as RemixReact from '@remix-run/react'
import { createElement, type ReactNode } from 'react'

export type RemixStubState = { data: unknown; action?: unknown }

export function stubRemixReact(actual: typeof RemixReact, state: RemixStubState) {
  const anchor = ({ to, children, ...rest }: { to: string; children?: ReactNode }) =>
    createElement('a', { href: to, ...rest }, children)
  return {
    ...actual,
    useLoaderData: () => state.data,
    useActionData: () => state.action,
    useNavigation: () => ({ state: 'idle' }),
    useRevalidator: () => ({ state: 'idle', revalidate: () => undefined }),
    useLocation: () => ({ pathname: '/', search: '', hash: '', state: null, key: 'default' }),
    Link: anchor,
    NavLink: anchor,
    Form: ({ children, ...rest }: { children?: ReactNode }) =>
      createElement('form', rest, children),
  }
}
