#!/usr/bin/env node
// tests/bench/peer/peer.js — the benchmark's peer: json-rules-engine evaluating the same
// policy set on the same organisations (docs/performance.md, "The peer: json-rules-engine").
//
//   node peer.js --modules DIR --rules rules.json --facts facts.jsonl --at SECONDS
//                [--workers N] [--runs R] [--mode raw|values] [--out levels.tsv]
//
// --modules  the node_modules directory json-rules-engine 7.3.1 was installed into (the
//            benchmark's work directory; the tests never need it)
// --rules    tests/bench/peer/rules.lua's output: one rule per competency x level x path
// --facts    tests/bench/peer/export.sql's output: every organisation's raw facts
// --at       the evaluation time T, Unix seconds (its month is the windows' last)
// --workers  worker threads (default: the number of CPUs), each with one Engine and an equal
//            share of the organisations (every N-th), so the peer uses the cores attain uses
// --runs     timed evaluations of every organisation (default 5); the facts load once
// --mode     raw (default): the engine's facts are functions of the organisation's raw facts
//            that apply the counting rules themselves (R6-R8, R11, R15, the windows), with the
//            engine's per-run fact cache; values: every fact value is computed before the
//            timing and the engine only compares numbers (its rule evaluation alone)
// --out      writes "org<TAB>competency<TAB>level" for every level reached (last run)
//
// Everything is loaded, parsed and (values) precomputed in the workers before the first
// run; a run is: every worker evaluates all of its organisations, one engine.run per
// organisation, each awaited in turn. Prints one JSON line: the load time, each run's wall
// clock and CPU time (user + system of the whole process, all threads), the peak RSS.
'use strict'
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const DAY = 86400

function args (argv) {
  const o = { workers: os.cpus().length, runs: 5, mode: 'raw' }
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '')
    if (argv[i + 1] === undefined) throw new Error('peer.js: missing value for ' + argv[i])
    o[k] = argv[i + 1]
  }
  for (const k of ['modules', 'rules', 'facts', 'at']) {
    if (!o[k]) throw new Error('peer.js: --' + k + ' is required')
  }
  o.at = Number(o.at)
  o.workers = Number(o.workers)
  o.runs = Number(o.runs)
  if (o.mode !== 'raw' && o.mode !== 'values') throw new Error('peer.js: --mode raw or values')
  return o
}

// ------------------------------------------------------------------ the facts, as functions
// The same rules as the host's (host/facts.c, docs/policies.md), applied to the raw facts.

