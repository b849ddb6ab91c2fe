'use strict';
// Short sound files for playback tests: 8 kHz signed-linear (.sln) tones.

const fs = require('node:fs');
const path = require('node:path');

/**
 * Writes `<dir>/<lang>/<name>.sln` for each entry of `sounds`
 * ({ 'digits/1': durationMs, ... }): a 440 Hz tone of that length.
 */
function makeSounds(dir, sounds, lang = 'en') {
  for (const [name, ms] of Object.entries(sounds)) {
    const samples = Math.round((8000 * ms) / 1000);
    const buf = Buffer.alloc(samples * 2);
    for (let i = 0; i < samples; i++) {
      buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
    }
    const file = path.join(dir, lang, `${name}.sln`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, buf);
  }
}

module.exports = { makeSounds };
