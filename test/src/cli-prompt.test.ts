/**
 * The CLI on a real terminal (a pseudo-terminal from util-linux's `script`): `users add` asks for the password
 * twice without echo, refuses two that differ, and warns when --password puts it in the shell history.
 */
import { test } from 'tap'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { testLocation, openTestStore, type TestLocation } from '../support/stores.js'
import { verifyPassword } from '../../src/passwords.js'

const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url))
const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`

/** Runs the CLI on a terminal, typing each answer once its prompt has appeared. */
async function onTerminal (location: TestLocation, args: string[], answers: string[]): Promise<{ code: number | null, output: string }> {
  const command = [process.execPath, ...process.execArgv, CLI, ...args].map(quote).join(' ')
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, DATA_DIR: location.dataDir, REDIS_URL: '', REDIS_PREFIX: location.prefix },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let output = ''
  let answered = 0
  child.stdout.on('data', (chunk) => {
    output += String(chunk)
    const prompts = output.match(/Password(?: again)?: /g)?.length ?? 0
    while (answered < prompts && answered < answers.length) child.stdin.write(`${answers[answered++] ?? ''}\r`)
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  child.stdin.end()
  return { code, output }
}

test('users add on a terminal asks twice, never echoes, and stores that password', async (t) => {
  const location = await testLocation(t)
  const typed = 'a terminal passphrase'
  // An arrow key and a correction on the way: neither ends up in the password.
  const { code, output } = await onTerminal(location, ['users', 'add', 'alice', '--role', 'admin'], [`${typed}x\u001b[D\u007f`, typed])
  t.equal(code, 0, output)
  t.match(output, /Password: [\s\S]*Password again: /, 'asked, then asked again')
  t.notMatch(output, /terminal passphrase/, 'never echoed')
  t.match(output, /created \S+ {2}alice {2}roles=admin/)
  const store = await openTestStore(t, 'embedded', location)
  t.equal(await verifyPassword((await store.users.findByUsername('alice'))?.passwordHash ?? '', typed), true)
})

test('a password typed ahead of its prompt is not echoed either', async (t) => {
  const location = await testLocation(t)
  // Both answers at the first prompt: the second is typed before "Password again:" shows.
  const { code, output } = await onTerminal(location, ['users', 'add', 'dora'], ['typed ahead passphrase\rtyped ahead passphrase'])
  t.equal(code, 0, output)
  t.notMatch(output, /typed ahead/, 'never echoed')
})

test('two passwords that differ change nothing and exit 1', async (t) => {
  const location = await testLocation(t)
  const { code, output } = await onTerminal(location, ['users', 'add', 'bob'], ['first passphrase', 'second passphrase'])
  t.equal(code, 1)
  t.match(output, /gatehouse: the two passwords differ: nothing changed/)
  const store = await openTestStore(t, 'embedded', location)
  t.equal(await store.users.findByUsername('bob'), undefined)
})

test('--password on a terminal works, with a warning about the shell history', async (t) => {
  const location = await testLocation(t)
  const { code, output } = await onTerminal(location, ['users', 'add', 'carol', '--password', 'carol passphrase'], [])
  t.equal(code, 0, output)
  t.match(output, /--password leaves the password in your shell history/)
  t.notMatch(output, /Password: /, 'and no prompt')
})
