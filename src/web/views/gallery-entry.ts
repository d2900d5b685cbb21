import type { GenerationGroup } from '../../core/generations/groups/types.js';
import type { Generation } from '../../core/generations/types.js';
import { card } from './card.js';
import { groupCard } from './group-page.js';
import type { SafeHtml } from './html.js';

/** What the gallery shows beside each entry's own row, read once for a page (or for one live card). */
export interface EntryDecorations {
  /** How many parts the chain of each newest part has (a chain shows as its newest part's card). */
  chainLengths?: ReadonlyMap<string, number>;
  /** Items that stand for their group (compare, batch): shown as the group's one card. */
  groupOf?: ReadonlyMap<string, GenerationGroup>;
  /**
   * The id of the group not yet ended (running, composing) that each item is a member of: its card
   * says so, for the live script to turn the members into the group's one card when it ends.
   */
  pendingGroupOf?: ReadonlyMap<string, string>;
  /** How many people marked each card's video as a favorite. */
  stars?: ReadonlyMap<string, number>;
}

/**
 * The card of one gallery entry: the group's card when the item stands for one, else its own with
 * its "Part N" chip and stars. The page and the card the live script swaps in (`GET /g/:id/card`)
 * both come from here, so a card finished while the page is open looks as it will after a reload.
 */
export function entryCard(item: Generation, now: number, decorations: EntryDecorations): SafeHtml {
  const group = decorations.groupOf?.get(item.id);
  return group
    ? groupCard(group, now, item.restrictedCategories)
    : card(item, now, {
        chainLength: decorations.chainLengths?.get(item.id),
        stars: decorations.stars?.get(item.id),
        pendingGroupId: decorations.pendingGroupOf?.get(item.id),
      });
}
