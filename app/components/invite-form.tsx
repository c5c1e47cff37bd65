import { getFormProps, type FieldMetadata, type FormMetadata } from '@conform-to/react'
import { Form } from '@remix-run/react'
import type { ReactNode } from 'react'
import { SubmitButton } from '~/components/ui/button'
import { Field, FormErrors, inputClass } from '~/components/ui/forms'
import { Notice } from '~/components/ui/panel'

export type InviteLink = { email: string; link: string }

/**
 * The "invite by email" form (intent=invite) and, once sent, the notice with the one-use
 * invite link. `children` stand between the email field and the button (a role picker).
 */
export function InviteForm<Schema extends Record<string, unknown>>({
  form,
  email,
  emailHint,
  className,
  pendingFor,
  inviteLink,
  children,
}: {
  form: FormMetadata<Schema, string[]>
  email: FieldMetadata<string | undefined>
  emailHint?: ReactNode
  /** The form's grid classes (its columns depend on the fields). */
  className: string
  pendingFor?: [string, string]
  inviteLink?: InviteLink | null
  children?: ReactNode
}) {
  return (
    <>
      <Form method="post" className={className} {...getFormProps(form)}>
        <input type="hidden" name="intent" value="invite" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="Email" type="email" meta={email} hint={emailHint} />
        {children}
        <SubmitButton className="sm:mt-6" pendingFor={pendingFor} pendingText="Inviting…">
          Send invite
        </SubmitButton>
      </Form>
      {inviteLink ? (
        <div className="mt-4">
          <Notice tone="success">
            Invitation sent to {inviteLink.email}. You can also share this link (it works once, for
            7 days):
            <input
              readOnly
              aria-label="Invite link"
              value={inviteLink.link}
              data-testid="invite-link"
              className={`${inputClass} mt-2 font-mono text-xs`}
            />
          </Notice>
        </div>
      ) : null}
    </>
  )
}
