/**
 * msw handlers for Google's fixed OAuth 2.0 / OpenID Connect endpoints. Used by vitest and by
 * the server under MOCKS=true so "Sign in with Google" runs offline.
 */
import { http, HttpResponse } from 'msw'

export const MOCK_GOOGLE_USER = {
  sub: '109876543210987654321',
  email: 'gina@google.test',
  email_verified: true,
  name: 'Gina Google',
}

export const googleHandlers = [
  http.post('https://oauth2.googleapis.com/token', async ({ request }) => {
    const body = new URLSearchParams(await request.text())
    if (
      !body.get('code') ||
      body.get('grant_type') !== 'authorization_code' ||
      !body.get('code_verifier')
    )
      return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })
    return HttpResponse.json({
      access_token: 'mock-google-access-token',
      token_type: 'Bearer',
      expires_in: 3599,
      scope: 'openid email profile',
      id_token: 'unused-by-the-app',
    })
  }),
  http.get('https://openidconnect.googleapis.com/v1/userinfo', ({ request }) => {
    if (request.headers.get('authorization') !== 'Bearer mock-google-access-token')
      return HttpResponse.json({ error: 'invalid_token' }, { status: 401 })
    return HttpResponse.json(MOCK_GOOGLE_USER)
  }),
]
