// wss:// room servers: the reference server with a certificate from a CA made here. Without
// --ca-file roompeer refuses it (exit 3, a message naming the certificate problem), with
// --ca-file two members call each other over it, with --insecure it connects and warns; a
// CA file that does not verify the server is refused too, and a bad --ca-file is a usage error.
// Then a server with a self-signed certificate, trusted through a relative --ca-file (GLib's
// GTlsFileDatabase takes only absolute paths: roompeer resolves it against its working
// directory), and relative --ca-files that cannot be used: exit 2 with roompeer's own message.
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync, copyFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startPeer, tmp, assert, assertDecodedAll, explain } from './lib.mjs';

const dir = tmp('roompeer-tls-');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const path = (f) => join(dir, f);

function openssl(args) {
  const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: dir });
  assert.equal(r.status, 0, `openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

// A CA, and a server certificate it signs for 127.0.0.1 and localhost.
function makeCa(name) {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', path(`${name}.key`), '-out', path(`${name}.pem`),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}
makeCa('test-ca');
makeCa('other-ca');
openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1',
  '-keyout', path('server.key'), '-out', path('server.csr')]);
writeFileSync(path('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' +
  'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
openssl(['x509', '-req', '-in', path('server.csr'), '-CA', path('test-ca.pem'), '-CAkey', path('test-ca.key'),
  '-CAcreateserial', '-days', '2', '-extfile', path('server.ext'), '-out', path('server.pem')]);
writeFileSync(path('garbage.pem'), 'not a certificate\n');
// A self-signed certificate for 127.0.0.1: the server's own, and the only CA that trusts it.
openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
  '-keyout', path('self.key'), '-out', path('self.pem'), '-addext', 'subjectAltName=IP:127.0.0.1']);

const server = await startServer(['--cert', path('server.pem'), '--key', path('server.key')]);
try {
  assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const t0 = Date.now();

  // 1. System store only: the test CA is unknown, so the server is not trusted. No retries.
  const plain = await startPeer('plain', ['--server', server.url, '--room', 'tls', '--duration', '20'], { dir }).done;
  assert.equal(plain.code, 3, 'an untrusted certificate is exit 3' + explain(plain));
  assert.match(plain.stderr, /cannot trust the room server at wss:\/\/127\.0\.0\.1.*certificate.*unknown CA.*--ca-file/, explain(plain));
  assert.ok(plain.report.failures.some((f) => /certificate/.test(f)), explain(plain));
  assert.doesNotMatch(plain.stderr, /retrying/, 'a certificate error is not retried' + explain(plain));

  // 2. Another CA's file does not verify it either.
  const other = await startPeer('other', ['--server', server.url, '--room', 'tls', '--duration', '20',
    '--ca-file', path('other-ca.pem')], { dir }).done;
  assert.equal(other.code, 3, explain(other));
  assert.match(other.stderr, /certificate.*neither the system CA store nor --ca-file/, explain(other));

  // 3. A --ca-file that is no certificate: a usage error before connecting.
  const garbage = await startPeer('garbage', ['--server', server.url, '--room', 'tls',
    '--ca-file', path('garbage.pem')], { dir }).done;
  assert.equal(garbage.code, 2, explain(garbage));
  assert.match(garbage.stderr, /--ca-file: cannot load/, explain(garbage));
  console.log(`refusals: ${Date.now() - t0} ms`);

  // 4. With the test CA: two members call each other over wss://, also by host name.
  const ca = ['--ca-file', path('test-ca.pem')];
  const localhostUrl = server.url.replace('127.0.0.1', 'localhost');
  const a = startPeer('alice', ['--server', server.url, '--room', 'tls', '--duration', '7',
    '--expect-peers', '1', '--expect-frames', '30', ...ca], { dir });
  await a.waitForLog(/joined room 'tls'/);
  const b = startPeer('bob', ['--server', localhostUrl, '--room', 'tls', '--duration', '5',
    '--expect-peers', '1', '--expect-frames', '30', ...ca], { dir });
  const [ra, rb] = await Promise.all([a.done, b.done]);
  for (const r of [ra, rb]) {
    assert.equal(r.code, 0, explain(r));
    assertDecodedAll(r, 1, 30);
    assert.doesNotMatch(r.stderr, /insecure|certificate/i, explain(r));
    console.log(`${r.name} over wss:// with --ca-file: ${r.report.peers[0].video.frames_decoded} frames`);
  }

  // 5. --insecure: connects and joins, with a warning.
  const loose = await startPeer('loose', ['--server', server.url, '--room', 'tls-alone', '--duration', '2',
    '--insecure'], { dir }).done;
  assert.equal(loose.code, 0, explain(loose));
  assert.match(loose.stderr, /--insecure: the room server's TLS certificate is not verified/, explain(loose));
  assert.match(loose.stderr, /joined room 'tls-alone'/, explain(loose));

  // 6. Both at once is a usage error.
  const both = await startPeer('both', ['--server', server.url, '--room', 'tls', '--insecure', ...ca], { dir }).done;
  assert.equal(both.code, 2, explain(both));
  console.log('TLS: refused without the CA, calls with --ca-file, connects with --insecure: ok');
} finally {
  await server.stop();
}

