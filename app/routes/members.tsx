import { redirect } from '@remix-run/node'

/** Members moved under the organisation settings; old links keep working. */
export const loader = () => redirect('/settings/members', 301)
