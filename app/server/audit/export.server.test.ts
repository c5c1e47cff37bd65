import { describe, expect, it } from 'vitest'
import { csvField, csvRow, isExportFormat } from './export.server'

describe('CSV (RFC 4180, formula injection defused)', () => {
  it('quotes only what needs quoting and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField(null)).toBe('')
    expect(csvField(42)).toBe('42')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvRow(['a', 'b,c', ''])).toBe('a,"b,c",\r\n')
  })

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ])('defuses %j', (value, expected) => {
    expect(csvField(value)).toBe(expected)
  })

  it('knows its formats', () => {
    expect(isExportFormat('csv')).toBe(true)
    expect(isExportFormat('json')).toBe(true)
    expect(isExportFormat('xlsx')).toBe(false)
    expect(isExportFormat('')).toBe(false)
  })
})
