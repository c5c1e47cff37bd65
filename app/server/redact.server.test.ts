import { describe, expect, it } from 'vitest'
import {
  isSecretName,
  redactBody,
  redactHeaders,
  redactQuery,
  redactText,
  redactUrl,
} from './redact.server'

describe('isSecretName', () => {
  it.each([
    'authorization',
    'Proxy-Authorization',
    'cookie',
    'set-cookie',
    'x-session',
    'sig',
    'x-signature',
    'card_token',
    'password',
    'newPassword',
    'client_secret',
    'clientSecret',
    'access_token',
    'x-api-key',
    'apiKey',
    'api-key',
    'key',
    'X-Auth-Token',
    'card[number]',
    'cvc',
    'private_key',
  ])('%s is secret', (name) => expect(isSecretName(name)).toBe(true))

  it.each([
    'idempotency-key',
    'content-type',
    'x-request-id',
    'limit',
    'monkey',
    'sort_key_order',
    'www-authenticate',
    'token_type',
    'author',
    'ratelimit-remaining',
    'card_last4',
    'cardBrand',
    'Access-Control-Allow-Credentials',
  ])('%s is not', (name) => expect(isSecretName(name)).toBe(false))
})

describe('redaction', () => {
  it('hides credential headers, and credential values in any header', () => {
    expect(
      redactHeaders(
        {
          authorization: 'Bearer sk_live',
          'x-trace': 'a',
          'set-cookie': ['a', 'b'],
          'x-custom': 'Basic dXNlcjpwYXNzd29yZA==',
          'x-partner-key': 'k1',
        },
        ['x-partner-key'],
      ),
    ).toEqual({
      authorization: 'Bearer [redacted]',
      'x-trace': 'a',
      'set-cookie': '[redacted]',
      'x-custom': 'Basic [redacted]',
      'x-partner-key': '[redacted]',
    })
  })

  it('hides secret query parameters by name', () => {
    expect(
      redactQuery(new URLSearchParams('server_token=abc&limit=3&sig=ff'), ['server_token']),
    ).toBe('server_token=%5Bredacted%5D&limit=3&sig=%5Bredacted%5D')
    expect(redactUrl('https://u:p@api.test/x?api_key=1&page=2')).toBe(
      'https://%5Bredacted%5D:%5Bredacted%5D@api.test/x?api_key=%5Bredacted%5D&page=2',
    )
  })

  it('walks JSON bodies by field name and value', () => {
    const body = JSON.stringify({
      amount: 10,
      card_token: 'tok_visa',
      customer: { password: 'hunter22', email: 'a@b.test', note: 'Bearer abcdefghijkl' },
      items: [{ card: { number: '4242424242424242' } }],
      memo: 'paid with 4242 4242 4242 4242',
      ref: '1234567890123',
    })
    expect(JSON.parse(redactBody(body, 'application/json'))).toEqual({
      amount: 10,
      card_token: '[redacted]',
      customer: { password: '[redacted]', email: 'a@b.test', note: 'Bearer [redacted]' },
      items: [{ card: '[redacted]' }],
      memo: 'paid with [redacted]',
      ref: '1234567890123',
    })
  })

  it('redacts form bodies by parameter name, and other text by value', () => {
    expect(
      redactBody(
        'amount=5&card%5Bnumber%5D=4242424242424242&password=x',
        'application/x-www-form-urlencoded',
      ),
    ).toBe('amount=5&card%5Bnumber%5D=%5Bredacted%5D&password=%5Bredacted%5D')
    expect(
      redactText(
        'key sk_test_abcdefgh12 and whsec_abcdefghij and eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      ),
    ).toBe('key [redacted] and [redacted] and [redacted]')
    expect(redactBody('{"broken": "Bearer abcdefghij"', 'application/json')).toBe(
      '{"broken": "Bearer [redacted]"',
    )
  })
})
