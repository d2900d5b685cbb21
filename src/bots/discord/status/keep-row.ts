import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  ButtonStyle,
  ComponentType,
} from 'discord.js';
import type { GalleryLinks } from '../../../core/chat/gallery-links.js';
import type { Generation } from '../../../core/generations/types.js';
import { buttonId } from '../custom-id.js';

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/**
 * The second row under a finished video, for keeping it: Favorite (when favorites are kept) and
 * Download, the video file behind a signed one-video link. Its own row, because the first holds
 * Discord's most of five buttons already.
 */
export function keepRows(
  generation: Generation,
  links: GalleryLinks,
  options: { favorites: boolean },
): Row[] {
  if (generation.status !== 'succeeded') return [];
  const components: Row['components'] = [];
  if (options.favorites)
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Secondary,
      label: 'Favorite',
      emoji: { name: '⭐' },
      custom_id: buttonId({ action: 'favorite', generationId: generation.id }),
    });
  if (generation.media)
    components.push({
      type: ComponentType.Button,
      style: ButtonStyle.Link,
      label: 'Download',
      url: links.download(generation),
    });
  return components.length ? [{ type: ComponentType.ActionRow, components }] : [];
}
