// Loaded into the CLI with `node --require`: every connection to a host other than this machine
// is refused and its name written to $AGORA_CLI_OUTBOUND_LOG, so a test can prove the CLI talked
// to agora on 127.0.0.1 and nowhere else (not to the real Anypoint platform, not to a telemetry
// service).
'use strict';
const dns = require('dns');
const fs = require('fs');
const net = require('net');

const LOCAL = new Set(['127.0.0.1', '::1', 'localhost']);

function record(host) {
  if (process.env.AGORA_CLI_OUTBOUND_LOG) fs.appendFileSync(process.env.AGORA_CLI_OUTBOUND_LOG, `${host}\n`);
}

function blocked(host) {
  const error = new Error(`agora test: connection to ${host} refused, only 127.0.0.1 may be reached`);
  error.code = 'ENOTFOUND';
  error.hostname = host;
  return error;
}

const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (LOCAL.has(hostname)) return lookup.apply(this, arguments);
  record(hostname);
  const done = typeof options === 'function' ? options : callback;
  process.nextTick(done, blocked(hostname));
  return {};
};
const promisedLookup = dns.promises.lookup;
dns.promises.lookup = function (hostname, ...rest) {
  if (LOCAL.has(hostname)) return promisedLookup.call(this, hostname, ...rest);
  record(hostname);
  return Promise.reject(blocked(hostname));
};

// IP literals never reach dns.lookup, so the socket itself checks where it goes.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0];
  const host = options !== null && typeof options === 'object' ? options.host : (typeof args[1] === 'string' ? args[1] : undefined);
  const isSocketPath = options !== null && typeof options === 'object' && options.path;
  if (!isSocketPath && host && !LOCAL.has(host)) {
    record(host);
    process.nextTick(() => this.destroy(blocked(host)));
    return this;
  }
  return connect.apply(this, args);
};
