import { useRevalidator } from '@remix-run/react'
import { useEffect } from 'react'

/**
 * Reloads the route's loader data every `intervalMs` while the tab is visible and
 * nothing else is loading (live counters and logs). Without JavaScript the page is
 * simply as fresh as its last load.
 */
export function useRevalidateEvery(intervalMs: number, enabled = true) {
  const revalidator = useRevalidator()
  useEffect(() => {
    if (!enabled) return
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && revalidator.state === 'idle')
        revalidator.revalidate()
    }, intervalMs)
    return () => clearInterval(timer)
  }, [enabled, intervalMs, revalidator])
}
