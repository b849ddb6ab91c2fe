'use strict';
// Connecting ari-client applications to the server under test.

const client = require('ari-client');
const { USER, PASSWORD } = require('./server');

/** Connects as an Asterisk application would, and opens the events WebSocket for `apps`. */
async function connectApp(server, apps) {
  const ari = await client.connect(server.url, USER, PASSWORD);
  await ari.start(apps);
  return ari;
}

/** Closes the events WebSocket of a client started with connectApp (idempotent). */
function stopApp(ari) {
  if (ari && ari._ws && !ari._wsStopped) {
    ari._wsStopped = true;
    ari.stop();
  }
}

module.exports = { connectApp, stopApp };
