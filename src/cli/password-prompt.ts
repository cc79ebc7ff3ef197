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

/** One line typed at the terminal, never echoed. Ctrl-C cancels; Ctrl-D ends the line. */
async function readHidden (input: ReadStream, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  output.write(prompt)
  input.setRawMode(true)
  input.setEncoding('utf8')
  input.resume()
  return await new Promise((resolve, reject) => {
    let typed = ''
    let escaping = false
    const finish = (outcome: () => void) => {
      input.off('data', onData)
      input.setRawMode(false)
      input.pause()
      output.write('\n')
      outcome()
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (escaping) {
          escaping = !/[A-Za-z~]/.test(char)
          continue
        }
        if (char === ESCAPE) {
          escaping = true
          continue
        }
        if (char === CTRL_C) return finish(() => reject(new Error('cancelled: nothing changed')))
        if (ENTER.has(char) || char === CTRL_D) return finish(() => resolve(typed))
        if (ERASE.has(char)) typed = typed.slice(0, -1)
        else if (char >= ' ') typed += char
      }
    }
    input.on('data', onData)
  })
}

export async function promptPassword (input: ReadStream, output: NodeJS.WritableStream): Promise<string> {
  const first = await readHidden(input, output, 'Password: ')
  const again = await readHidden(input, output, 'Password again: ')
  if (first !== again) throw new Error('the two passwords differ: nothing changed')
  return first
}

/** The first line of standard input, piped or redirected. */
export async function readFirstLine (input: NodeJS.ReadableStream): Promise<string> {
  let text = ''
  for await (const chunk of input) text += String(chunk)
  return text.split(/\r?\n/)[0] ?? ''
}
