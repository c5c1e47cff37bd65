import { useState } from 'react'
import { buttonClass } from './ui/button'

/** Copies `text` to the clipboard (with JavaScript); without it, the text next to it is selectable. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <button
      type="button"
      className={buttonClass('secondary', '!py-1 !text-xs')}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true)
          setTimeout(() => setCopied(false), 2000)
        })
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  )
}
