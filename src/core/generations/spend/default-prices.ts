import type { PriceTable } from './prices.js';

/**
 * Replicate's public prices, as reelbot ships them. Hardware rates are from the table at
 * https://replicate.com/pricing (also https://replicate.com/docs/billing), read 2026-12-02. The
 * per-video prices are Replicate's listed price for those official models (replicate.com/minimax/…),
 * read the same day. A model absent here shows its compute seconds alone: which hardware a community
 * model runs on is not in the API, so an operator who knows adds it with `PRICES_FILE`.
 */
export const defaultPrices: PriceTable = {
  source: 'https://replicate.com/pricing',
  checkedOn: '2026-12-02',
  hardware: {
    cpu: 0.0001,
    'gpu-t4': 0.000225,
    'gpu-a40-small': 0.000575,
    'gpu-a40-large': 0.000725,
    'gpu-a40-large-2x': 0.00145,
    'gpu-a40-large-4x': 0.0029,
    'gpu-a40-large-8x': 0.0058,
    'gpu-l40s': 0.000975,
    'gpu-2x-l40s': 0.00195,
    'gpu-4x-l40s': 0.0039,
    'gpu-8x-l40s': 0.0078,
    'gpu-a100-large': 0.0014,
    'gpu-a100-large-2x': 0.0028,
    'gpu-a100-large-4x': 0.0056,
    'gpu-a100-large-8x': 0.0112,
    'gpu-h100': 0.001525,
    'gpu-h100-2x': 0.00305,
    'gpu-h100-4x': 0.0061,
    'gpu-h100-8x': 0.0122,
  },
  models: {
    'minimax/video-01': { usdPerOutput: 0.5 },
    'minimax/video-01-live': { usdPerOutput: 0.5 },
  },
};