const selfSigned = await startServer(['--cert', path('self.pem'), '--key', path('self.key')]);
try {
  // 7. A self-signed server certificate: refused without --ca-file...
  const refused = await startPeer('self-plain', ['--server', selfSigned.url, '--room', 'tls-self',
    '--duration', '20'], { dir }).done;
  assert.equal(refused.code, 3, explain(refused));
  assert.match(refused.stderr, /certificate.*--ca-file/, explain(refused));

  // ...and trusted through --ca-file naming that certificate by a relative path, roompeer
  // running in the certificate's directory.
  const rel = await startPeer('relative', ['--server', selfSigned.url, '--room', 'tls-self',
    '--duration', '2', '--ca-file', 'self.pem'], { dir, cwd: dir }).done;
  assert.equal(rel.code, 0, 'a relative --ca-file must be trusted' + explain(rel));
  assert.match(rel.stderr, /joined room 'tls-self'/, explain(rel));
  assert.doesNotMatch(rel.stderr, /GLib|certificate|insecure/i, explain(rel));
  assert.equal(rel.report.result, 'pass', explain(rel));
  const dotted = await startPeer('dotted', ['--server', selfSigned.url, '--room', 'tls-self',
    '--duration', '1', '--ca-file', './self.pem'], { dir, cwd: dir }).done;
  assert.equal(dotted.code, 0, explain(dotted));

  // 8. Relative --ca-files that cannot be used: exit 2 before connecting, roompeer's own message
  // naming the option and the absolute path, no GLib warning.
  const unusable = [['garbage.pem', /no PEM certificate/], ['missing.pem', /no such file/],
    ['.', /it is a directory/]];
  if (process.getuid() !== 0) { // root reads any file
    copyFileSync(path('self.pem'), path('unreadable.pem'));
    chmodSync(path('unreadable.pem'), 0o000);
    unusable.push(['unreadable.pem', /cannot read it: Permission denied/]);
  }
  for (const [file, why] of unusable) {
    const t0 = Date.now();
    const bad = await startPeer('bad-ca', ['--server', selfSigned.url, '--room', 'tls-self',
      '--duration', '20', '--ca-file', file], { dir, cwd: dir }).done;
    assert.equal(bad.code, 2, `--ca-file ${file}` + explain(bad));
    const shown = file === '.' ? dir : join(dir, file);
    assert.ok(bad.stderr.includes(`roompeer: --ca-file: cannot load '${shown}': `), `--ca-file ${file}` + explain(bad));
    assert.match(bad.stderr, why, `--ca-file ${file}` + explain(bad));
    assert.doesNotMatch(bad.stderr, /GLib|joined|connect/i, `--ca-file ${file}` + explain(bad));
    assert.ok(Date.now() - t0 < 5000, `--ca-file ${file} took ${Date.now() - t0} ms`);
  }
  console.log('TLS: a self-signed certificate through a relative --ca-file: ok; unusable ones exit 2');
} finally {
  await selfSigned.stop();
}
