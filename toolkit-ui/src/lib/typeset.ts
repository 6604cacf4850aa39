/**
 * A parameter's text as the page shows it. The plugin writes an ASCII minus because hosts read its
 * text back as a number (pedalboard types a parameter by whether Python's `float()` parses every
 * text); the page typesets it as a true minus, and `-inf` as "−∞", like its meter readouts.
 */
export function typeset(text: string): string {
  return text.replace(/(^|[\s(])-(?=\d|\.\d|inf\b)/g, "$1\u2212").replace(/\u2212inf\b/g, "\u2212\u221e");
}
