import fs from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A local S3-protocol server for tests: s3rver (the real S3 wire protocol, objects in files) on
 * 127.0.0.1, port 0, in a fresh temp folder, with one bucket made at start. The real AWS SDK talks
 * to it with path-style URLs and the fixed credentials below.
 */
export interface FakeS3 {
  /** `http://127.0.0.1:<port>`, for S3_ENDPOINT. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Where s3rver keeps the objects; removed by `close`. */
  directory: string;
  /** Every request s3rver received (method and path with query), oldest first. */
  requests: { method: string; url: string }[];
  /** The `S3_*` environment for a reelbot process that keeps its media here. */
  env: Record<string, string>;
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}

type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without types: the few members used here are declared above.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** Starts s3rver with `bucket` made; `close()` stops it and removes its folder. */
export async function startFakeS3(bucket = 'reelbot-media'): Promise<FakeS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'reelbot-s3-'));
  // s3rver's own credentials: it checks signatures made with them, as S3 checks ours.
  const accessKeyId = 'S3RVER';
  const secretAccessKey = 'S3RVER';
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  const requests: FakeS3['requests'] = [];
  // Seen before s3rver's own handler: which calls a client made (multipart or a single PUT).
  server.httpServer?.prependListener('request', (req) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
  });
  const endpoint = `http://127.0.0.1:${address.port}`;
  const region = 'us-east-1';
  return {
    endpoint,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    directory,
    requests,
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: region,
      S3_ACCESS_KEY_ID: accessKeyId,
      S3_SECRET_ACCESS_KEY: secretAccessKey,
    },
    async close() {
      // Keep-alive sockets of clients would hold close() open until they time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
