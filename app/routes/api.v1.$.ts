import { jsonError } from '~/server/http.server'

/**
 * Unknown /api/v1 paths answer JSON, not the HTML 404 page. Deliberately public (no
 * require*() call): it reads no data and answers the same with or without a token.
 */
export async function loader() {
  return jsonError(404, 'No such API endpoint. See the README for the /api/v1 reference.')
}

export const action = loader
