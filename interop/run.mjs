#!/usr/bin/env node
// Interop runner: starts the servers a target needs (deepstream 7.0.2 as the reference,
// or the Eddy jar), waits until they accept WebSocket connections, runs tests/*.test.mjs
// with Node's built-in test runner against them, stops every server it started and exits
// with the test runner's exit code.
//
//   node run.mjs --target deepstream
//   node run.mjs --target eddy [--eddy-jar ../server/target/quarkus-app/quarkus-run.jar]
//
// Other options: --keep (keep the temp directory), --test <file> (repeatable; default: all
// tests/*.test.mjs), --startup-timeout <seconds> (default 60).
// Environment: JAVA or JAVA_HOME (java binary for the eddy target), EDDY_JAVA_OPTS (extra JVM
// options for every Eddy process).

import { spawn, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const DEEPSTREAM_BIN = path.join(HERE, 'node_modules', '@deepstream', 'server', 'dist', 'bin', 'deepstream')
const DEFAULT_EDDY_JAR = path.resolve(HERE, '..', 'server', 'target', 'quarkus-app', 'quarkus-run.jar')
const WS_PATH = '/deepstream'
const HEALTH_PATH = '/health-check'
const STOP_GRACE_MS = 5000
const TEST_RUN_LIMIT_MS = 10 * 60 * 1000

// Settings shared by both targets (the roles of the transcripts' s1/s2/s3 servers).
const LISTEN_REMATCH_MS = 5000
const LISTEN_RESPONSE_TIMEOUT_MS = 500
const FILE_AUTH_TIMEOUT_MS = 4000
const HEARTBEAT_MS = 1000
// RPC timers of the RPC role: deepstream's default accept timeout, a short response timeout (default 10 s)
const RPC_ACCEPT_TIMEOUT_MS = 1000
const RPC_RESPONSE_TIMEOUT_MS = 2000
// deepstream file-auth hash settings: the values documented in deepstream's shipped conf/config.yml.
// deepstream has no built-in default for them; without `hash` it compares cleartext passwords.
const HASH = { hash: 'md5', iterations: 100, keyLength: 32 }

const USERS = {
  userA: { password: 'pwA', clientData: { favouriteColor: 'red' }, serverData: { role: 'admin' } },
  userB: { password: 'pwB' }
}

// ---------------------------------------------------------------------------------------------
// arguments

function parseArgs (argv) {
  const opts = { target: null, eddyJar: DEFAULT_EDDY_JAR, keep: false, tests: [], excludes: [], startupTimeoutMs: 60000 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const next = () => {
      if (i + 1 >= argv.length) usage(`missing value for ${a}`)
      return argv[++i]
    }
    if (a === '--target') opts.target = next()
    else if (a.startsWith('--target=')) opts.target = a.slice(9)
    else if (a === '--eddy-jar') opts.eddyJar = path.resolve(next())
    else if (a.startsWith('--eddy-jar=')) opts.eddyJar = path.resolve(a.slice(11))
    else if (a === '--keep') opts.keep = true
    else if (a === '--test') opts.tests.push(path.resolve(next()))
    else if (a === '--exclude') opts.excludes.push(path.basename(next()))
    else if (a === '--startup-timeout') opts.startupTimeoutMs = Number(next()) * 1000
    else if (a === '-h' || a === '--help') usage()
    else usage(`unknown argument ${a}`)
  }
  if (opts.target !== 'deepstream' && opts.target !== 'eddy') usage('--target must be deepstream or eddy')
  return opts
}

function usage (error) {
  if (error) console.error(`run.mjs: ${error}`)
  console.error('usage: node run.mjs --target deepstream|eddy [--eddy-jar PATH] [--keep] [--test FILE]... [--exclude FILE]... [--startup-timeout SECONDS]')
  process.exit(error ? 2 : 0)
}

// ---------------------------------------------------------------------------------------------
// helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function log (msg) {
  console.log(`[interop] ${msg}`)
}

/** Reserves `count` distinct free loopback ports (all held open at once, then released). */
async function freePorts (count) {
  const servers = []
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer()
      await new Promise((resolve, reject) => {
        srv.once('error', reject)
        srv.listen(0, '127.0.0.1', resolve)
      })
      servers.push(srv)
    }
    return servers.map((s) => s.address().port)
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  }
}

