import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { MediaError } from '../errors.js';
import { mediaTypeOf } from './media-types.js';
import {
  badKey,
  type LocalCopy,
  localCopyName,
  type MediaStat,
  type MediaStorage,
  missingObject,
  type StoredObject,
} from './storage.js';

/** Where the bucket is and how to reach it (the `S3_*` variables, see config.ts). */
export interface S3MediaOptions {
  bucket: string;
  /** An S3-compatible endpoint (MinIO, R2); unset means AWS itself. */
  endpoint?: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `http://host/bucket/key` rather than `http://bucket.host/key`, as MinIO and s3rver want. */
  forcePathStyle: boolean;
  /** A local directory for work files and local copies (DATA_DIR/tmp). */
  tempDir: string;
  /** Multipart part size; S3's minimum of 5 MB is the floor. */
  partSizeBytes?: number;
}

/** An S3 MediaStorage that can always check its bucket and let go of its connections. */
export interface S3MediaStorage extends MediaStorage {
  /** HEAD of the bucket: `MEDIA_STORAGE_NO_BUCKET`, `_DENIED` or `_FAILED` when it cannot be used. */
  check(): Promise<void>;
  /** Closes the client's keep-alive sockets, so a process (or a test's server) can end. */
  close(): Promise<void>;
}

const minPartBytes = 5 * 1024 * 1024;

/** Connections to the bucket at once: streams to gallery viewers, uploads and downloads together. */
const maxSockets = 512;

// The same rule as on disk: a key is a plain relative name, so a corrupt row reaches nothing else.
function checkKey(key: string): string {
  if (!key || key.includes('\0') || key.startsWith('/') || key.split('/').some((part) => part === '..'))
    throw badKey(key);
  return key;
}

interface AwsError {
  name?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

const refusals = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch']);

/** The code of a failed call; a refused HEAD has no body to name the reason, so its 403 decides. */
function codeFor(name: string, status: number | undefined): `MEDIA_${string}` {
  if (name === 'NoSuchBucket') return 'MEDIA_STORAGE_NO_BUCKET';
  if (refusals.has(name) || status === 403) return 'MEDIA_STORAGE_DENIED';
  return 'MEDIA_STORAGE_FAILED';
}

function isMissing(error: unknown): boolean {
  const e = error as AwsError;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Media in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO). Uploads go through
 * `@aws-sdk/lib-storage` (multipart past one part), reads stream straight from GetObject with a
 * Range, and ffmpeg or a chat upload gets a copy downloaded into `tempDir`. The SDK is loaded at
 * the first call, so a process on local disk never pays for it.
 */
export function createS3MediaStorage(options: S3MediaOptions): S3MediaStorage {
  const { bucket, tempDir } = options;
  let loaded: Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;

  function connect() {
    loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: options.region,
        endpoint: options.endpoint,
        forcePathStyle: options.forcePathStyle,
        credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
        // Each gallery viewer's video holds one socket while it streams: the SDK's default of 50
        // would make the 51st viewer (and every upload) wait for one to end. A dead endpoint fails
        // within seconds instead of hanging the request that asked.
        requestHandler: {
          connectionTimeout: 5_000,
          socketTimeout: 60_000,
          httpAgent: { keepAlive: true, maxSockets: maxSockets },
          httpsAgent: { keepAlive: true, maxSockets: maxSockets },
        },
        // Checksums only where S3 demands them: several S3-compatible stores (older MinIO, R2's
        // multipart) refuse the SDK's default CRC trailers on streamed bodies.
        ...(options.endpoint
          ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
          : {}),
      }),
    }));
    return loaded;
  }

  /** The SDK's failure as a MediaError with a code a log can be searched for. */
  function failed(operation: string, key: string, error: unknown, known?: string): MediaError {
    const e = error as AwsError;
    const name = known ?? e?.name ?? e?.Code ?? 'Error';
    const code = codeFor(name, e?.$metadata?.httpStatusCode);
    return new MediaError(code, `S3 ${operation} of ${key} in bucket ${bucket} failed: ${name}`, {
      cause: error,
      userMessage: 'The media storage cannot be reached right now. Please try again later.',
    });
  }

  async function stat(key: string): Promise<MediaStat | undefined> {
    checkKey(key);
    const { client, sdk } = await connect();
    try {
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { bytes: head.ContentLength ?? 0, modifiedMs: head.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw failed('HEAD', key, error);
    }
  }

  async function open(key: string, range?: { start: number; end: number }): Promise<Readable | undefined> {
    checkKey(key);
    const { client, sdk } = await connect();
    try {
      const object = await client.send(
        new sdk.GetObjectCommand({
          Bucket: bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // In Node the body is the HTTP response itself: a Readable, streamed, never buffered here.
      return object.Body as Readable;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw failed('GET', key, error);
    }
  }

  return {
    tempDir,

    async commit(tempPath, key) {
      checkKey(key);
      const { client } = await connect();
      const { Upload } = await import('@aws-sdk/lib-storage');
      const bytes = (await fs.promises.stat(tempPath)).size;
      const upload = new Upload({
        client,
        partSize: Math.max(minPartBytes, options.partSizeBytes ?? 8 * 1024 * 1024),
        queueSize: 4,
        // A failed upload must not leave parts that are billed and never assembled.
        leavePartsOnError: false,
        params: {
          Bucket: bucket,
          Key: key,
          Body: fs.createReadStream(tempPath),
          ContentLength: bytes,
          ContentType: mediaTypeOf(key),
        },
      });
      try {
        await upload.done();
      } catch (error) {
        throw failed('upload', key, error);
      }
      // Like a rename on disk: once the object is whole in the bucket, the work file is gone.
      await fs.promises.rm(tempPath, { force: true });
    },

    async fetchLocal(key): Promise<LocalCopy> {
      const body = await open(key);
      if (!body) throw missingObject(key);
      await fs.promises.mkdir(tempDir, { recursive: true });
      const file = localCopyName(tempDir, key);
      const release = () => fs.promises.rm(file, { force: true });
      try {
        await pipeline(body, fs.createWriteStream(file));
      } catch (error) {
        await release();
        throw failed('download', key, error);
      }
      return { path: file, release };
    },

    stat,
    open,

    async exists(key) {
      return (await stat(key)) !== undefined;
    },

    async remove(key) {
      checkKey(key);
      const { client, sdk } = await connect();
      try {
        // DeleteObject answers 204 for a key that is not there: removing twice is fine.
        await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (!isMissing(error)) throw failed('DELETE', key, error);
      }
    },

    async *list(prefix): AsyncGenerator<StoredObject> {
      const { client, sdk } = await connect();
      let token: string | undefined;
      do {
        let page: import('@aws-sdk/client-s3').ListObjectsV2CommandOutput;
        try {
          page = await client.send(
            new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          );
        } catch (error) {
          throw failed('LIST', prefix, error);
        }
        for (const object of page.Contents ?? [])
          if (object.Key)
            yield {
              key: object.Key,
              bytes: object.Size ?? 0,
              modifiedMs: object.LastModified?.getTime() ?? 0,
            };
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    async check() {
      const { client, sdk } = await connect();
      try {
        await client.send(new sdk.HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        // HEAD answers carry no error body: a 404 here is the bucket itself missing.
        throw failed('HEAD', bucket, error, isMissing(error) ? 'NoSuchBucket' : undefined);
      }
    },

    describe(key) {
      return `s3://${bucket}/${checkKey(key)}`;
    },

    async close() {
      if (loaded) (await loaded).client.destroy();
    },
  };
}
