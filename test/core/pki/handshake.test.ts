// A real mTLS handshake with Node's `tls` on 127.0.0.1, using only the generated files as a server
// and a client would: the right client is accepted; a client of another CA, a client without a
// certificate, a server certificate used as a client certificate, and a server name outside the
// SANs are all refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { makeSet, type MadeSet } from './made';

interface Outcome {
  /** The client finished the handshake and read the server's greeting. */
  readonly accepted: boolean;
  readonly clientError?: string;
  /** What the server saw: `accepted CN`, or why it refused the client. */
  readonly serverSaw?: string;
}

/**
 * The server side of mTLS. `strict`: Node refuses an unverified client itself (rejectUnauthorized),
 * closing the connection without saying why. Otherwise the server reads Node's verdict
 * (`authorized`, `authorizationError`) and closes the connection itself, which tells the reason.
 */
class MtlsServer {
  readonly seen: string[] = [];
  private server!: tls.Server;

  constructor(
    private readonly set: MadeSet,
    private readonly strict: boolean,
  ) {}

  async start(): Promise<number> {
    this.server = tls.createServer(
      {
        key: this.set.read('server.key'),
        cert: this.set.read('server-chain.crt'),
        ca: this.set.read('ca.crt'),
        requestCert: true,
        rejectUnauthorized: this.strict,
      },
      (socket) => {
        if (!socket.authorized) {
          this.seen.push(`refused: ${socket.authorizationError}`);
          socket.destroy();
          return;
        }
        this.seen.push(`accepted ${socket.getPeerCertificate().subject.CN}`);
        socket.end('hello\n');
      },
    );
    this.server.on('tlsClientError', (error) => this.seen.push(`refused: ${error.message}`));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function connect(port: number, options: tls.ConnectionOptions, server: MtlsServer): Promise<Outcome> {
  const before = server.seen.length;
  return new Promise((resolve) => {
    let data = '';
    let error: string | undefined;
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (data += chunk));
    socket.on('error', (e) => (error ??= `${(e as NodeJS.ErrnoException).code ?? ''} ${e.message}`.trim()));
    socket.on('close', () => {
      // The server's log line may come a tick after the client saw the socket close.
      setTimeout(() => resolve({ accepted: data === 'hello\n', clientError: error, serverSaw: server.seen[before] }), 50);
    });
    setTimeout(() => socket.destroy(), 5000).unref();
  });
}

for (const keyAlg of ['ecdsa-p256', 'rsa-2048', 'ed25519']) {
  describe(`mTLS handshake on 127.0.0.1 with generated ${keyAlg} files and an intermediate`, () => {
    let set: MadeSet;
    let stranger: MadeSet;
    let server: MtlsServer;
    let port: number;
    let explaining: MtlsServer;
    let explainingPort: number;

    before(async () => {
      const identity = { keyAlg, intermediate: true, serverDns: 'api.test.internal,localhost', serverIp: '127.0.0.1', clientCn: 'billing' };
      set = await makeSet(identity);
      // The same names from another CA: only the trust anchor differs.
      stranger = await makeSet({ ...identity, caCn: 'Some Other CA' });
      server = new MtlsServer(set, true);
      port = await server.start();
      explaining = new MtlsServer(set, false);
      explainingPort = await explaining.start();
    });
    after(async () => {
      await server.stop();
      await explaining.stop();
      set.dispose();
      stranger.dispose();
    });

    const client = (from: MadeSet) => ({ key: from.read('client.key'), cert: from.read('client-chain.crt') });

    /** Refused by the strict server (no greeting, never accepted), for the reason the other one names. */
    async function assertRefused(options: tls.ConnectionOptions, reason: RegExp): Promise<void> {
      const strict = await connect(port, options, server);
      assert.equal(strict.accepted, false, 'the strict server refuses the client');
      assert.doesNotMatch(strict.serverSaw ?? '', /^accepted/);
      const explained = await connect(explainingPort, options, explaining);
      assert.equal(explained.accepted, false);
      assert.match(explained.serverSaw ?? '', reason);
    }

    it('accepts the generated client, and the client accepts the server by DNS name and by IP', async () => {
      const byName = await connect(port, { servername: 'api.test.internal', ca: set.read('ca.crt'), ...client(set) }, server);
      assert.deepEqual(byName, { accepted: true, clientError: undefined, serverSaw: 'accepted billing' });
      const byIp = await connect(port, { ca: set.read('ca.crt'), ...client(set), checkServerIdentity: (_, cert) => tls.checkServerIdentity('127.0.0.1', cert) }, server);
      assert.equal(byIp.accepted, true, byIp.clientError);
    });

    it('refuses a client certificate signed by another CA', async () => {
      await assertRefused({ servername: 'localhost', ca: set.read('ca.crt'), ...client(stranger) }, /^refused: UNABLE_TO_GET_ISSUER_CERT_LOCALLY$/);
    });

    it('refuses a client without a certificate', async () => {
      // Node names a missing client certificate UNABLE_TO_GET_ISSUER_CERT.
      await assertRefused({ servername: 'localhost', ca: set.read('ca.crt') }, /^refused: UNABLE_TO_GET_ISSUER_CERT$/);
    });

    it('refuses the server certificate used as a client certificate: no clientAuth usage', async () => {
      await assertRefused({ servername: 'localhost', ca: set.read('ca.crt'), key: set.read('server.key'), cert: set.read('server-chain.crt') }, /^refused: INVALID_PURPOSE$/);
    });

    it('refuses a server name outside the SANs', async () => {
      const outcome = await connect(port, { servername: 'evil.test.internal', ca: set.read('ca.crt'), ...client(set) }, server);
      assert.equal(outcome.accepted, false);
      assert.match(outcome.clientError ?? '', /ERR_TLS_CERT_ALTNAME_INVALID.*evil\.test\.internal/);
    });

    it('refuses the server when the client trusts another CA', async () => {
      const outcome = await connect(port, { servername: 'localhost', ca: stranger.read('ca.crt'), ...client(set) }, server);
      assert.equal(outcome.accepted, false);
      assert.match(outcome.clientError ?? '', /UNABLE_TO_GET_ISSUER_CERT|unable to get issuer certificate|self.signed|unable to verify/i);
    });
  });
}
