import { renderToString } from 'react-dom/server'
import { encode } from 'uqr'
import { expect, it } from 'vitest'
import { QrCode } from './qr-code'

it('draws every dark module of the code, with a quiet zone, and no markup from the value', () => {
  const value = 'otpauth://totp/Integration%20Copilot:a%40b.test?secret=JBSWY3DPEHPK3PXP&x=<script>'
  const html = renderToString(<QrCode value={value} label="Setup QR code" />)
  const { data, size } = encode(value, { border: 4, ecc: 'M' })
  const dark = data.flat().filter(Boolean).length
  expect(html).toContain(`viewBox="0 0 ${size} ${size}"`)
  expect(html.match(/h1v1h-1z/g)).toHaveLength(dark)
  expect(data[0]!.every((cell) => !cell)).toBe(true)
  expect(html).not.toContain('<script>')
  expect(html).toContain('aria-label="Setup QR code"')
})
