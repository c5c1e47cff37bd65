/** Public forms carry a hidden `website` field; people leave it empty, form-filling bots do not. */
export function assertNotBot(formData: FormData) {
  const value = formData.get('website')
  if (typeof value === 'string' && value.trim() !== '') {
    throw new Response('Form submission refused.', { status: 400 })
  }
}
