/**
 * CodeMirror 6 over the body textarea (browser only, loaded on demand): JSON
 * highlighting, live syntax linting, and the server's violations as lint
 * markers on their lines, kept on their text while it is edited. The textarea
 * stays in the form (hidden) and follows every change, so the form posts
 * what the editor shows.
 */
import { json, jsonParseLinter } from '@codemirror/lang-json'
import { type Diagnostic, linter, lintGutter, setDiagnostics } from '@codemirror/lint'
import { EditorState, StateField } from '@codemirror/state'
import { basicSetup, EditorView } from 'codemirror'

export type LineMark = { line: number; message: string }

export function mountJsonEditor(
  parent: HTMLElement,
  textarea: HTMLTextAreaElement,
  marks: LineMark[],
  label: string,
): () => void {
  const doc = textarea.value
  const lines = EditorState.create({ doc }).doc
  const initial: Diagnostic[] = marks
    .filter((mark) => mark.line >= 1 && mark.line <= lines.lines)
    .map((mark) => {
      const line = lines.line(mark.line)
      return { from: line.from, to: line.to, severity: 'error', message: mark.message }
    })
  // The server's diagnostics follow the text they mark as it is edited.
  const fromServer = StateField.define<Diagnostic[]>({
    create: () => initial,
    update: (value, transaction) =>
      transaction.docChanged
        ? value.map((diagnostic) => ({
            ...diagnostic,
            from: transaction.changes.mapPos(diagnostic.from),
            to: transaction.changes.mapPos(diagnostic.to),
          }))
        : value,
  })
  const syntax = jsonParseLinter()
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        json(),
        fromServer,
        linter(
          (current) => [
            ...current.state.field(fromServer),
            ...(current.state.doc.toString().trim() ? syntax(current) : []),
          ],
          { delay: 300 },
        ),
        lintGutter(),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString()
        }),
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.theme({
          '&': {
            fontSize: '12px',
            maxHeight: '32rem',
            border: '1px solid rgb(203 213 225)',
            borderRadius: '6px',
          },
          '.cm-scroller': { overflow: 'auto' },
          '.cm-content, .cm-gutter': { minHeight: '10rem' },
        }),
      ],
    }),
  })
  view.dispatch(setDiagnostics(view.state, initial))
  return () => view.destroy()
}
