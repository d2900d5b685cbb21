/** The text of `/reelbot help`: every surface, in one short message. */
export function helpText(options: { simulationAvailable: boolean }): string {
  return [
    '*reelbot* turns a prompt into a video.',
    '• `/video [prompt]`: pick a model, fill in its form, and get the video in the thread. *How many videos* 2 to 4 makes that many with the same values and their own seeds, side by side.',
    '• `/animate [prompt]`: the same with models that bring an image to life; attach the image in the form.',
    '• *Animate this image*: the message shortcut (⋯ on a message with an image) animates that image.',
    options.simulationAvailable
      ? "• `/simulate <prompt>`: a physics simulation, e.g. `/simulate 30 marbles roll down a ramp`. Add `duration:1-10`, `aspect:16:9|9:16|1:1`, `quality:draft|standard|high` or `seed:42` anywhere, e.g. `/simulate a seesaw aspect:9:16 quality:high`. `/simulate scene` takes a scene JSON file (the Scene button's, edited)."
      : '• `/simulate <prompt>`: physics simulations, coming soon.',
    '• `/reelbot jobs`: your running and queued jobs, each with a *Cancel* button.',
    '• `/reelbot compare [prompt]`: one prompt on 2 to 4 models, side by side in one video.',
    '• `/reelbot usage`: what you used today against the daily limits (admins also see the workspace).',
    "• `/reelbot settings`: show or change the workspace's quotas, models, channels and blocked terms (admins and owners).",
    "• `/reelbot gallery`: a private link to this workspace's videos in the gallery, for 7 days.",
    '• `/reelbot help`: this message.',
    'A status message shows progress; press *Cancel* on it to stop. Under a finished video: *Re-roll* (a new seed), *Parameters*, *Edit* (the form filled in, to change and run again), *Extend* (continue from its last frame, on the image-to-video model you pick), *Delete*, *Favorite* and *Download*. Every video is also kept in the gallery, private to this workspace.',
  ].join('\n');
}
