// Reproducible randomness for tests that pick timings and actions at random: the seed comes
// from an environment variable when set (to replay a failure), else is drawn; tests print it.

// A fresh 32-bit seed from `envName`, or a random one.
export function seedFrom(envName) {
  const text = process.env[envName];
  if (text !== undefined && text !== '') {
    const seed = Number(text);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`${envName} must be an integer in [0, 2^32): got "${text}"`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}

// mulberry32: small, fast and good enough to pick test actions.
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 0x100000000;
  };
  return {
    next,
    chance: (p) => next() < p,
    // An integer in [lo, hi].
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}
