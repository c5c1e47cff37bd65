/**
 * msw handlers for GitHub's fixed OAuth and API endpoints. Used by vitest and
 * by the server under MOCKS=true so the whole OAuth journey runs offline.
 */
import { http, HttpResponse } from 'msw'

export const MOCK_GITHUB_USER = {
  id: 4242,
  login: 'octo-vendor',
  name: 'Octo Vendor',
  email: 'octo@github.test',
}

export const githubHandlers = [
  http.post('https://github.com/login/oauth/access_token', async ({ request }) => {
    const body = new URLSearchParams(await request.text())
    if (!body.get('code')) {
      return HttpResponse.json({ error: 'bad_verification_code' }, { status: 400 })
    }
    return HttpResponse.json({
      access_token: 'mock-access-token',
      token_type: 'bearer',
      scope: 'read:user,user:email',
    })
  }),
  http.get('https://api.github.com/user', ({ request }) => {
    if (request.headers.get('authorization') !== 'Bearer mock-access-token') {
      return HttpResponse.json({ message: 'Bad credentials' }, { status: 401 })
    }
    return HttpResponse.json({
      id: MOCK_GITHUB_USER.id,
      login: MOCK_GITHUB_USER.login,
      name: MOCK_GITHUB_USER.name,
      email: null,
    })
  }),
  http.get('https://api.github.com/user/emails', () =>
    HttpResponse.json([{ email: MOCK_GITHUB_USER.email, primary: true, verified: true }]),
  ),
]
