'use strict';
// Starts a fresh ari-server as a child process for one test file and stops it.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const E2E_DIR = path.resolve(__dirname, '..');
const DEFAULT_BIN = path.resolve(E2E_DIR, '../../target/debug/ari-server');
const DIALPLAN = path.join(E2E_DIR, 'dialplan.conf');
const USER = 'asterisk';
const PASSWORD = 'asterisk';
const LISTENING = /^ari-server listening on http:\/\/127\.0\.0\.1:(\d+)\/ari$/;

function serverBin() {
  const bin = process.env.ARI_SERVER_BIN
    ? path.resolve(process.env.ARI_SERVER_BIN)
    : DEFAULT_BIN;
  if (!fs.existsSync(bin)) {
    throw new Error(`ari-server binary not found at ${bin} (build it, or set ARI_SERVER_BIN)`);
  }
  return bin;
}

/**
 * Starts ari-server on 127.0.0.1 with the e2e dialplan and a fresh data
 * directory. Resolves once it prints the line saying where it listens.
 *
 * @param {object} [opts]
 * @param {number} [opts.port=0] port to listen on (0: any free port)
 * @param {string} [opts.dataDir] data directory (default: a new temporary one)
 * @param {string} [opts.dialplan] dialplan file (default: e2e/node/dialplan.conf)
 * @param {string} [opts.config] TOML configuration text (written to a file
 *   next to the data directory and passed with --config)
 */
function startServer(opts = {}) {
  const port = opts.port ?? 0;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ari-e2e-'));
  const ownsDataDir = opts.dataDir === undefined;
  const args = [
    '--port', String(port),
    '--data-dir', dataDir,
    '--dialplan', opts.dialplan ?? DIALPLAN,
  ];
  if (opts.config !== undefined) {
    const configFile = `${dataDir}.toml`;
    fs.writeFileSync(configFile, opts.config);
    args.push('--config', configFile);
  }
  const child = spawn(serverBin(), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  // However this process ends (an uncaught exception included), the server goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const output = [];
  const keep = (line) => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  readline.createInterface({ input: child.stderr }).on('line', keep);
  const stdout = readline.createInterface({ input: child.stdout });

  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`ari-server did not start: ${why}\n${output.join('\n')}`));
    };
    const timer = setTimeout(() => fail('no "listening" line within 10 s'), 10_000);
    child.once('error', (e) => fail(e.message));
    child.once('exit', (code, signal) => fail(`exited (code ${code}, signal ${signal})`));
    stdout.on('line', (line) => {
      keep(line);
      const m = LISTENING.exec(line.trim());
      if (!m || settled) return;
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const actualPort = Number(m[1]);
      const exited = new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) res();
        else child.once('exit', () => res());
      });
      resolve({
        port: actualPort,
        /** Base URL as ari-client takes it (it appends /ari itself). */
        url: `http://127.0.0.1:${actualPort}`,
        dataDir,
        child,
        output,
        exited,
        /**
         * Stops the server and waits for it to exit. SIGINT is a clean
         * shutdown (Ctrl-C); SIGKILL simulates a crash.
         */
        async stop(signal = 'SIGINT') {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill(signal);
            const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
            await exited;
            clearTimeout(forced);
          }
          if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
          if (opts.config !== undefined) fs.rmSync(`${dataDir}.toml`, { force: true });
        },
      });
    });
  });
}

/** A plain HTTP request to the server's ARI, for checks ari-client cannot make (status codes). */
async function ariRequest(server, method, pathAndQuery, body) {
  const headers = {
    authorization: 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.url}/ari${pathAndQuery}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

module.exports = { startServer, ariRequest, USER, PASSWORD, DIALPLAN };
