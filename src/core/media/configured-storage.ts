import path from 'node:path';
import type { Config } from '../config.js';
import { createS3MediaStorage } from './s3-storage.js';
import { createLocalMediaStorage, type MediaStorage } from './storage.js';

/**
 * The media storage the configuration asks for: the S3 bucket when `S3_*` is set, else DATA_DIR on
 * the local disk. Work files stay in DATA_DIR/tmp either way (ffmpeg and downloads need a disk).
 */
export function createMediaStorage(config: Pick<Config, 'dataDir' | 's3'>): MediaStorage {
  if (!config.s3) return createLocalMediaStorage(config.dataDir);
  return createS3MediaStorage({ ...config.s3, tempDir: path.join(path.resolve(config.dataDir), 'tmp') });
}
