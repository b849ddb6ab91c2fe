'use strict';
// Bridges: two channels of an application mixed in a bridge, one removed,
// the bridge destroyed with the other still in it.

const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../lib/server');
const { connectApp, stopApp } = require('../lib/ari');
const { waitFor, eventually } = require('../lib/events');

const APP = 'mixer';
let server;
let ari;

test.before(async () => {
  server = await startServer();
  ari = await connectApp(server, APP);
});
test.after(async () => {
  stopApp(ari);
  await server?.stop();
});

/** Originates a Local channel into the application and waits for its StasisStart. */
async function call(exten, otherChannelId) {
  const channel = ari.Channel();
  const started = waitFor(ari, 'StasisStart', (e) => e.channel.id === channel.id);
  await channel.originate({ endpoint: `Local/${exten}@e2e`, app: APP, otherChannelId });
  await started;
  return channel;
}

test(
  'two channels mixed in a bridge, one removed, the bridge destroyed',
  async () => {
    // alice's far half echoes DTMF; bob's far half (bob-far) just listens.
    const alice = await call('echo');
    const bob = await call('answer', 'bob-far');

    const bridge = ari.Bridge();
    const entered = [];
    const left = [];
    bridge.on('ChannelEnteredBridge', (event, { bridge: b, channel }) => {
      assert.equal(b.id, bridge.id);
      entered.push(channel.id);
    });
    bridge.on('ChannelLeftBridge', (event, { bridge: b, channel }) => {
      assert.equal(b.id, bridge.id);
      left.push(channel.id);
    });
    const destroyed = [];
    bridge.once('BridgeDestroyed', (event, b) => destroyed.push(b.id));

    const created = await bridge.create({ type: 'mixing', name: 'e2e-mix' });
    assert.equal(created.id, bridge.id, 'the server used the generated id');
    assert.equal(created.bridge_type, 'mixing');
    assert.equal(created.bridge_class, 'stasis');
    assert.equal(created.creator, 'Stasis');
    assert.equal(created.name, 'e2e-mix');
    assert.deepEqual(created.channels, []);
    assert.ok((await ari.bridges.list()).some((b) => b.id === bridge.id));

    await bridge.addChannel({ channel: `${alice.id},${bob.id}` });
    await eventually(() => entered.length === 2, 'ChannelEnteredBridge for both channels');
    assert.deepEqual([...entered].sort(), [alice.id, bob.id].sort());
    let now = await bridge.get();
    assert.deepEqual([...now.channels].sort(), [alice.id, bob.id].sort());
    const app = await ari.applications.get({ applicationName: APP });
    assert.ok(app.bridge_ids.includes(bridge.id), 'the application follows the bridge its channels are in');

    // Mixed: a digit alice's caller sends reaches bob's caller through the bridge.
    await ari.applications.subscribe({ applicationName: APP, eventSource: 'channel:bob-far' });
    const heardByAlice = waitFor(ari, 'ChannelDtmfReceived', (e) => e.channel.id === alice.id);
    const heardByBobFar = waitFor(ari, 'ChannelDtmfReceived', (e) => e.channel.id === 'bob-far');
    await alice.sendDTMF({ dtmf: '5' }); // alice's far half echoes it back into the bridge
    assert.equal((await heardByAlice)[0].digit, '5');
    assert.equal((await heardByBobFar)[0].digit, '5');

    await bridge.removeChannel({ channel: alice.id });
    await eventually(() => left.length === 1, 'ChannelLeftBridge for the removed channel');
    assert.deepEqual(left, [alice.id]);
    now = await bridge.get();
    assert.deepEqual(now.channels, [bob.id]);
    // Removing a channel that is not in the bridge: 422 in ARI.
    await assert.rejects(bridge.removeChannel({ channel: alice.id }));

    // Destroying the bridge puts bob out of it; both channels stay in the application.
    await bridge.destroy();
    await eventually(() => destroyed.length === 1, 'BridgeDestroyed');
    assert.deepEqual(destroyed, [bridge.id]);
    assert.deepEqual(left, [alice.id, bob.id]);
    await assert.rejects(ari.bridges.get({ bridgeId: bridge.id }), /Bridge not found/);
    assert.ok(!(await ari.bridges.list()).some((b) => b.id === bridge.id));
    for (const c of [alice, bob]) {
      const snapshot = await c.get();
      assert.equal(snapshot.state, 'Up');
      assert.equal(snapshot.dialplan.app_name, 'Stasis');
    }

    const gone = Promise.all(
      [alice, bob].map((c) => waitFor(ari, 'ChannelDestroyed', (e) => e.channel.id === c.id)),
    );
    await alice.hangup();
    await bob.hangup();
    await gone;
    await eventually(async () => (await ari.channels.list()).length === 0, 'no channel left');
  },
);
