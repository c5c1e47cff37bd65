import { jsonError } from '~/server/http.server'

/** Unknown /api/v1 paths answer JSON, not the HTML 404 page. */
export async function loader() {
  return jsonError(404, 'No such API endpoint. See the README for the /api/v1 reference.')
}

export const action = loader
