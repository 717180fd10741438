// Starts @20minutes/s3rver, the S3-compatible server agora's tests run against (it checks SigV4
// signatures; its credentials are S3RVER / S3RVER), on 127.0.0.1 and a free port.
// Usage: node s3rver.js DIRECTORY PORT_FILE [BUCKET...]
// Writes "http://127.0.0.1:PORT" to PORT_FILE (atomically) once it listens; stops on SIGTERM/SIGINT.
'use strict';
const fs = require('fs');
const S3rver = require('@20minutes/s3rver');

const [directory, portFile, ...buckets] = process.argv.slice(2);
if (!directory || !portFile) {
  console.error('usage: node s3rver.js DIRECTORY PORT_FILE [BUCKET...]');
  process.exit(2);
}
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
server.run().then(({ port }) => {
  fs.writeFileSync(portFile + '.tmp', `http://127.0.0.1:${port}\n`);
  fs.renameSync(portFile + '.tmp', portFile);
}, (err) => {
  console.error(`s3rver: ${err.message}`);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close().then(() => process.exit(0)));
