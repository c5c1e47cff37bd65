/** A problem found in an imported spec, located in the uploaded text where possible. */
export type SpecProblem = {
  /** 'problem' on a violation the import set aside (see SpecWarning). */
  kind?: 'problem'
  message: string
  /** JSON pointer into the document ('' for the whole document). */
  pointer: string
  /** File inside a multi-file upload, when not the root. */
  file?: string
  line?: number
  column?: number
}

/** The spec cannot be imported; every problem found is listed. */
export class SpecImportError extends Error {
  constructor(
    public readonly problems: SpecProblem[],
    public readonly status: 400 | 413 | 422 = 422,
  ) {
    super(problems.map((problem) => problem.message).join('\n'))
    this.name = 'SpecImportError'
  }
}

export function refuse(message: string, status: 400 | 413 | 422 = 422, pointer = ''): never {
  throw new SpecImportError([{ message, pointer }], status)
}
