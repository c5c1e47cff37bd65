import type { Toast } from '~/server/toast.server'

export function ToastMessage({ toast }: { toast: Toast }) {
  const tones = {
    success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
    error: 'border-red-200 bg-red-50 text-red-900',
    info: 'border-sky-200 bg-sky-50 text-sky-900',
  }
  return (
    <div className="mx-auto mt-4 max-w-6xl px-6">
      <p role="status" className={`rounded-md border px-4 py-2 text-sm ${tones[toast.type]}`}>
        {toast.message}
      </p>
    </div>
  )
}
