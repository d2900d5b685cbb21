import type { GenerationEvent } from '../generations/types.js';

/**
 * What a chat platform adapter offers the rest of reelbot. `src/bots/discord` and `src/bots/slack`
 * implement it; core and web only ever see this interface. Optional abilities are optional members.
 */
export interface ChatAdapter {
  /** `discord` or `slack`. */
  readonly platform: 'discord' | 'slack';
  /** Connects and starts taking interactions. */
  start(): Promise<void>;
  /** Stops taking new interactions and lets status edits in flight finish. */
  stop(): Promise<void>;
  /** Renders a generation event into the platform's status message for that generation. */
  render?(event: GenerationEvent): Promise<void>;
}