function yamlString (s) {
  return JSON.stringify(String(s)) // a JSON string is a valid YAML double-quoted scalar
}

/** Hashes a password with deepstream's own `hash` CLI command (PBKDF2, settings from hashConfig). */
function deepstreamHash (hashConfigPath, password, cwd) {
  const out = execFileSync(process.execPath, [DEEPSTREAM_BIN, 'hash', '-c', hashConfigPath, password], {
    cwd, encoding: 'utf8', timeout: 30000
  })
  const m = /Password hash: (\S+)/.exec(out)
  if (!m) throw new Error(`unexpected output of deepstream hash: ${out}`)
  return m[1]
}

/** users.yml in deepstream's file-auth format: username -> {password, clientData?, serverData?}. */
function usersYaml (hashes) {
  let text = '# generated by interop/run.mjs\n'
  for (const [name, user] of Object.entries(USERS)) {
    text += `${name}:\n  password: ${yamlString(hashes[name])}\n`
    if (user.clientData) text += `  clientData: ${JSON.stringify(user.clientData)}\n`
    if (user.serverData) text += `  serverData: ${JSON.stringify(user.serverData)}\n`
  }
  return text
}

function hashConfigYaml () {
  return [
    '# settings for `deepstream hash` (file auth)',
    'auth:',
    '  - type: file',
    '    options:',
    '      users: {}',
    `      hash: ${HASH.hash}`,
    `      iterations: ${HASH.iterations}`,
    `      keyLength: ${HASH.keyLength}`,
    ''
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// server definitions

// rpc: only the settings given are written (otherwise each server's defaults apply)
const ROLES = [
  { role: 'OPEN', auth: 'open' },
  {
    role: 'FILE',
    auth: 'file',
    unauthenticatedClientTimeoutMs: FILE_AUTH_TIMEOUT_MS,
    rpc: { provideRequestorName: true, provideRequestorData: true }
  },
  { role: 'HEARTBEAT', auth: 'open', heartbeatIntervalMs: HEARTBEAT_MS },
  { role: 'RPC', auth: 'open', rpc: { acceptTimeoutMs: RPC_ACCEPT_TIMEOUT_MS, responseTimeoutMs: RPC_RESPONSE_TIMEOUT_MS } }
]

function deepstreamRpcConfig (rpc) {
  if (!rpc) return []
  const lines = ['rpc:']
  if (rpc.acceptTimeoutMs !== undefined) lines.push(`  ackTimeout: ${rpc.acceptTimeoutMs}`)
  if (rpc.responseTimeoutMs !== undefined) lines.push(`  responseTimeout: ${rpc.responseTimeoutMs}`)
  if (rpc.provideRequestorName !== undefined) lines.push(`  provideRequestorName: ${rpc.provideRequestorName}`)
  if (rpc.provideRequestorData !== undefined) lines.push(`  provideRequestorData: ${rpc.provideRequestorData}`)
  return lines
}

function deepstreamConfig (server) {
  const auth = server.auth === 'file'
    ? [
        '  - type: file',
        '    options:',
        '      users: fileLoad(users.yml)',
        `      hash: ${HASH.hash}`,
        `      iterations: ${HASH.iterations}`,
        `      keyLength: ${HASH.keyLength}`
      ]
    : ['  - type: none']
  return [
    `# deepstream config for the interop role ${server.role} (generated by interop/run.mjs)`,
    `serverName: interop-${server.role.toLowerCase()}`,
    'showLogo: false',
    'logLevel: WARN',
    'exitOnFatalError: true',
    'dependencyInitializationTimeout: 10000',
    'logger:',
    '  type: default',
    '  options:',
    '    colors: false',
    // the top-level logLevel string is not applied by the std-out logger of 7.0.2; this one is
    '    logLevel: WARN',
    // one HTTP server per process, loopback only; it serves the WebSocket endpoint and the health check
    'httpServer:',
    '  type: default',
    '  options:',
    '    host: 127.0.0.1',
    `    port: ${server.port}`,
    `    healthCheckPath: ${HEALTH_PATH}`,
    // only the binary WebSocket endpoint: the defaults would also open MQTT on port 1883, which collides
    // when several servers run at once
    'connectionEndpoints:',
    '  - type: ws-binary',
    '    options:',
    `      urlPath: ${WS_PATH}`,
    `      heartbeatInterval: ${server.heartbeatIntervalMs ?? 30000}`,
    `      unauthenticatedClientTimeout: ${server.unauthenticatedClientTimeoutMs ?? 180000}`,
    '      maxAuthAttempts: 3',
    '      maxMessageSize: 1048576',
    '      outgoingBufferTimeout: 0',
    'auth:',
    ...auth,
    'permission:',
    '  type: none',
    'monitoring:',
    '  type: none',
    'telemetry:',
    '  type: deepstreamIO',
    '  options:',
    '    enabled: false',
    'listen:',
    `  rematchInterval: ${LISTEN_REMATCH_MS}`,
    `  responseTimeout: ${LISTEN_RESPONSE_TIMEOUT_MS}`,
    ...deepstreamRpcConfig(server.rpc),
    ''
  ].join('\n')
}

function durationProp (ms) {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

function eddyArgs (server, jar) {
  const props = {
    'quarkus.http.port': server.port,
    'quarkus.http.host': '127.0.0.1',
    'eddy.auth.providers': server.auth === 'file' ? 'file,open' : 'open',
    'eddy.listen.rematch-interval': durationProp(LISTEN_REMATCH_MS),
    'eddy.listen.response-timeout': durationProp(LISTEN_RESPONSE_TIMEOUT_MS)
  }
  if (server.auth === 'file') props['eddy.auth.file.path'] = path.join(server.dir, 'users.yml')
  if (server.unauthenticatedClientTimeoutMs) {
    props['eddy.connection.unauthenticated-client-timeout'] = durationProp(server.unauthenticatedClientTimeoutMs)
  }
  if (server.heartbeatIntervalMs) props['eddy.connection.heartbeat-interval'] = durationProp(server.heartbeatIntervalMs)
  const rpc = server.rpc || {}
  if (rpc.acceptTimeoutMs !== undefined) props['eddy.rpc.accept-timeout'] = durationProp(rpc.acceptTimeoutMs)
  if (rpc.responseTimeoutMs !== undefined) props['eddy.rpc.response-timeout'] = durationProp(rpc.responseTimeoutMs)
  if (rpc.provideRequestorName !== undefined) props['eddy.rpc.provide-requestor-name'] = rpc.provideRequestorName
  if (rpc.provideRequestorData !== undefined) props['eddy.rpc.provide-requestor-data'] = rpc.provideRequestorData
  // extra JVM options (e.g. -Xmx256m or further -Deddy.* properties), whitespace separated
  const extra = (process.env.EDDY_JAVA_OPTS || '').split(/\s+/).filter(Boolean)
  return [...Object.entries(props).map(([k, v]) => `-D${k}=${v}`), ...extra, '-jar', jar]
}

function javaCommand () {
  if (process.env.JAVA) return process.env.JAVA
  if (process.env.JAVA_HOME) return path.join(process.env.JAVA_HOME, 'bin', 'java')
  return 'java'
}

// ---------------------------------------------------------------------------------------------
// process management: only processes started here are ever signalled, by their PID

const children = new Set()

function startProcess (name, command, args, cwd, logFile) {
  const fd = fs.openSync(logFile, 'a')
  fs.writeSync(fd, `# ${command} ${args.join(' ')}\n# cwd ${cwd}\n`)
  const child = spawn(command, args, { cwd, stdio: ['ignore', fd, fd], env: process.env })
  fs.closeSync(fd)
  const entry = { name, child, exited: false, exitCode: null, exitSignal: null, logFile }
  entry.exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      entry.exited = true
      entry.exitCode = code
      entry.exitSignal = signal
      resolve()
    })
    child.once('error', (err) => {
      fs.appendFileSync(logFile, `# spawn error: ${err.message}\n`)
      entry.exited = true
      entry.exitCode = -1
      resolve()
    })
  })
  children.add(entry)
  return entry
}

