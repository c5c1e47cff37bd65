import { encode } from 'uqr'

/**
 * A QR code drawn as one SVG path (no HTML injected, no JavaScript needed): each dark
 * module is a 1x1 square, with the four-module quiet zone scanners expect.
 */
export function QrCode({
  value,
  label,
  size = 192,
}: {
  value: string
  label: string
  size?: number
}) {
  const { data, size: modules } = encode(value, { border: 4, ecc: 'M' })
  let path = ''
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`
    }),
  )
  return (
    <svg
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
      className="rounded-md border border-slate-200 bg-white"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#0f172a" />
    </svg>
  )
}
