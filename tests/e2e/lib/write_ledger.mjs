// What a crash may leave of writes made one at a time per key (an alias, a version's stage, a
// route's fallback): the value of the last write the server acknowledged (2xx fully received:
// it must survive) and the value of a write still in flight when the server died (it may or
// may not be there). A write answered with an error changed nothing.
export class WriteLedger {
  constructor() {
    this.acked = new Map();     // key -> value of the last acknowledged write
    this.inFlight = new Map();  // key -> value of the write whose answer never came
  }

  // Sends one write of `value` to `key` with send() -> {status, ...}; returns send's answer,
  // or null when no answer came (the server died).
  async write(key, value, send) {
    if (this.inFlight.has(key)) throw new Error(`a write to ${key} is already in flight`);
    this.inFlight.set(key, value);
    let answer;
    try {
      answer = await send();
    } catch {
      return null;  // stays in flight: it may have been applied
    }
    this.inFlight.delete(key);
    if (answer.status >= 200 && answer.status < 300) this.acked.set(key, value);
    return answer;
  }

  // The values `key` may have after the crash (`initial` when no write to it was acknowledged).
  allowed(key, initial) {
    const values = [this.acked.has(key) ? this.acked.get(key) : initial];
    if (this.inFlight.has(key)) values.push(this.inFlight.get(key));
    return values;
  }

  // After the values were checked on the restarted server: what is there now is what counts.
  settle(key, value) {
    this.inFlight.delete(key);
    this.acked.set(key, value);
  }

  keys() {
    return new Set([...this.acked.keys(), ...this.inFlight.keys()]);
  }
}