async function stopProcess (entry) {
  if (entry.exited || entry.child.pid === undefined) return
  try { process.kill(entry.child.pid, 'SIGTERM') } catch { /* already gone */ }
  const stopped = await Promise.race([entry.exitPromise.then(() => true), sleep(STOP_GRACE_MS).then(() => false)])
  if (!stopped && !entry.exited) {
    try { process.kill(entry.child.pid, 'SIGKILL') } catch { /* already gone */ }
    await Promise.race([entry.exitPromise, sleep(STOP_GRACE_MS)])
  }
}

/** Signals the test runner's process group (the runner was started with detached: true). */
function killTestRunner (child, signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  try { process.kill(-child.pid, signal) } catch {
    try { process.kill(child.pid, signal) } catch { /* gone */ }
  }
}

async function stopAll () {
  await Promise.all([...children].map(stopProcess))
}

/** Resolves when a WebSocket handshake to url succeeds; rejects after timeoutMs or if the process exits. */
async function waitForWebSocket (url, entry, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let lastError = 'no attempt'
  while (Date.now() < deadline) {
    if (entry.exited) {
      throw new Error(`${entry.name} exited during startup (code ${entry.exitCode}, signal ${entry.exitSignal})`)
    }
    try {
      await new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { handshakeTimeout: 2000 })
        const timer = setTimeout(() => { ws.terminate(); reject(new Error('handshake timeout')) }, 3000)
        ws.once('open', () => { clearTimeout(timer); ws.close(); resolve() })
        ws.once('error', (err) => { clearTimeout(timer); reject(err) })
      })
      return
    } catch (err) {
      lastError = err.message
    }
    await sleep(250)
  }
  throw new Error(`${entry.name} did not accept WebSocket connections at ${url} within ${timeoutMs} ms (last error: ${lastError})`)
}

