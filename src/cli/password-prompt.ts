/**
 * The password for `users add` on a terminal: asked on stderr without echo, twice, so a typo does not silently
 * become the password. Piped or redirected, the first line of standard input is the password instead.
 */
import type { ReadStream } from 'node:tty'

const ENTER = new Set(['\r', '\n'])
const ERASE = new Set(['\u007f', '\b'])
const CTRL_C = '\u0003'
const CTRL_D = '\u0004'
const ESCAPE = '\u001b' // arrow and function keys send ESC [ ... letter: not part of a password

/**
 * Lines typed at a terminal in raw mode (never echoed), one per `next()`. What is typed ahead, a second line in
 * the same burst included, waits for the next call. Ctrl-C cancels; Ctrl-D ends a line.
 */
function hiddenLines (input: ReadStream) {
  const lines: string[] = []
  let typed = ''
  let escaping = false
  const state = { cancelled: false } // set by the data handler, read by next(): an object, so the loop sees it
  let wake: (() => void) | undefined
  const onData = (chunk: string) => {
    for (const char of chunk) {
      if (escaping) escaping = !/[A-Za-z~]/.test(char)
      else if (char === ESCAPE) escaping = true
      else if (char === CTRL_C) state.cancelled = true
      else if (ENTER.has(char) || char === CTRL_D) {
        lines.push(typed)
        typed = ''
      } else if (ERASE.has(char)) typed = typed.slice(0, -1)
      else if (char >= ' ') typed += char
    }
    wake?.()
  }
  // The terminal gone (end of input) cancels as Ctrl-C does, rather than waiting for ever.
  const onEnd = () => {
    state.cancelled = true
    wake?.()
  }
  input.on('data', onData)
  input.once('end', onEnd)
  input.resume()
  return {
    async next (): Promise<string> {
      while (lines.length === 0 && !state.cancelled) await new Promise<void>((resolve) => { wake = resolve })
      if (state.cancelled) throw new Error('cancelled: nothing changed')
      return lines.shift() ?? ''
    },
    close () {
      input.off('data', onData)
      input.off('end', onEnd)
      input.pause()
    }
  }
}

export async function promptPassword (input: ReadStream, output: NodeJS.WritableStream): Promise<string> {
  // Raw mode before the first prompt and until after the second: nothing typed ahead of a prompt is echoed.
  input.setRawMode(true)
  input.setEncoding('utf8')
  const lines = hiddenLines(input)
  try {
    output.write('Password: ')
    const first = await lines.next()
    output.write('\nPassword again: ')
    const again = await lines.next()
    output.write('\n')
    if (first !== again) throw new Error('the two passwords differ: nothing changed')
    return first
  } finally {
    lines.close()
    input.setRawMode(false)
  }
}

/** The first line of standard input, piped or redirected. */
export async function readFirstLine (input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) text += String(chunk)
  return text.split(/\r?\n/)[0] ?? ''
}
