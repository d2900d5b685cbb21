import { placeOf } from '../../../core/access/place.js';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import { mrkdwnLink } from '../mrkdwn.js';

/**
 * `/reelbot gallery`: a signed link to this workspace's gallery (in a direct message, to the
 * person's own videos), answered ephemerally. Whoever holds it sees those videos for 7 days.
 */
export function galleryText(
  links: GalleryLinks,
  command: { user_id: string; team_id: string; channel_id: string },
): string {
  const place = placeOf({
    platform: 'slack',
    workspaceId: command.team_id,
    channelId: command.channel_id,
    userId: command.user_id,
  });
  const whose = place.kind === 'server' ? "This workspace's videos" : 'Your videos';
  return `${mrkdwnLink(links.place(place), `${whose} in the gallery`)} (for 7 days; share it only with people who may see them)`;
}
