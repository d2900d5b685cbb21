import type { ChildProcess } from 'node:child_process';
import net from 'node:net';

/*
 * What the private servers tests start (PostgreSQL, Redis) have in common: a free loopback port to
 * put them on, and waiting for the log line that says they accept connections.
 */

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Resolves once `child` writes `ready` on `stream`; rejects with everything it wrote if it exits
 * or fails to start first.
 */
export function readyWhen(
  child: ChildProcess,
  stream: 'stdout' | 'stderr',
  ready: string,
  name: string,
): Promise<void> {
  const output = child[stream]!;
  let log = '';
  return new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes(ready)) {
        output.off('data', onData);
        resolve();
      }
    };
    output.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${log}`)));
    child.once('error', reject);
  });
}