function tail (file, lines = 60) {
  try {
    const all = fs.readFileSync(file, 'utf8').split('\n')
    return all.slice(-lines).join('\n')
  } catch (err) {
    return `(cannot read ${file}: ${err.message})`
  }
}

// ---------------------------------------------------------------------------------------------
// main

async function main () {
  const opts = parseArgs(process.argv.slice(2))
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `eddy-interop-${opts.target}-`))
  log(`target ${opts.target}; work directory ${tmp}`)

  let interrupted = false
  let testChild = null
  const onSignal = (sig) => {
    if (interrupted) return
    interrupted = true
    log(`${sig} received, stopping`)
    killTestRunner(testChild, 'SIGTERM')
    stopAll().finally(() => {
      log(`server logs and configs kept in ${tmp}`)
      process.exit(130)
    })
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  let exitCode = 1
  let failed = true
  try {
    if (opts.target === 'deepstream' && !fs.existsSync(DEEPSTREAM_BIN)) {
      throw new Error(`${DEEPSTREAM_BIN} not found: run "npm ci" in ${HERE} first`)
    }
    if (opts.target === 'eddy' && !fs.existsSync(opts.eddyJar)) {
      throw new Error(`Eddy jar ${opts.eddyJar} not found: build the server first (or pass --eddy-jar)`)
    }

    // users file shared by both targets, hashed by deepstream's own CLI
    const hashConfig = path.join(tmp, 'hash-config.yml')
    fs.writeFileSync(hashConfig, hashConfigYaml())
    const hashes = {}
    for (const [name, user] of Object.entries(USERS)) hashes[name] = deepstreamHash(hashConfig, user.password, tmp)
    const users = usersYaml(hashes)

    const ports = await freePorts(ROLES.length)
    const servers = ROLES.map((r, i) => ({ ...r, port: ports[i], dir: path.join(tmp, r.role.toLowerCase()) }))

    for (const server of servers) {
      fs.mkdirSync(server.dir)
      server.logFile = path.join(server.dir, 'server.log')
      if (server.auth === 'file') fs.writeFileSync(path.join(server.dir, 'users.yml'), users)
      if (opts.target === 'deepstream') {
        const config = path.join(server.dir, 'config.yml')
        fs.writeFileSync(config, deepstreamConfig(server))
        server.entry = startProcess(server.role, process.execPath, [DEEPSTREAM_BIN, 'start', '-c', config], server.dir, server.logFile)
      } else {
        server.entry = startProcess(server.role, javaCommand(), eddyArgs(server, opts.eddyJar), server.dir, server.logFile)
      }
      server.url = `ws://127.0.0.1:${server.port}${WS_PATH}`
      server.healthUrl = `http://127.0.0.1:${server.port}${HEALTH_PATH}`
      log(`started ${server.role} (pid ${server.entry.child.pid}) on ${server.url}`)
    }

    const started = Date.now()
    try {
      await Promise.all(servers.map((s) => waitForWebSocket(s.url, s.entry, opts.startupTimeoutMs)))
    } catch (err) {
      for (const s of servers) console.error(`----- ${s.role} log (${s.logFile}) -----\n${tail(s.logFile)}`)
      throw err
    }
    log(`all servers accept WebSocket connections after ${Date.now() - started} ms`)

    const env = { ...process.env, INTEROP_TARGET: opts.target }
    for (const s of servers) {
      env[`${s.role}_URL`] = s.url
      env[`${s.role}_HEALTH_URL`] = s.healthUrl
    }
    env.FILE_AUTH_TIMEOUT_MS = String(FILE_AUTH_TIMEOUT_MS)
    env.HEARTBEAT_INTERVAL_MS = String(HEARTBEAT_MS)
    env.LISTEN_RESPONSE_TIMEOUT_MS = String(LISTEN_RESPONSE_TIMEOUT_MS)
    env.LISTEN_REMATCH_INTERVAL_MS = String(LISTEN_REMATCH_MS)
    env.RPC_ACCEPT_TIMEOUT_MS = String(RPC_ACCEPT_TIMEOUT_MS)
    env.RPC_RESPONSE_TIMEOUT_MS = String(RPC_RESPONSE_TIMEOUT_MS)

    const testDir = path.join(HERE, 'tests')
    const files = opts.tests.length > 0
      ? opts.tests
      : fs.readdirSync(testDir).filter((f) => f.endsWith('.test.mjs') && !opts.excludes.includes(f)).sort()
        .map((f) => path.join(testDir, f))
    log(`running ${files.length} test file(s)`)
    const testStart = Date.now()
    if (interrupted) return
    // own process group, so that the runner and the per-file processes it forks can be stopped together
    testChild = spawn(process.execPath, [
      '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-timeout=60000', ...files
    ], { cwd: HERE, env, stdio: ['ignore', 'inherit', 'inherit'], detached: true })
    const watchdog = setTimeout(() => {
      log(`tests still running after ${TEST_RUN_LIMIT_MS} ms: stopping them`)
      killTestRunner(testChild, 'SIGKILL')
    }, TEST_RUN_LIMIT_MS)
    exitCode = await new Promise((resolve) => {
      testChild.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
      testChild.once('error', (err) => { console.error(err); resolve(1) })
    })
    clearTimeout(watchdog)
    if (interrupted) return
    log(`tests finished in ${((Date.now() - testStart) / 1000).toFixed(1)} s with exit code ${exitCode}`)

    const crashed = servers.filter((s) => s.entry.exited)
    for (const s of crashed) {
      log(`server ${s.role} exited during the tests (code ${s.entry.exitCode}, signal ${s.entry.exitSignal})`)
    }
    if (crashed.length > 0 && exitCode === 0) exitCode = 1
    failed = exitCode !== 0
    if (failed) {
      for (const s of servers) console.error(`----- tail of ${s.role} log (${s.logFile}) -----\n${tail(s.logFile)}`)
    }
  } catch (err) {
    if (!interrupted) console.error(`[interop] error: ${err.stack || err.message}`)
    exitCode = exitCode || 1
    failed = true
  } finally {
    if (interrupted) await new Promise(() => {}) // the signal handler cleans up and exits
    await stopAll()
    if (failed || opts.keep) {
      log(`server logs and configs kept in ${tmp}`)
    } else {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  }
  process.exit(exitCode)
}

main().catch(async (err) => {
  console.error(err)
  await stopAll()
  process.exit(1)
})