function monthIndex (t) {
  const d = new Date(t * 1000)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

// The holdings that count at T: "kind\0code" -> array of distinct users. A holding counts from
// 24 h after the latest of earned, its association's start and the user's joining (R6), while
// its association is in force (R7), until the user left (R8) and until it expires (R11).
function held (org, T) {
  const out = new Map()
  for (const h of org.holdings) {
    const [user, code, kind, earned, started, ended, joined, left, expires] = h
    if (started > T || (ended !== null && ended <= T)) continue
    if (left !== null && left <= T) continue
    if (expires !== null && expires <= T) continue
    const from = Math.max(earned, started, joined === null ? earned : joined) + DAY
    if (from > T) continue
    const key = kind + '\0' + code
    const users = out.get(key)
    if (!users) out.set(key, [user])
    else if (!users.includes(user)) users.push(user)
  }
  return out
}

// Distinct people holding one of `codes` of `kind`, plus the people of the overrides in force
// for `competency` whose code is among them (R15).
function people (org, heldMap, params, T) {
  const seen = new Set()
  for (const code of params.codes) {
    const users = heldMap.get(params.kind + '\0' + code)
    if (users) for (const u of users) seen.add(u)
  }
  let n = seen.size
  for (const [competency, code, count, from, until] of org.overrides) {
    if (competency === params.competency && params.codes.includes(code) &&
        (from === null || from <= T) && T < until) n += count
  }
  return n
}

function metricSum (org, params, M) {
  const series = org.metrics[params.metric]
  if (!series) return 0
  let sum = 0
  for (const [period, value] of series) {
    if (period <= M && period > M - params.months) sum += value
  }
  return sum
}

function metricLatest (org, params, M) {
  const series = org.metrics[params.metric]
  let best = -1
  let value = 0
  if (series) {
    for (const [period, v] of series) {
      if (period <= M && period > best) { best = period; value = v }
    }
  }
  return value
}

function factValue (fact, org, params, T, M, cache) {
  switch (fact) {
    case 'people': {
      if (!cache.held) cache.held = held(org, T)
      return people(org, cache.held, params, T)
    }
    case 'metricSum': return metricSum(org, params, M)
    case 'metricAvg': return metricSum(org, params, M) / params.months
    case 'metricLatest': return metricLatest(org, params, M)
  }
  throw new Error('peer.js: unknown fact ' + fact)
}

// Every condition with a fact, in a rule list.
function conditions (rules, fn) {
  const walk = (c) => {
    if (c.all) c.all.forEach(walk)
    else if (c.any) c.any.forEach(walk)
    else fn(c)
  }
  for (const r of rules) walk(r.conditions)
}

function levelsOf (events) {
  const best = new Map()
  for (const e of events) {
    const { competency, level } = e.params
    if (level === 'gold' || !best.has(competency)) best.set(competency, level)
  }
  return best
}

// ------------------------------------------------------------------ a worker

async function worker () {
  const { modules, rules: rulesFile, facts, at, index, workers, mode } = workerData
  const { Engine } = require(path.join(modules, 'json-rules-engine'))
  const T = at
  const M = monthIndex(T)
  const t0 = process.hrtime.bigint()
  let rules = JSON.parse(fs.readFileSync(rulesFile, 'utf8'))
  const orgs = []
  // Read in pieces: at 640,000 organisations the export (1.5 GB) is longer than a V8 string
  // may be. Line k is this worker's when k % workers === index.
  let line = 0
  const take = (buf, start, end) => {
    if (end <= start) return
    if (line % workers === index) orgs.push(JSON.parse(buf.toString('utf8', start, end)))
    line++
  }
  const fd = fs.openSync(facts, 'r')
  const piece = Buffer.alloc(1 << 24)
  let carry = Buffer.alloc(0)
  for (;;) {
    const n = fs.readSync(fd, piece, 0, piece.length, null)
    if (n === 0) break
    const buf = carry.length ? Buffer.concat([carry, piece.subarray(0, n)]) : piece.subarray(0, n)
    let start = 0
    let end
    while ((end = buf.indexOf(10, start)) >= 0) {
      take(buf, start, end)
      start = end + 1
    }
    carry = Buffer.from(buf.subarray(start))
  }
  take(carry, 0, carry.length)
  fs.closeSync(fd)

  const engine = new Engine([], { allowUndefinedFacts: false })
  let runtime // per organisation: what engine.run gets
  if (mode === 'raw') {
    // One fact per kind, with parameters; the raw facts reach them as the runtime fact `org`.
    // The engine caches each (fact, params) value within one run; `held` is computed once per
    // run of an organisation (the almanac is new for every run).
    const perRun = new WeakMap()
    for (const fact of ['people', 'metricSum', 'metricAvg', 'metricLatest']) {
      engine.addFact(fact, (params, almanac) => almanac.factValue('org').then((org) => {
        let cache = perRun.get(almanac)
        if (!cache) { cache = {}; perRun.set(almanac, cache) }
        return factValue(fact, org, params, T, M, cache)
      }))
    }
    runtime = orgs.map((org) => ({ org }))
  } else {
    // Every (fact, params) of the rules becomes one constant fact, computed now, untimed.
    const keys = new Map()
    conditions(rules, (c) => {
      const key = c.fact + ':' + JSON.stringify(c.params)
      keys.set(key, { fact: c.fact, params: c.params })
    })
    rules = JSON.parse(JSON.stringify(rules))
    conditions(rules, (c) => { c.fact = c.fact + ':' + JSON.stringify(c.params); delete c.params })
    runtime = orgs.map((org) => {
      const values = {}
      const cache = {}
      for (const [key, { fact, params }] of keys) values[key] = factValue(fact, org, params, T, M, cache)
      return values
    })
  }
  for (const r of rules) engine.addRule(r)
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6
  parentPort.postMessage({ type: 'ready', orgs: orgs.length, loadMs })

  parentPort.on('message', async (msg) => {
    if (msg.type === 'stop') { parentPort.close(); return }
    const out = msg.keep ? [] : null
    for (let i = 0; i < orgs.length; i++) {
      const { events } = await engine.run(runtime[i])
      if (out) {
        for (const [competency, level] of levelsOf(events)) out.push(orgs[i].org + '\t' + competency + '\t' + level)
      }
    }
    parentPort.postMessage({ type: 'done', levels: out })
  })
}

// ------------------------------------------------------------------ the main thread

function once (w, type) {
  return new Promise((resolve, reject) => {
    const on = (msg) => { if (msg.type === type) { w.off('message', on); resolve(msg) } }
    w.on('message', on)
    w.once('error', reject)
  })
}

async function main () {
  const o = args(process.argv)
  const rules = JSON.parse(fs.readFileSync(o.rules, 'utf8'))
  const t0 = process.hrtime.bigint()
  const ws = []
  for (let i = 0; i < o.workers; i++) {
    ws.push(new Worker(__filename, {
      workerData: { modules: path.resolve(o.modules), rules: o.rules, facts: o.facts, at: o.at, index: i,
                    workers: o.workers, mode: o.mode }
    }))
  }
  const ready = await Promise.all(ws.map((w) => once(w, 'ready')))
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6
  const orgs = ready.reduce((n, r) => n + r.orgs, 0)
  const runs = []
  let levels = []
  for (let r = 1; r <= o.runs; r++) {
    const keep = r === o.runs
    const cpu0 = process.cpuUsage()
    const w0 = process.hrtime.bigint()
    const done = Promise.all(ws.map((w) => once(w, 'done')))
    for (const w of ws) w.postMessage({ type: 'go', keep })
    const results = await done
    const ms = Number(process.hrtime.bigint() - w0) / 1e6
    const cpu = process.cpuUsage(cpu0)
    runs.push({ ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000) })
    if (keep) levels = results.flatMap((x) => x.levels)
  }
  for (const w of ws) w.postMessage({ type: 'stop' })
  if (o.out) fs.writeFileSync(o.out, levels.length ? levels.join('\n') + '\n' : '')
  const competencies = new Set(rules.map((r) => r.event.params.competency)).size
  process.stdout.write(JSON.stringify({
    engine: 'json-rules-engine ' + require(path.join(path.resolve(o.modules), 'json-rules-engine', 'package.json')).version,
    mode: o.mode, workers: o.workers, orgs, competencies, rules: rules.length, evaluations: orgs * competencies,
    loadMs: Math.round(loadMs), runs, levels: levels.length,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024 * 10) / 10
  }) + '\n')
}

if (isMainThread) {
  main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
} else {
  worker().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
}
