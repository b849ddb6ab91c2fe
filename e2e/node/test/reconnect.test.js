'use strict';
// The server goes away while an application is connected and comes back on
// the same port: ari-client reconnects on its own and the application goes
// on working without being restarted.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, ariRequest } = require('../lib/server');
const { connectApp, stopApp } = require('../lib/ari');
const { waitFor, eventually } = require('../lib/events');

const APP = 'survivor';
const servers = [];

test.after(async () => {
  for (const s of servers) await s.stop('SIGKILL');
});

for (const [how, signal] of [
  ['crashes', 'SIGKILL'],
  ['is stopped cleanly', 'SIGINT'],
]) {
  test(`the application reconnects when the server ${how} and restarts on the same port`, async (t) => {
    const first = await startServer();
    servers.push(first);
    const ari = await connectApp(first, APP);
    t.after(() => stopApp(ari));

    // The application: every channel that enters it is answered and noted.
    const started = [];
    ari.on('StasisStart', (event, channel) => {
      started.push(channel.id);
      channel.answer().catch(() => {});
    });
    const lifecycle = [];
    ari.on('WebSocketReconnecting', () => lifecycle.push('reconnecting'));
    ari.on('WebSocketConnected', () => lifecycle.push('connected'));
    ari.on('WebSocketMaxRetries', () => lifecycle.push('gave up'));

    const before = await ari.channels.originate({ endpoint: 'Local/answer@e2e', app: APP });
    await eventually(() => started.includes(before.id), 'StasisStart before the restart');

    const reconnecting = waitFor(ari, 'WebSocketReconnecting');
    await first.stop(signal);
    await reconnecting;

    const second = await startServer({ port: first.port });
    servers.push(second);
    assert.equal(second.port, first.port);
    await waitFor(ari, 'WebSocketConnected', () => true, 10_000);
    assert.equal(lifecycle[0], 'reconnecting');
    assert.equal(lifecycle.at(-1), 'connected');
    assert.ok(!lifecycle.includes('gave up'));

    // The new server knows the application again, from the reconnected socket.
    await eventually(
      async () => (await ari.applications.list()).some((a) => a.name === APP),
      'GET /applications lists the application after the reconnect',
    );
    const app = await ari.applications.get({ applicationName: APP });
    assert.deepEqual(app.channel_ids, [], 'the old server\'s channels died with it');
    assert.deepEqual(await ari.channels.list(), []);

    // A new call reaches the same StasisStart handler. (Its id is chosen here:
    // the new server's first channel id may well repeat the old one's, as
    // Asterisk's epoch.sequence ids do after a restart within the second.)
    const after = ari.Channel();
    await after.originate({ endpoint: 'Local/answer@e2e', app: APP });
    await eventually(() => started.includes(after.id), 'StasisStart after the restart');
    assert.deepEqual(started, [before.id, after.id]);
    const destroyed = waitFor(ari, 'ChannelDestroyed', (e) => e.channel.id === after.id);
    await after.hangup();
    await destroyed;

    // Still exactly one events socket for the application.
    const apps = await ariRequest(second, 'GET', '/applications');
    assert.equal(apps.status, 200);
    assert.deepEqual(apps.body.map((a) => a.name), [APP]);
    stopApp(ari);
    await second.stop();
  });
}
